package dev.oauthrelay.server.graph;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The top-level parts of a {@code multipart/*} message (RFC 2046 section 5.1.1) with their byte
 * offsets, found in one streaming pass: for sending a large message through Graph without its
 * largest attachments. Nested multiparts are not entered (an attachment inside a
 * {@code multipart/alternative} stays where it is). Lines end in CRLF, as in the spool.
 */
final class MimeParts {

    /** Part header sections longer than this are cut (what is looked at is near the top). */
    private static final int MAX_PART_HEADER = 64 * 1024;

    /**
     * One body part.
     *
     * @param start     offset of its opening delimiter line ({@code --boundary})
     * @param bodyStart offset of its content, after its header section
     * @param end       offset of the CRLF that precedes the next delimiter (where its content ends)
     * @param headers   its header fields, lower-case names, unfolded values (the first of each name)
     */
    record Part(long start, long bodyStart, long end, Map<String, String> headers) {

        long contentLength() {
            return end - bodyStart;
        }

        /** What removing this part (delimiter, header, content and the CRLF after it) takes out. */
        long removedLength() {
            return end + 2 - start;
        }

        /** The file name (Content-Disposition filename, else Content-Type name), or null. */
        String fileName() {
            String name = parameter(headers.get("content-disposition"), "filename");
            return name != null ? name : parameter(headers.get("content-type"), "name");
        }

        /** The media type without parameters, lower case; text/plain if none is given (RFC 2045 section 5.2). */
        String mediaType() {
            String ct = headers.get("content-type");
            if (ct == null || ct.isBlank()) {
                return "text/plain";
            }
            int semi = ct.indexOf(';');
            return (semi < 0 ? ct : ct.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
        }

        String transferEncoding() {
            String cte = headers.get("content-transfer-encoding");
            return cte == null ? "7bit" : cte.strip().toLowerCase(Locale.ROOT);
        }

        boolean inline() {
            String cd = headers.get("content-disposition");
            return cd != null && cd.strip().toLowerCase(Locale.ROOT).startsWith("inline");
        }

        /** The Content-ID without its angle brackets, or null. */
        String contentId() {
            String id = headers.get("content-id");
            if (id == null || id.isBlank()) {
                return null;
            }
            id = id.strip();
            return id.startsWith("<") && id.endsWith(">") ? id.substring(1, id.length() - 1) : id;
        }

        /** A file that can be attached on its own: it has a name and is no multipart or message. */
        boolean detachable() {
            String type = mediaType();
            return fileName() != null && !type.startsWith("multipart/") && !type.startsWith("message/");
        }
    }

    private MimeParts() {
    }

    /** The top-level parts of the message in {@code in}; empty if it is not a multipart (or has no boundary). */
    static List<Part> scan(InputStream in) throws IOException {
        LineReader r = new LineReader(in);
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        byte[] line;
        while ((line = r.next()) != null && line.length > 0) {
            if (header.size() < OutgoingMime.MAX_HEADER) {
                header.write(line);
                header.write('\r');
                header.write('\n');
            }
        }
        Map<String, String> top = headers(header.toByteArray());
        String type = top.get("content-type");
        String boundary = parameter(type, "boundary");
        if (type == null || !type.strip().toLowerCase(Locale.ROOT).startsWith("multipart/") || boundary == null
                || boundary.isEmpty()) {
            return List.of();
        }
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        List<Part> parts = new ArrayList<>();
        long partStart = -1;
        long bodyStart = -1;
        Map<String, String> partHeaders = null;
        while ((line = r.next()) != null) {
            if (!startsWith(line, delimiter)) {
                continue;
            }
            String rest = new String(line, delimiter.length, line.length - delimiter.length, StandardCharsets.ISO_8859_1);
            boolean close = rest.startsWith("--");
            if (!close && !rest.isBlank()) {
                continue; // a line that only begins like the boundary
            }
            if (partStart >= 0) {
                parts.add(new Part(partStart, bodyStart, r.lineStart() - 2, partHeaders));
            }
            if (close) {
                return parts;
            }
            partStart = r.lineStart();
            ByteArrayOutputStream ph = new ByteArrayOutputStream();
            while ((line = r.next()) != null && line.length > 0) {
                if (ph.size() < MAX_PART_HEADER) {
                    ph.write(line);
                    ph.write('\r');
                    ph.write('\n');
                }
            }
            partHeaders = headers(ph.toByteArray());
            bodyStart = r.position();
        }
        return List.of(); // no closing delimiter: a truncated multipart is not split
    }

    /** Header fields: lower-case names, unfolded values, the first field of each name. */
    static Map<String, String> headers(byte[] section) {
        Map<String, String> out = new LinkedHashMap<>();
        String name = null;
        StringBuilder value = new StringBuilder();
        for (String l : new String(section, StandardCharsets.ISO_8859_1).split("\r\n")) {
            if (!l.isEmpty() && (l.charAt(0) == ' ' || l.charAt(0) == '\t')) {
                value.append(' ').append(l.strip());
                continue;
            }
            if (name != null) {
                out.putIfAbsent(name, value.toString().strip());
            }
            int colon = l.indexOf(':');
            name = colon > 0 ? l.substring(0, colon).strip().toLowerCase(Locale.ROOT) : null;
            value.setLength(0);
            if (colon > 0) {
                value.append(l.substring(colon + 1));
            }
        }
        if (name != null) {
            out.putIfAbsent(name, value.toString().strip());
        }
        return out;
    }

    /**
     * A parameter of a structured field value ({@code boundary}, {@code filename}, {@code name}):
     * a token or quoted-string (RFC 2045 section 5.1), or an RFC 2231 extended value
     * ({@code filename*=utf-8''r%C3%A9sum%C3%A9.pdf}); continuations ({@code name*0=}) are not
     * joined. Null if absent.
     */
    static String parameter(String fieldValue, String name) {
        if (fieldValue == null) {
            return null;
        }
        String lower = fieldValue.toLowerCase(Locale.ROOT);
        String plain = null;
        int i = fieldValue.indexOf(';');
        while (i >= 0 && i < fieldValue.length()) {
            int eq = fieldValue.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String key = lower.substring(i + 1, eq).strip();
            int valueStart = eq + 1;
            while (valueStart < fieldValue.length() && fieldValue.charAt(valueStart) == ' ') {
                valueStart++;
            }
            String value;
            int next;
            if (valueStart < fieldValue.length() && fieldValue.charAt(valueStart) == '"') {
                StringBuilder v = new StringBuilder();
                int j = valueStart + 1;
                for (; j < fieldValue.length() && fieldValue.charAt(j) != '"'; j++) {
                    char c = fieldValue.charAt(j);
                    if (c == '\\' && j + 1 < fieldValue.length()) {
                        c = fieldValue.charAt(++j);
                    }
                    v.append(c);
                }
                value = v.toString();
                next = fieldValue.indexOf(';', j);
            } else {
                next = fieldValue.indexOf(';', valueStart);
                value = fieldValue.substring(valueStart, next < 0 ? fieldValue.length() : next).strip();
            }
            if (key.equals(name + "*")) {
                return extendedValue(value);
            }
            if (key.equals(name) && plain == null) {
                plain = value;
            }
            i = next;
        }
        return plain;
    }

    /** RFC 2231 section 4: {@code charset'language'percent-encoded}. */
    private static String extendedValue(String value) {
        int first = value.indexOf('\'');
        int second = first < 0 ? -1 : value.indexOf('\'', first + 1);
        if (second < 0) {
            return value;
        }
        Charset charset;
        try {
            charset = Charset.forName(value.substring(0, first));
        } catch (RuntimeException e) {
            charset = StandardCharsets.UTF_8;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String encoded = value.substring(second + 1);
        for (int k = 0; k < encoded.length(); k++) {
            char c = encoded.charAt(k);
            if (c == '%' && k + 2 < encoded.length()) {
                try {
                    out.write(Integer.parseInt(encoded.substring(k + 1, k + 3), 16));
                    k += 2;
                    continue;
                } catch (NumberFormatException e) {
                    // a literal '%'
                }
            }
            out.write(c);
        }
        return out.toString(charset);
    }

    private static boolean startsWith(byte[] line, byte[] prefix) {
        if (line.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (line[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** CRLF lines with their offsets; only the first 998 bytes of a line are kept (enough to see a delimiter). */
    private static final class LineReader {
        private static final int KEEP = 998;
        private final InputStream in;
        private long position;
        private long lineStart;

        LineReader(InputStream in) {
            this.in = new BufferedInputStream(in, 64 * 1024);
        }

        /** The next line without its CRLF, or null at the end. */
        byte[] next() throws IOException {
            lineStart = position;
            ByteArrayOutputStream line = new ByteArrayOutputStream(80);
            boolean cr = false;
            int c;
            while ((c = in.read()) >= 0) {
                position++;
                if (cr) {
                    if (c == '\n') {
                        return line.toByteArray();
                    }
                    keep(line, '\r'); // a CR on its own is line content
                    cr = false;
                }
                if (c == '\r') {
                    cr = true;
                } else {
                    keep(line, c);
                }
            }
            if (cr) {
                keep(line, '\r');
            }
            return position == lineStart ? null : line.toByteArray();
        }

        private static void keep(ByteArrayOutputStream line, int c) {
            if (line.size() < KEEP) {
                line.write(c);
            }
        }

        long lineStart() {
            return lineStart;
        }

        long position() {
            return position;
        }
    }
}
