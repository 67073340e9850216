package dev.oauthrelay.smtp;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One SMTP reply: a three-digit code, an optional enhanced status code and one or more text lines
 * (RFC 5321 section 4.2). Whether the server closes the connection after sending it is part of
 * the value, so the transport never has to guess.
 *
 * @param code   the basic reply code, 200..599
 * @param status the enhanced status code (RFC 2034), or {@code null} where none applies (the
 *               greeting, EHLO/HELO and the 334 SASL challenges)
 * @param lines  the text lines, never empty; each without CR or LF
 * @param close  whether the connection is closed once this reply has been written
 */
public record SmtpReply(int code, EnhancedStatus status, List<String> lines, boolean close) {

    public SmtpReply {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("reply code out of range: " + code);
        }
        lines = List.copyOf(lines);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a reply needs at least one line");
        }
        for (String line : lines) {
            if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("reply text must not contain CR or LF");
            }
        }
        if (status != null && status.statusClass() != code / 100) {
            throw new IllegalArgumentException("enhanced status " + status + " does not match code " + code);
        }
    }

    public static SmtpReply of(int code, EnhancedStatus status, String text) {
        return new SmtpReply(code, status, List.of(text), false);
    }

    public static SmtpReply of(int code, String text) {
        return new SmtpReply(code, null, List.of(text), false);
    }

    /** The same reply with different text (the code and status stay). */
    public SmtpReply withText(String text) {
        return new SmtpReply(code, status, List.of(text), close);
    }

    /** The same reply, followed by closing the connection. */
    public SmtpReply closing() {
        return close ? this : new SmtpReply(code, status, lines, true);
    }

    public boolean isPositive() {
        return code < 400;
    }

    public boolean isPermanentFailure() {
        return code >= 500;
    }

    /**
     * The reply as it goes on the wire: multi-line replies use {@code code-text} on every line but
     * the last (RFC 5321 section 4.2.1). The enhanced code prefixes every line when the extension
     * is in effect (RFC 2034 section 4).
     */
    public String encode() {
        StringBuilder out = new StringBuilder(64);
        for (int i = 0; i < lines.size(); i++) {
            out.append(code).append(i == lines.size() - 1 ? ' ' : '-');
            if (status != null) {
                out.append(status).append(' ');
            }
            out.append(lines.get(i)).append("\r\n");
        }
        return out.toString();
    }

    public byte[] encodeBytes() {
        return encode().getBytes(StandardCharsets.UTF_8);
    }

    /** The first line as a log-friendly string, e.g. {@code 550 5.7.1 Sender not allowed}. */
    @Override
    public String toString() {
        return code + (status == null ? "" : " " + status) + " " + lines.get(0);
    }
}
