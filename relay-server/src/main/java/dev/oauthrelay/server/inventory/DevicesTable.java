package dev.oauthrelay.server.inventory;

import dev.oauthrelay.inventory.Device;
import dev.oauthrelay.server.logging.LogText;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The inventory as a table for a terminal: one row per device, most recently seen first, with who
 * it sends as, how it greets and which TLS it uses. Long cells are cut (JSON and CSV have it all);
 * control characters are escaped, so a device cannot send escape sequences to the operator's terminal.
 */
public final class DevicesTable {

    static final int MAX_CELL = 40;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);
    private static final List<String> HEADER = List.of("ADDRESS", "LAST SEEN (UTC)", "ACCOUNTS/NETWORKS", "HELO",
            "TLS", "SENDERS", "MESSAGES", "BYTES", "AUTH FAIL", "REFUSED", "FAILED");

    private DevicesTable() {
    }

    public static String write(DevicesJson.Document document) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        for (Device d : document.devices()) {
            List<String> identities = new ArrayList<>(d.accounts());
            d.networks().forEach(n -> identities.add("network:" + n));
            rows.add(List.of(LogText.printable(d.address()), TIME.format(d.lastSeen()), list(identities), list(d.heloNames()),
                    list(d.tlsProtocols()), list(d.senders()), Long.toString(d.messages()), Long.toString(d.bytes()),
                    Long.toString(d.authFailures()), Long.toString(d.refused()), Long.toString(d.deliveryFailures())));
        }
        int[] widths = new int[HEADER.size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(String.format("%-" + widths[i] + "s", row.get(i))).append("  ");
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        int n = document.devices().size();
        out.append(n).append(n == 1 ? " device" : " devices").append(", as of ")
                .append(document.asOf().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)).append('\n');
        return out.toString();
    }

    private static String list(List<String> values) {
        String s = values.isEmpty() ? "-" : LogText.printable(String.join(",", values));
        return s.length() > MAX_CELL ? s.substring(0, MAX_CELL - 3) + "..." : s;
    }
}
