package dev.oauthrelay.server.inventory;

import dev.oauthrelay.inventory.Device;
import dev.oauthrelay.server.logging.LogText;
import java.util.Collection;
import java.util.List;

/**
 * The inventory as CSV (RFC 4180, CRLF line ends): a header row with the JSON field names, then one
 * row per device; list values are joined with {@code ;}. Values come from devices, so control
 * characters are escaped (one row per line), and a value that starts with {@code = + - @} gets a
 * leading {@code '} so that a spreadsheet shows it instead of running it as a formula (OWASP
 * "CSV injection").
 */
public final class DevicesCsv {

    private DevicesCsv() {
    }

    public static String write(List<Device> devices) {
        StringBuilder out = new StringBuilder();
        row(out, List.copyOf(DevicesJson.columns()));
        for (Device d : devices) {
            row(out, DevicesJson.values(d));
        }
        return out.toString();
    }

    private static void row(StringBuilder out, List<?> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(cell(cells.get(i)));
        }
        out.append("\r\n");
    }

    static String cell(Object value) {
        if (value instanceof Number n) {
            return n.toString();
        }
        String s = value instanceof Collection<?> c ? String.join(";", c.stream().map(String::valueOf).toList())
                : String.valueOf(value);
        s = LogText.printable(s);
        if (!s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0) {
            s = "'" + s;
        }
        if (s.contains(",") || s.contains("\"") || !s.equals(s.strip())) {
            s = "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }
}
