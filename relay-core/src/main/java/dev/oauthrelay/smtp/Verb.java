package dev.oauthrelay.smtp;

import java.util.Locale;

/**
 * SMTP command verbs, with the per-verb facts the session needs in one table instead of checks
 * repeated in every handler.
 */
public enum Verb {
    HELO(false, false),
    EHLO(false, false),
    MAIL(true, false),
    RCPT(true, false),
    /** DATA ends a pipelined group: the client waits for 354 (RFC 2920 section 3.1). */
    DATA(false, true),
    RSET(true, false),
    NOOP(false, false),
    QUIT(false, true),
    VRFY(false, false),
    EXPN(false, false),
    HELP(false, false),
    /** STARTTLS ends a pipelined group: anything sent after it must be discarded (RFC 3207 section 4.2). */
    STARTTLS(false, true),
    AUTH(false, true),
    /** Anything else, including non-SMTP traffic. */
    UNKNOWN(false, false);

    private final boolean pipelinable;
    private final boolean endsGroup;

    Verb(boolean pipelinable, boolean endsGroup) {
        this.pipelinable = pipelinable;
        this.endsGroup = endsGroup;
    }

    /** May appear anywhere in a pipelined group (RFC 2920 section 3.1). */
    public boolean pipelinable() {
        return pipelinable;
    }

    /** Must be the last command of a pipelined group. */
    public boolean endsGroup() {
        return endsGroup;
    }

    /**
     * Case-insensitive lookup (RFC 5321 section 2.4: verbs are case-insensitive). Verbs are ASCII:
     * a word with any other character is unknown, so Unicode case mapping cannot turn a look-alike
     * such as "maıl" (dotless i) or "ſtarttls" (long s) into a verb.
     */
    public static Verb lookup(String word) {
        if (!word.chars().allMatch(c -> c < 0x80)) {
            return UNKNOWN;
        }
        String upper = word.toUpperCase(Locale.ROOT);
        for (Verb v : values()) {
            if (v != UNKNOWN && v.name().equals(upper)) {
                return v;
            }
        }
        return UNKNOWN;
    }
}
