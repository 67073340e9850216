package dev.oauthrelay.spool;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns an {@link Envelope} into the envelope section of a spool file (magic line through the
 * blank line) and back. Decoding is strict: anything the encoder would not have produced is an
 * error, because a lenient reader would quietly accept damaged files.
 */
final class EnvelopeCodec {

    private static final String ID = "id";
    private static final String RECEIVED = "received";
    private static final String IDENTITY = "identity";
    private static final String IDENTITY_KIND = "identity-kind";
    private static final String MAILBOX = "mailbox";
    private static final String MAIL_FROM = "mail-from";
    private static final String MAIL_PARAM = "mail-param";
    private static final String RCPT = "rcpt";
    private static final String CLIENT = "client";
    private static final String HELO = "helo";
    private static final String TLS = "tls";

    private static final Set<String> SINGLE_KEYS =
            Set.of(ID, RECEIVED, IDENTITY, IDENTITY_KIND, MAILBOX, MAIL_FROM, CLIENT, HELO, TLS);

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private EnvelopeCodec() {
    }

    /** The envelope section; throws {@link IllegalArgumentException} if a value is not valid Unicode or it is too big. */
    static byte[] encode(Envelope e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        out.writeBytes(SpoolFormat.MAGIC);
        line(out, ID, e.id().value());
        line(out, RECEIVED, e.receivedAt().toString());
        line(out, IDENTITY, e.identity());
        line(out, IDENTITY_KIND, e.identityKind());
        line(out, MAILBOX, e.mailbox());
        line(out, MAIL_FROM, e.mailFrom());
        for (String p : e.mailParameters()) {
            line(out, MAIL_PARAM, p);
        }
        for (String r : e.recipients()) {
            line(out, RCPT, r);
        }
        line(out, CLIENT, e.clientAddress());
        line(out, HELO, e.heloName());
        line(out, TLS, e.tlsProtocol());
        out.write('\r');
        out.write('\n');
        if (out.size() > SpoolFormat.MAX_ENVELOPE_BYTES) {
            throw new IllegalArgumentException("envelope too large for the spool: " + out.size() + " bytes");
        }
        return out.toByteArray();
    }

    private static void line(ByteArrayOutputStream out, String key, String value) {
        out.writeBytes((key + ": " + escape(value) + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Percent-encodes '%' and control characters (C0, DEL, C1) so a value stays on its line. */
    static String escape(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 8);
        value.codePoints().forEach(cp -> {
            if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
                // A lone surrogate has no UTF-8 form; writing '?' instead would silently change the value.
                throw new IllegalArgumentException("value is not valid Unicode (lone surrogate)");
            }
            if (cp == '%' || Character.isISOControl(cp)) {
                for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                    sb.append('%').append(HEX[(b >> 4) & 15]).append(HEX[b & 15]);
                }
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.toString();
    }

    /**
     * Parses an envelope section whose magic line has already been checked and which ends with
     * the blank line. Throws {@link IllegalArgumentException} or {@link DateTimeException} with
     * the reason if it is malformed.
     */
    static Envelope decode(byte[] section) {
        Map<String, String> single = new HashMap<>();
        List<String> params = new ArrayList<>();
        List<String> rcpts = new ArrayList<>();
        int pos = SpoolFormat.MAGIC.length;
        while (true) {
            int end = endOfLine(section, pos);
            if (end == pos) {
                if (end + 2 != section.length) {
                    throw new IllegalArgumentException("data after the end of the envelope");
                }
                break;
            }
            int colon = keyEnd(section, pos, end);
            String key = new String(section, pos, colon - pos, StandardCharsets.US_ASCII);
            String value = unescape(section, colon + 2, end);
            if (key.equals(MAIL_PARAM)) {
                params.add(value);
            } else if (key.equals(RCPT)) {
                rcpts.add(value);
            } else if (!SINGLE_KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown key: " + key);
            } else if (single.putIfAbsent(key, value) != null) {
                throw new IllegalArgumentException("duplicate key: " + key);
            }
            pos = end + 2;
        }
        for (String key : SINGLE_KEYS) {
            if (!single.containsKey(key)) {
                throw new IllegalArgumentException("missing key: " + key);
            }
        }
        return new Envelope(QueueId.parse(single.get(ID)), Instant.parse(single.get(RECEIVED)),
                single.get(IDENTITY), single.get(IDENTITY_KIND), single.get(MAILBOX), single.get(MAIL_FROM),
                params, rcpts, single.get(CLIENT), single.get(HELO), single.get(TLS));
    }

    /** Index of the CR ending the line that starts at {@code pos}; only CRLF ends a line. */
    private static int endOfLine(byte[] b, int pos) {
        for (int i = pos; i < b.length; i++) {
            if (b[i] == '\r') {
                if (i + 1 < b.length && b[i + 1] == '\n') {
                    return i;
                }
                throw new IllegalArgumentException("bare CR in envelope");
            }
            if (b[i] == '\n') {
                throw new IllegalArgumentException("bare LF in envelope");
            }
        }
        throw new IllegalArgumentException("unterminated envelope line");
    }

    /** Index of the ':' after a key of [a-z-]+, which must be followed by a space. */
    private static int keyEnd(byte[] b, int pos, int end) {
        int i = pos;
        while (i < end && (b[i] >= 'a' && b[i] <= 'z' || b[i] == '-')) {
            i++;
        }
        if (i == pos || i + 2 > end || b[i] != ':' || b[i + 1] != ' ') {
            throw new IllegalArgumentException("malformed envelope line");
        }
        return i;
    }

    /** Reverses {@link #escape} for a whole value. */
    static String unescape(String escaped) {
        byte[] b = escaped.getBytes(StandardCharsets.UTF_8);
        return unescape(b, 0, b.length);
    }

    private static String unescape(byte[] b, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            int c = b[i] & 0xFF;
            if (c == '%') {
                if (i + 2 >= to) {
                    throw new IllegalArgumentException("truncated % escape");
                }
                out.write(hexValue(b[i + 1]) << 4 | hexValue(b[i + 2]));
                i += 2;
            } else if (c < 0x20 || c == 0x7F) {
                throw new IllegalArgumentException("unescaped control character in envelope");
            } else {
                out.write(c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("envelope value is not UTF-8");
        }
    }

    private static int hexValue(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        throw new IllegalArgumentException("bad % escape");
    }
}
