package dev.oauthrelay.smtp;

import java.util.Locale;

/**
 * SMTP command verbs, with the per-verb facts the session needs in one table instead of checks
 * repeated in every handler.
 */
public enum Verb {
    // RFC 2920 section 3.1: "The EHLO, DATA, VRFY, EXPN, TURN, QUIT, and NOOP commands can only
    // appear as the last command in a group"; RSET, MAIL and RCPT "can all appear anywhere"; and
    // commands of SMTP extensions may only appear last "unless otherwise specified".
    /** HELO is not in RFC 2920 (a HELO client has not been offered PIPELINING); it changes state like EHLO. */
    HELO(false, true),
    EHLO(false, true),
    MAIL(true, false),
    RCPT(true, false),
    /** DATA ends a pipelined group: the client waits for 354 (RFC 2920 section 3.1). */
    DATA(false, true),
    RSET(true, false),
    /** NOOP ends a group "so it can be used as a synchronization point" (RFC 2920 section 3.1). */
    NOOP(false, true),
    QUIT(false, true),
    VRFY(false, true),
    EXPN(false, true),
    HELP(false, false),
    /** "the STARTTLS command must be the last command in a group" (RFC 3207 section 4). */
    STARTTLS(false, true),
    /** RFC 4954 section 4, with one exception for an initial response: see {@link Command#endsGroup()}. */
    AUTH(false, true),
    /**
     * RFC 3030 CHUNKING, not offered. Recognised only to refuse it and close (see
     * {@link Replies#BDAT_NOT_OFFERED}); it does not end a group, so a chunk sent right behind it
     * gets that reply rather than a pipelining violation.
     */
    BDAT(false, false),
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
