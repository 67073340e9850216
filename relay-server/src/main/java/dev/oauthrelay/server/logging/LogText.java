package dev.oauthrelay.server.logging;

import java.util.Collection;

/**
 * Escaping of untrusted text for log lines and terminals. "Unsafe" characters are those that can
 * break a line or fool a reader: control characters (C0, DEL, C1), Unicode format characters
 * (bidirectional overrides, zero-width characters), line and paragraph separators, and unpaired
 * surrogates. They are written as {@code \n}, {@code \r}, {@code \t} or {@code \}{@code uXXXX}.
 */
public final class LogText {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private LogText() {
    }

    /**
     * A value for a {@code key=value} (logfmt) line: as it is if it has no space, quote, equals
     * sign, backslash or unsafe character and is not empty; otherwise in double quotes with
     * {@code \"}, {@code \\} and the escapes above. A collection is its elements joined by commas.
     */
    public static String value(Object value) {
        StringBuilder out = new StringBuilder();
        appendValue(out, value);
        return out.toString();
    }

    static void appendValue(StringBuilder out, Object value) {
        String s = value instanceof Collection<?> c ? String.join(",", c.stream().map(String::valueOf).toList())
                : String.valueOf(value);
        if (!needsQuotes(s)) {
            out.append(s);
            return;
        }
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else {
                appendChar(out, s, i);
            }
        }
        out.append('"');
    }

    /** {@code s} on one line for a terminal: backslash and unsafe characters escaped, nothing quoted. */
    public static String printable(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\\') {
                out.append("\\\\");
            } else {
                appendChar(out, s, i);
            }
        }
        return out.toString();
    }

    /** A JSON string literal of {@code s}, unsafe characters escaped too (valid JSON either way). */
    static void appendJsonString(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c == '\b') {
                out.append("\\b");
            } else if (c == '\f') {
                out.append("\\f");
            } else {
                appendChar(out, s, i);
            }
        }
        out.append('"');
    }

    /** A JSON value: numbers and booleans as such, collections as arrays, null, anything else as a string. */
    static void appendJson(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long
                || value instanceof Short || value instanceof Byte) {
            out.append(value);
        } else if (value instanceof Collection<?> c) {
            out.append('[');
            boolean first = true;
            for (Object element : c) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                appendJson(out, element);
            }
            out.append(']');
        } else {
            appendJsonString(out, value.toString());
        }
    }

    private static boolean needsQuotes(String s) {
        if (s.isEmpty()) {
            return true;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c == '"' || c == '=' || c == '\\' || unsafe(s, i)) {
                return true;
            }
        }
        return false;
    }

    /** Appends {@code s.charAt(i)}, escaped if it is unsafe. */
    private static void appendChar(StringBuilder out, String s, int i) {
        char c = s.charAt(i);
        if (!unsafe(s, i)) {
            out.append(c);
        } else if (c == '\n') {
            out.append("\\n");
        } else if (c == '\r') {
            out.append("\\r");
        } else if (c == '\t') {
            out.append("\\t");
        } else {
            out.append("\\u").append(HEX[c >> 12 & 15]).append(HEX[c >> 8 & 15]).append(HEX[c >> 4 & 15])
                    .append(HEX[c & 15]);
        }
    }

    private static boolean unsafe(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
        }
        int type = Character.getType(c);
        return Character.isISOControl(c) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }
}
