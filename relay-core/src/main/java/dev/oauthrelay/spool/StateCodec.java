package dev.oauthrelay.spool;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The text form of a {@link DeliveryState}: {@code key: value} lines with the spool's escaping,
 * ending with an {@code end} line so a torn file is recognised (and treated as no state at all:
 * every pending recipient is tried again, which may duplicate but never loses mail).
 */
final class StateCodec {

    private static final String MAGIC = "RELAY-STATE 1";
    private static final String RELEASED = "released: ";

    private StateCodec() {
    }

    static byte[] encode(DeliveryState s) {
        StringBuilder b = new StringBuilder(256);
        b.append(MAGIC).append("\r\n");
        b.append("attempts: ").append(s.attempts()).append("\r\n");
        b.append("next-attempt: ").append(s.nextAttempt()).append("\r\n");
        b.append("last-error: ").append(EnvelopeCodec.escape(s.lastError())).append("\r\n");
        b.append("possible-duplicate: ").append(s.possibleDuplicate()).append("\r\n");
        if (s.releasedAt() != null) {
            // Optional, so state files written before releases existed still decode.
            b.append(RELEASED).append(s.releasedAt()).append("\r\n");
        }
        for (Map.Entry<String, DeliveryState.RecipientStatus> r : s.recipients().entrySet()) {
            // Three fields separated by spaces: escaping turns spaces inside values into %20.
            b.append("rcpt: ").append(r.getValue().status()).append(' ')
                    .append(escapeSpaces(r.getKey())).append(' ')
                    .append(escapeSpaces(r.getValue().reply())).append("\r\n");
        }
        b.append("end\r\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String escapeSpaces(String v) {
        String e = EnvelopeCodec.escape(v).replace(" ", "%20");
        return e.isEmpty() ? "%00" : e;
    }

    private static String unescapeField(String v) {
        return v.equals("%00") ? "" : EnvelopeCodec.unescape(v);
    }

    /** Decodes, or throws IllegalArgumentException for anything torn or malformed. */
    static DeliveryState decode(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        String[] lines = text.split("\r\n", -1);
        if (lines.length < 7 || !lines[0].equals(MAGIC) || !lines[lines.length - 2].equals("end")
                || !lines[lines.length - 1].isEmpty()) {
            throw new IllegalArgumentException("torn or foreign state file");
        }
        int attempts = Integer.parseInt(value(lines[1], "attempts"));
        Instant next = Instant.parse(value(lines[2], "next-attempt"));
        String lastError = EnvelopeCodec.unescape(value(lines[3], "last-error"));
        boolean duplicate = Boolean.parseBoolean(value(lines[4], "possible-duplicate"));
        int rcptLines = 5;
        Instant releasedAt = null;
        if (lines[rcptLines].startsWith(RELEASED)) {
            releasedAt = Instant.parse(lines[rcptLines].substring(RELEASED.length()));
            rcptLines++;
        }
        Map<String, DeliveryState.RecipientStatus> recipients = new LinkedHashMap<>();
        for (int i = rcptLines; i < lines.length - 2; i++) {
            String[] f = value(lines[i], "rcpt").split(" ", -1);
            if (f.length != 3) {
                throw new IllegalArgumentException("bad rcpt line");
            }
            recipients.put(unescapeField(f[1]),
                    new DeliveryState.RecipientStatus(DeliveryState.Status.valueOf(f[0]), unescapeField(f[2])));
        }
        return new DeliveryState(attempts, next, lastError, duplicate, recipients, releasedAt);
    }

    private static String value(String line, String key) {
        if (!line.startsWith(key + ": ")) {
            throw new IllegalArgumentException("expected " + key);
        }
        return line.substring(key.length() + 2);
    }
}
