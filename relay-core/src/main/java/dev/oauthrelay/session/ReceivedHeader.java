package dev.oauthrelay.session;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Builds the one trace header the relay prepends (RFC 5321 section 4.4). It never lists the
 * recipients: a "for" clause would disclose Bcc recipients to everyone who receives the message.
 */
final class ReceivedHeader {

    private static final DateTimeFormatter RFC5322_DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

    private ReceivedHeader() {
    }

    /**
     * The protocol name from the "Mail Transmission Types" registry: ESMTP plus A (authenticated)
     * and S (TLS) per RFC 3848, the UTF8 forms per RFC 6531 section 3.7.3, plain SMTP after HELO.
     */
    static String protocol(boolean esmtp, boolean tls, boolean authenticated, boolean smtpUtf8) {
        if (!esmtp) {
            return "SMTP";
        }
        String base = smtpUtf8 ? "UTF8SMTP" : "ESMTP";
        return base + (tls ? "S" : "") + (authenticated ? "A" : "");
    }

    static byte[] build(String helo, String clientAddress, String hostname, String protocol, String queueId,
                        String tlsProtocol, String tlsCipher, Instant when) {
        StringBuilder h = new StringBuilder(256);
        h.append("Received: from ").append(clean(helo)).append(" ([").append(clientAddress).append("])\r\n");
        h.append("\tby ").append(clean(hostname)).append(" (OAuth SMTP Relay) with ").append(protocol)
                .append(" id ").append(queueId);
        if (tlsProtocol != null) {
            h.append("\r\n\t(using ").append(tlsProtocol);
            if (tlsCipher != null) {
                h.append(" with cipher ").append(tlsCipher);
            }
            h.append(')');
        }
        h.append(";\r\n\t").append(RFC5322_DATE.format(when)).append("\r\n");
        return h.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Keeps header text printable and bounded whatever a client put in its EHLO. */
    private static String clean(String s) {
        StringBuilder out = new StringBuilder(Math.min(s.length(), 255));
        for (int i = 0; i < s.length() && out.length() < 255; i++) {
            char c = s.charAt(i);
            out.append(c < 0x21 || c == 0x7f || c == '(' || c == ')' || c == ';' ? '_' : c);
        }
        return out.length() == 0 ? "unknown" : out.toString();
    }
}
