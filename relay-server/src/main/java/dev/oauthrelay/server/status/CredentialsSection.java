package dev.oauthrelay.server.status;

import dev.oauthrelay.credentials.CredentialState;
import dev.oauthrelay.credentials.CredentialStatus;
import java.time.Instant;
import java.util.List;

/**
 * The credentials section: each upstream account's client secret or certificate, when it expires,
 * its state and, when the admin must act, what to do.
 */
final class CredentialsSection {

    private CredentialsSection() {
    }

    static void render(StringBuilder b, List<CredentialStatus> credentials, Instant now) {
        b.append("<section id=\"credentials\"><h2>Credentials</h2>");
        if (credentials.isEmpty()) {
            b.append("<p>No upstream account is configured, so there is no client secret or certificate to watch.</p>"
                    + "</section>\n");
            return;
        }
        long urgent = credentials.stream().filter(s -> s.state().needsAction()).count();
        long unknown = credentials.stream().filter(s -> s.state() == CredentialState.UNKNOWN).count();
        b.append("<p>").append(urgent == 0 ? "No credential expires within the warning period"
                        + " (relay.credentials.warn-before)." : urgent + " credential(s) expire soon or have expired:"
                        + " replace them before mail waits.")
                .append(unknown == 0 ? "" : " The expiry of " + unknown + " is unknown.").append("</p>");
        b.append("<table><thead><tr><th>Upstream account</th><th>Credential</th><th>Expires</th><th>State</th>")
                .append("<th>Details</th></tr></thead><tbody>");
        for (CredentialStatus s : credentials) {
            b.append(s.state().needsAction() ? "<tr class=\"flag\">" : "<tr>")
                    .append("<td>").append(Html.text(s.account())).append("</td><td>")
                    .append(Html.text(s.kind().words())).append(" <span class=\"meta\">(")
                    .append(Html.text(s.expiry().configKey())).append(")</span></td><td>")
                    .append(s.expiry().expiresAt().map(t -> Html.when(t, now)).orElse("unknown")).append("</td><td>")
                    .append(badge(s.state())).append("</td><td>").append(Html.text(s.sentence())).append("</td></tr>");
        }
        b.append("</tbody></table></section>\n");
    }

    private static String badge(CredentialState state) {
        String css = switch (state) {
            case OK -> "badge ok";
            case EXPIRING -> "badge warn";
            case EXPIRED -> "badge bad";
            case UNKNOWN -> "badge";
        };
        return "<span class=\"" + css + "\">" + state.word() + "</span>";
    }
}
