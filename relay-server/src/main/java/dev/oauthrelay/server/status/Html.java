package dev.oauthrelay.server.status;

import dev.oauthrelay.server.logging.LogText;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Text for the status page: every value goes through {@link #text}, whoever chose it. */
final class Html {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private Html() {
    }

    /**
     * {@code s} as HTML text or attribute value: {@code & < > " '} as character references, and
     * characters that could hide or reorder what an admin reads (controls, bidirectional overrides,
     * zero-width characters) shown as {@code \}{@code uXXXX}, as in the log.
     */
    static String text(String s) {
        String printable = LogText.printable(s);
        StringBuilder out = new StringBuilder(printable.length() + 16);
        for (int i = 0; i < printable.length(); i++) {
            char c = printable.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A time in UTC, to the second. */
    static String time(Instant t) {
        return TIME.format(t);
    }

    /** A duration in the two largest units that matter: {@code 45 s}, {@code 12 min}, {@code 3 h 5 min}, {@code 2 d 4 h}. */
    static String duration(Duration d) {
        long s = Math.abs(d.toSeconds());
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return s / 60 + " min";
        }
        if (s < 86_400) {
            return s / 3600 + " h" + (s % 3600 / 60 == 0 ? "" : " " + s % 3600 / 60 + " min");
        }
        return s / 86_400 + " d" + (s % 86_400 / 3600 == 0 ? "" : " " + s % 86_400 / 3600 + " h");
    }

    /** {@code t} relative to {@code now}: {@code 3 min ago} or {@code in 20 s}. */
    static String relative(Instant t, Instant now) {
        Duration d = Duration.between(now, t);
        return d.isNegative() ? duration(d) + " ago" : d.isZero() ? "now" : "in " + duration(d);
    }

    /** A {@code <time>} element: the UTC time, and how long ago or ahead it is. */
    static String when(Instant t, Instant now) {
        return "<time datetime=\"" + text(t.toString()) + "\">" + time(t) + "</time> (" + relative(t, now) + ")";
    }
}
