package dev.oauthrelay.server.metrics;

import java.util.Locale;
import java.util.Set;

/**
 * The kind of a deferral, from the reason the delivery scheduler gives: the classifier starts it
 * with the stage where the attempt stopped ({@code "CONNECT: ..."}, {@code "TOKEN: ..."}, {@code
 * "RCPT: 451 ..."}). A small fixed set, usable as a metric label.
 */
public final class DeferralReason {

    /** No token could be had: nothing was sent, and the upstream was not even tried. */
    public static final String TOKEN = "token";
    /** TCP connect failed, or the server greeted with an error. */
    public static final String CONNECT = "connect";
    /** STARTTLS was missing or refused, or the certificate did not verify. */
    public static final String TLS = "tls";
    public static final String OTHER = "other";

    private static final Set<String> KINDS = Set.of(TOKEN, CONNECT, TLS, "auth", "mail", "connection_lost", "rcpt", "data");

    private DeferralReason() {
    }

    /** The lower-case stage the reason starts with, or {@value #OTHER}. */
    public static String kind(String reason) {
        if (reason == null) {
            return OTHER;
        }
        int end = 0;
        while (end < reason.length() && end < 20 && (Character.isLetter(reason.charAt(end)) || reason.charAt(end) == '_')) {
            end++;
        }
        String kind = reason.substring(0, end).toLowerCase(Locale.ROOT);
        return KINDS.contains(kind) ? kind : OTHER;
    }

    /** Whether an attempt that stopped for this reason failed to reach the upstream (connect or TLS). */
    public static boolean unreachable(String kind) {
        return kind.equals(CONNECT) || kind.equals(TLS);
    }
}
