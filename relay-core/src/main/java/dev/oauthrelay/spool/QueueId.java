package dev.oauthrelay.spool;

import java.time.Instant;
import java.util.Objects;

/**
 * A queue id: 16 chars of Crockford base32 (0-9, A-Z without I L O U): 48 bits of epoch millis
 * then 32 random bits, so ids sort by arrival time. The alphabet is in ASCII order, so comparing
 * the strings compares the numbers; that is what lets a plain sorted directory listing be the
 * arrival order.
 *
 * <p>Ids are also file names and appear in SMTP replies and logs, hence the strict format: exactly
 * 16 upper-case characters, no aliases.
 */
public record QueueId(String value) implements Comparable<QueueId> {

    static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    static final int LENGTH = 16;
    static final long MAX_MILLIS = (1L << 48) - 1;
    static final long MAX_RANDOM = (1L << 32) - 1;

    public QueueId {
        Objects.requireNonNull(value, "value");
        if (!isValid(value)) {
            String shown = value.length() > 40 ? value.substring(0, 40) + "..." : value;
            throw new IllegalArgumentException("not a queue id: \"" + shown + "\"");
        }
    }

    /** Parses an id; throws {@link IllegalArgumentException} unless {@code s} is exactly a valid id. */
    public static QueueId parse(String s) {
        return new QueueId(s);
    }

    static boolean isValid(String s) {
        if (s.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            if (ALPHABET.indexOf(s.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Builds the id for a timestamp and a 32-bit random part. */
    static QueueId of(long epochMillis, long random) {
        if (epochMillis < 0 || epochMillis > MAX_MILLIS) {
            throw new IllegalArgumentException("timestamp out of range: " + epochMillis);
        }
        if (random < 0 || random > MAX_RANDOM) {
            throw new IllegalArgumentException("random part out of range: " + random);
        }
        // 80 bits do not fit a long, so encode them as two 40-bit halves of 8 characters each.
        long high = epochMillis >>> 8;
        long low = ((epochMillis & 0xFF) << 32) | random;
        char[] out = new char[LENGTH];
        encode40(high, out, 0);
        encode40(low, out, 8);
        return new QueueId(new String(out));
    }

    private static void encode40(long bits, char[] out, int offset) {
        for (int i = 7; i >= 0; i--) {
            out[offset + i] = ALPHABET.charAt((int) (bits & 31));
            bits >>>= 5;
        }
    }

    private long decode40(int offset) {
        long bits = 0;
        for (int i = 0; i < 8; i++) {
            bits = (bits << 5) | ALPHABET.indexOf(value.charAt(offset + i));
        }
        return bits;
    }

    /** The creation time encoded in the id (millisecond precision). */
    public Instant timestamp() {
        return Instant.ofEpochMilli((decode40(0) << 8) | (decode40(8) >>> 32));
    }

    @Override
    public int compareTo(QueueId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
