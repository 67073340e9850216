package dev.oauthrelay.session;

import dev.oauthrelay.smtp.Replies;
import dev.oauthrelay.smtp.SmtpSyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Validates MAIL FROM parameters against the extensions the relay advertises. Anything else is
 * refused, so nothing unvalidated is ever stored or passed upstream.
 *
 * @param kept       parameters to keep in the envelope, normalised ({@code SIZE=n},
 *                   {@code BODY=8BITMIME}, {@code SMTPUTF8})
 * @param smtpUtf8   whether SMTPUTF8 was given (RFC 6531 section 3.4)
 * @param declaredSize the SIZE value, or -1 if none (RFC 1870 section 4)
 */
record MailParameters(List<String> kept, boolean smtpUtf8, long declaredSize) {

    static MailParameters validate(Map<String, String> params, long maxMessageSize) throws SmtpSyntaxException {
        List<String> kept = new ArrayList<>();
        boolean utf8 = false;
        long size = -1;
        for (Map.Entry<String, String> p : params.entrySet()) {
            String value = p.getValue();
            switch (p.getKey()) {
                case "SIZE" -> {
                    if (!value.matches("[0-9]{1,20}")) {
                        throw new SmtpSyntaxException(Replies.SYNTAX.withText("SIZE needs a number"));
                    }
                    try {
                        size = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        size = Long.MAX_VALUE;
                    }
                    // RFC 1870 section 6.1: refuse at MAIL FROM what would be refused after DATA.
                    if (size > maxMessageSize) {
                        throw new SmtpSyntaxException(Replies.MESSAGE_TOO_BIG);
                    }
                    kept.add("SIZE=" + size);
                }
                case "BODY" -> {
                    // RFC 6152: 7BIT and 8BITMIME. BINARYMIME needs CHUNKING, which is not offered.
                    String body = value.toUpperCase(Locale.ROOT);
                    if (!body.equals("7BIT") && !body.equals("8BITMIME")) {
                        throw new SmtpSyntaxException(Replies.UNSUPPORTED_PARAMETER.withText("Unsupported BODY type"));
                    }
                    kept.add("BODY=" + body);
                }
                case "SMTPUTF8" -> {
                    if (!value.isEmpty()) {
                        throw new SmtpSyntaxException(Replies.SYNTAX.withText("SMTPUTF8 takes no value"));
                    }
                    utf8 = true;
                    kept.add("SMTPUTF8");
                }
                // RFC 4954 section 5: AUTH= may be sent by clients; it is accepted and ignored
                // because the relay submits as the identity's mailbox anyway.
                case "AUTH" -> { }
                default -> throw new SmtpSyntaxException(
                        Replies.UNSUPPORTED_PARAMETER.withText("Unsupported parameter " + p.getKey()));
            }
        }
        return new MailParameters(kept, utf8, size);
    }
}
