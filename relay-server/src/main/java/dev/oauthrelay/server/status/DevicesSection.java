package dev.oauthrelay.server.status;

import dev.oauthrelay.inventory.Device;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The devices section: the inventory, with the devices that still use TLS 1.0 or 1.1 (deprecated
 * by RFC 8996) or send without TLS flagged, since those are the ones to fix first.
 */
final class DevicesSection {

    /** TLS versions as the JDK and OpenSSL name them. */
    private static final Set<String> OLD_TLS = Set.of("TLSv1", "TLSv1.0", "TLSv1.1", "SSLv3");
    private static final String NO_TLS = "none";

    private DevicesSection() {
    }

    static boolean oldTls(Device d) {
        return d.tlsProtocols().stream().anyMatch(OLD_TLS::contains);
    }

    static boolean noTls(Device d) {
        return d.tlsProtocols().contains(NO_TLS);
    }

    static void render(StringBuilder b, StatusView view, Instant now) {
        b.append("<section id=\"devices\"><h2>Devices</h2>");
        if (view.devices().isEmpty()) {
            b.append("<p>The device inventory is off (relay.inventory.enabled = false).</p></section>\n");
            return;
        }
        List<Device> devices = view.devices().get();
        long old = devices.stream().filter(DevicesSection::oldTls).count();
        long plain = devices.stream().filter(DevicesSection::noTls).count();
        if (devices.isEmpty()) {
            b.append("<p>No device has connected yet.</p></section>\n");
            return;
        }
        b.append("<p>").append(old == 0 && plain == 0 ? "Every device uses TLS 1.2 or later."
                : (old > 0 ? old + " device(s) still use TLS 1.0 or 1.1 (deprecated, RFC 8996). " : "")
                + (plain > 0 ? plain + " device(s) sent mail without TLS. " : "")
                + "They are highlighted; give them a listener of their own or update them.").append("</p>");
        b.append("<table><thead><tr><th>Address</th><th>Last seen</th><th>Accounts / networks</th><th>HELO</th>")
                .append("<th>TLS</th><th>Messages</th><th>Failures</th></tr></thead><tbody>");
        for (Device d : devices) {
            boolean flag = oldTls(d) || noTls(d);
            List<String> identities = new ArrayList<>(d.accounts());
            d.networks().forEach(n -> identities.add("network " + n));
            b.append(flag ? "<tr class=\"flag\">" : "<tr>").append("<td class=\"name\">").append(Html.text(d.address()))
                    .append("</td><td>").append(Html.when(d.lastSeen(), now)).append("</td><td class=\"name\">")
                    .append(Html.text(String.join(", ", identities))).append("</td><td class=\"name\">")
                    .append(Html.text(String.join(", ", d.heloNames()))).append("</td><td>");
            tls(b, d.tlsProtocols());
            b.append("</td><td class=\"num\">").append(d.messages()).append("</td><td>")
                    .append(failures(d)).append("</td></tr>");
        }
        b.append("</tbody></table>");
        if (view.moreDevices() > 0) {
            b.append("<p class=\"note\">").append(view.moreDevices())
                    .append(" less recently seen device(s) not shown: GET /devices lists them all.</p>");
        }
        b.append("</section>\n");
    }

    private static void tls(StringBuilder b, List<String> protocols) {
        for (String p : protocols) {
            if (OLD_TLS.contains(p)) {
                b.append("<span class=\"badge warn\">").append(Html.text(p)).append(" (old)</span> ");
            } else if (p.equals(NO_TLS)) {
                b.append("<span class=\"badge bad\">no TLS</span> ");
            } else {
                b.append(Html.text(p)).append(' ');
            }
        }
    }

    private static String failures(Device d) {
        if (d.authFailures() == 0 && d.refused() == 0 && d.deliveryFailures() == 0) {
            return "none";
        }
        return d.authFailures() + " failed AUTH, " + d.refused() + " refused, " + d.deliveryFailures() + " failed upstream";
    }
}
