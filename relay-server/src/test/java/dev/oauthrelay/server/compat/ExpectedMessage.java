package dev.oauthrelay.server.compat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * What a message must look like once accepted, worked out from the bytes a device sent after
 * {@code 354}, independently of the relay's DATA decoder: the data up to the CRLF "." CRLF that
 * ends it (RFC 5321 section 4.1.1.4), every bare CR or LF made a CRLF (what a {@code normalize}
 * listener stores; a {@code strict} one refuses such data), and the extra leading "." of
 * dot-stuffed lines removed (section 4.5.2). The relay adds only its Received header in front
 * (header repair is off in {@link ReplayRunner}).
 */
final class ExpectedMessage {

    private static final byte[] END = {'\r', '\n', '.', '\r', '\n'};

    private ExpectedMessage() {
    }

    /** {@code wire}: everything the device sent after the 354, ending with the end-of-data marker. */
    static byte[] of(byte[] wire) {
        int end = endOfData(wire);
        if (end != wire.length) {
            throw new AssertionError("the replay sent " + (wire.length - end) + " bytes after the end of the data: "
                    + show(wire));
        }
        byte[] text = java.util.Arrays.copyOf(wire, Math.max(0, end - 3)); // keeps the CRLF before the "."
        return unstuffed(crlf(text));
    }

    /** The index after the first CRLF "." CRLF (or a "." CRLF right at the start: an empty message). */
    private static int endOfData(byte[] wire) {
        if (wire.length >= 3 && wire[0] == '.' && wire[1] == '\r' && wire[2] == '\n') {
            return 3;
        }
        for (int i = 0; i + END.length <= wire.length; i++) {
            if (java.util.Arrays.equals(wire, i, i + END.length, END, 0, END.length)) {
                return i + END.length;
            }
        }
        throw new AssertionError("no CRLF.CRLF in the data the replay sent: " + show(wire));
    }

    private static byte[] crlf(byte[] text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length + 64);
        for (int i = 0; i < text.length; i++) {
            byte b = text[i];
            if (b == '\r' && i + 1 < text.length && text[i + 1] == '\n') {
                i++;
            }
            if (b == '\r' || b == '\n') {
                out.write('\r');
                out.write('\n');
            } else {
                out.write(b);
            }
        }
        return out.toByteArray();
    }

    private static byte[] unstuffed(byte[] text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length);
        boolean lineStart = true;
        for (byte b : text) {
            if (!(lineStart && b == '.')) {
                out.write(b);
            }
            lineStart = b == '\n';
        }
        return out.toByteArray();
    }

    /** CR, LF and backslash escaped, for readable failures. */
    static String show(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1).replace("\\", "\\\\").replace("\r", "\\r")
                .replace("\n", "\\n");
    }
}
