package dev.oauthrelay.server.metrics;

import java.util.Set;

/**
 * Label values from bounded sets. Whatever the events carry is mapped onto a fixed set here, so a
 * misbehaving client or a new code path can never create a time series per address or per name.
 */
final class Labels {

    static final String OTHER = "other";

    /** The TLS versions a JDK or OpenSSL engine names. */
    private static final Set<String> TLS_PROTOCOLS = Set.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3", "SSLv3");

    private Labels() {
    }

    /** A reply code as its three digits, 200 to 599; anything else {@value #OTHER}. */
    static String code(int code) {
        return code >= 200 && code <= 599 ? Integer.toString(code) : OTHER;
    }

    /**
     * The SMTP command a reply answers: the session names a small fixed set ({@code EHLO}, {@code
     * GREETING}, {@code DATA-END}, ...); anything that is not a short upper-case word is {@code OTHER}.
     */
    static String command(String command) {
        if (command == null || command.isEmpty() || command.length() > 12) {
            return "OTHER";
        }
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if ((c < 'A' || c > 'Z') && c != '-') {
                return "OTHER";
            }
        }
        return command;
    }

    static String tlsProtocol(String protocol) {
        return protocol != null && TLS_PROTOCOLS.contains(protocol) ? protocol : OTHER;
    }

    /** A configured listener's name (chosen by the operator, a fixed set); anything else {@value #OTHER}. */
    static String listener(Set<String> configured, String listener) {
        return listener != null && configured.contains(listener) ? listener : OTHER;
    }
}
