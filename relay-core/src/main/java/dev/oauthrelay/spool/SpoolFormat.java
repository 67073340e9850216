package dev.oauthrelay.spool;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Constants and the fixed-size trailer of the entry file format described in {@code package-info}. */
final class SpoolFormat {

    static final byte[] MAGIC = "RELAY-SPOOL 1\r\n".getBytes(StandardCharsets.US_ASCII);

    /**
     * Upper bound of the envelope section. Far above any real envelope (SMTP limits recipients),
     * it exists so a garbage file cannot make the reader buffer unbounded data looking for the
     * blank line.
     */
    static final int MAX_ENVELOPE_BYTES = 1 << 20;

    static final String SUFFIX = ".msg";

    private static final byte[] TRAILER_TAG = "\r\nRELAY-END ".getBytes(StandardCharsets.US_ASCII);
    private static final int LENGTH_DIGITS = 16;
    private static final int CRC_DIGITS = 8;

    /** Tag, body length, space, CRC, CRLF. */
    static final int TRAILER_LENGTH = TRAILER_TAG.length + LENGTH_DIGITS + 1 + CRC_DIGITS + 2;

    record Trailer(long bodySize, int crc) {
    }

    private SpoolFormat() {
    }

    static String fileName(QueueId id) {
        return id.value() + SUFFIX;
    }

    /** The id named by a spool file name, or {@code null} if the name is not {@code <id>.msg}. */
    static QueueId idFromFileName(String name) {
        if (!name.endsWith(SUFFIX)) {
            return null;
        }
        String id = name.substring(0, name.length() - SUFFIX.length());
        return QueueId.isValid(id) ? new QueueId(id) : null;
    }

    static ByteBuffer trailer(long bodySize, int crc) {
        String text = "\r\nRELAY-END " + String.format("%016X", bodySize) + " " + String.format("%08X", crc) + "\r\n";
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        assert bytes.length == TRAILER_LENGTH;
        return ByteBuffer.wrap(bytes);
    }

    /** Parses the last {@link #TRAILER_LENGTH} bytes of a file; {@code null} if they are not a trailer. */
    static Trailer parseTrailer(byte[] t) {
        if (t.length != TRAILER_LENGTH || !Arrays.equals(t, 0, TRAILER_TAG.length, TRAILER_TAG, 0, TRAILER_TAG.length)) {
            return null;
        }
        int lengthAt = TRAILER_TAG.length;
        int spaceAt = lengthAt + LENGTH_DIGITS;
        int crcAt = spaceAt + 1;
        int crlfAt = crcAt + CRC_DIGITS;
        if (t[spaceAt] != ' ' || t[crlfAt] != '\r' || t[crlfAt + 1] != '\n'
                || !isUpperHex(t, lengthAt, LENGTH_DIGITS) || !isUpperHex(t, crcAt, CRC_DIGITS)) {
            return null;
        }
        long length = Long.parseUnsignedLong(new String(t, lengthAt, LENGTH_DIGITS, StandardCharsets.US_ASCII), 16);
        int crc = (int) Long.parseLong(new String(t, crcAt, CRC_DIGITS, StandardCharsets.US_ASCII), 16);
        return length < 0 ? null : new Trailer(length, crc);
    }

    private static boolean isUpperHex(byte[] b, int from, int count) {
        for (int i = from; i < from + count; i++) {
            if (!(b[i] >= '0' && b[i] <= '9' || b[i] >= 'A' && b[i] <= 'F')) {
                return false;
            }
        }
        return true;
    }
}
