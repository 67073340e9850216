package dev.oauthrelay.bench.load;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Test messages of an exact size: a header section with Date and Message-ID (so the relay's header
 * repair has nothing to add, as with a well-behaved client) and a body of 76-character text lines,
 * one in twenty starting with a dot (so dot-stuffing is exercised).
 */
public final class MessageBody {

    private MessageBody() {}

    /** The message itself, exactly {@code size} bytes (at least the header section), CRLF line ends. */
    public static byte[] content(int size) {
        String headers = "From: bench@example.com\r\nTo: sink@example.com\r\nSubject: benchmark message\r\n"
                + "Date: Mon, 30 Nov 2026 12:00:00 +0000\r\nMessage-ID: <bench." + size + "@example.com>\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n";
        byte[] h = headers.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[Math.max(size, h.length + 2)];
        System.arraycopy(h, 0, out, 0, h.length);
        int pos = h.length;
        int line = 0;
        while (pos < out.length) {
            int remaining = out.length - pos;
            int len = Math.min(78, remaining); // 76 characters + CRLF
            if (len < 2) {
                out[pos] = 'x'; // unreachable with the final-line handling below; kept for safety
                pos++;
                continue;
            }
            if (remaining - len > 0 && remaining - len < 2) {
                len--; // never leave a 1-byte tail, which could not end in CRLF
            }
            for (int i = 0; i < len - 2; i++) {
                out[pos + i] = (byte) ('a' + (line + i) % 26);
            }
            if (line % 20 == 7 && len > 2) {
                out[pos] = '.';
            }
            out[pos + len - 2] = '\r';
            out[pos + len - 1] = '\n';
            pos += len;
            line++;
        }
        return out;
    }

    /**
     * The message as sent after DATA: dot-stuffed (RFC 5321 section 4.5.2), followed by the
     * end-of-data marker if {@code withMarker}.
     */
    public static byte[] wire(int size, boolean withMarker) {
        byte[] c = content(size);
        ByteArrayOutputStream out = new ByteArrayOutputStream(c.length + c.length / 1000 + 8);
        boolean lineStart = true;
        for (byte b : c) {
            if (lineStart && b == '.') {
                out.write('.');
            }
            out.write(b);
            lineStart = b == '\n';
        }
        if (withMarker) {
            out.writeBytes(".\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }
}
