package dev.oauthrelay.server.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Renders the queue JSON of the admin API ({@code QueueJson}) for a terminal. */
final class QueueOutput {

    private static final int MAX_ERROR = 70;
    private static final String[] COLUMNS =
            {"ID", "STATE", "AGE", "IDENTITY", "MAILBOX", "FROM", "RCPT P/D/F", "TRIES", "NEXT", "LAST ERROR"};

    private QueueOutput() {
    }

    /** {@code GET /queue} as a table with one line per message and a count line. */
    @SuppressWarnings("unchecked")
    static String table(Map<String, Object> listing, Instant now) {
        List<Map<String, Object>> messages = (List<Map<String, Object>>) listing.get("messages");
        if (messages.isEmpty()) {
            return "The queue is empty; nothing dead-lettered or quarantined.\n";
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(COLUMNS);
        int queued = 0;
        int dead = 0;
        int damaged = 0;
        for (Map<String, Object> m : messages) {
            if (m.containsKey("problem")) {
                damaged++;
                String[] row = {str(m.get("id")), state(m), "", "", "", "", "", "", "", cut(str(m.get("problem")))};
                rows.add(row);
                continue;
            }
            if ("deadletter".equals(m.get("folder"))) {
                dead++;
            } else {
                queued++;
            }
            Map<String, Object> r = (Map<String, Object>) m.get("recipients");
            rows.add(new String[] {str(m.get("id")), state(m), duration(number(m.get("ageSeconds"))),
                    str(m.get("identity")), str(m.get("mailbox")), "<" + str(m.get("from")) + ">",
                    count(r.get("pending")) + "/" + count(r.get("delivered")) + "/" + count(r.get("failed")),
                    str(m.get("attempts")), next(m.get("nextAttempt"), now), cut(str(m.get("lastError")))});
        }
        StringBuilder out = new StringBuilder();
        int[] widths = new int[COLUMNS.length];
        rows.forEach(row -> {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        });
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : String.format("%-" + widths[i] + "s  ", row[i]));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        out.append(queued).append(" queued, ").append(dead).append(" dead-lettered, ").append(damaged)
                .append(" damaged or quarantined\n");
        return out.toString();
    }

    /** {@code GET /queue/<id>} as labelled lines, recipients, and the header section. */
    @SuppressWarnings("unchecked")
    static String details(Map<String, Object> m, Instant now) {
        StringBuilder out = new StringBuilder();
        out.append("Message ").append(m.get("id")).append(" (").append(state(m)).append(")\n");
        if (m.containsKey("envelope")) {
            Map<String, Object> env = (Map<String, Object>) m.get("envelope");
            Map<String, Object> d = (Map<String, Object>) m.get("delivery");
            line(out, "File", m.get("file") + " (" + m.get("size") + " bytes of message)");
            line(out, "Received", env.get("received") + " (" + duration(number(env.get("ageSeconds"))) + " ago) from "
                    + env.get("client") + ", HELO " + env.get("helo") + ", TLS " + env.get("tls"));
            line(out, "Identity", env.get("identity") + " (" + env.get("identityKind") + ") sending as mailbox "
                    + env.get("mailbox"));
            List<String> params = (List<String>) env.get("mailParameters");
            line(out, "MAIL FROM", "<" + env.get("from") + ">" + (params.isEmpty() ? "" : " ")
                    + String.join(" ", params));
            line(out, "Attempts", d.get("attempts") + (d.get("nextAttempt") == null ? "" : ", next "
                    + next(d.get("nextAttempt"), now)) + (Boolean.TRUE.equals(d.get("possibleDuplicate"))
                    ? ", a copy may have been delivered already (connection lost after the final dot)" : ""));
            if (!str(d.get("lastError")).isEmpty()) {
                line(out, "Last error", str(d.get("lastError")));
            }
            if (d.get("releasedAt") != null) {
                line(out, "Released", str(d.get("releasedAt")));
            }
            out.append("Recipients:\n");
            for (Map<String, Object> r : (List<Map<String, Object>>) m.get("recipients")) {
                out.append(String.format("  %-9s <%s>%s%n", r.get("status"), r.get("address"),
                        str(r.get("reply")).isEmpty() ? "" : " " + r.get("reply")));
            }
            if (m.get("report") != null) {
                out.append("Dead-letter report:\n").append(indent(str(m.get("report"))));
            }
            out.append("Header section").append(Boolean.TRUE.equals(m.get("headersComplete")) ? "" : " (cut short)")
                    .append(":\n").append(indent(str(m.get("headers")).replace("\r\n", "\n")));
            out.append("(The body is not shown: it is in the file above.)\n");
        }
        if (m.containsKey("damaged")) {
            out.append("Damaged files:\n");
            for (Map<String, Object> d : (List<Map<String, Object>>) m.get("damaged")) {
                out.append("  ").append(d.get("file")).append(" (").append(d.get("size")).append(" bytes, modified ")
                        .append(d.get("modified")).append("): ").append(d.get("problem")).append('\n');
            }
        }
        return out.toString();
    }

    private static String state(Map<String, Object> m) {
        String folder = str(m.get("folder"));
        if (m.containsKey("problem") || (m.containsKey("damaged") && !m.containsKey("envelope"))) {
            return folder.equals("quarantine") ? "quarantined" : "damaged";
        }
        return switch (folder) {
            case "deadletter" -> "dead-letter";
            case "quarantine" -> "quarantined";
            default -> m.get("activity") == null ? "queued" : str(m.get("activity"));
        };
    }

    private static void line(StringBuilder out, String label, Object value) {
        out.append(String.format("%-11s %s%n", label + ":", value));
    }

    private static String indent(String text) {
        StringBuilder out = new StringBuilder();
        for (String l : text.split("\n", -1)) {
            if (!l.isEmpty()) {
                out.append("  ").append(l).append('\n');
            }
        }
        return out.toString();
    }

    private static String next(Object iso, Instant now) {
        if (iso == null) {
            return "-";
        }
        Duration wait = Duration.between(now, Instant.parse(str(iso)));
        return wait.isNegative() || wait.isZero() ? "due" : "in " + duration(wait.toSeconds());
    }

    /** 12s, 4m10s, 2h05m, 3d04h. */
    static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m" + String.format("%02ds", seconds % 60);
        }
        if (seconds < 86400) {
            return seconds / 3600 + "h" + String.format("%02dm", seconds % 3600 / 60);
        }
        return seconds / 86400 + "d" + String.format("%02dh", seconds % 86400 / 3600);
    }

    private static long number(Object n) {
        return n == null ? 0 : ((Number) n).longValue();
    }

    private static String count(Object n) {
        return n == null ? "?" : str(n);
    }

    private static String str(Object o) {
        return o == null ? "" : o.toString();
    }

    private static String cut(String s) {
        String one = s.replace('\r', ' ').replace('\n', ' ');
        return one.length() > MAX_ERROR ? one.substring(0, MAX_ERROR - 3) + "..." : one;
    }
}
