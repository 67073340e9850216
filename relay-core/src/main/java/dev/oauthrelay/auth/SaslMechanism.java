package dev.oauthrelay.auth;

import dev.oauthrelay.smtp.Replies;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * A server-side SASL mechanism: one instance per exchange. Only PLAIN (RFC 4616) and LOGIN (the
 * de-facto mechanism of draft-murchison-sasl-login, which most printers use) are offered: both
 * carry a password, so the session allows them only over TLS unless a listener opts out.
 */
public sealed interface SaslMechanism permits SaslPlain, SaslLogin {

    /** The mechanism names advertised in EHLO, in order of preference. */
    String ADVERTISED = "PLAIN LOGIN";

    /**
     * Starts the exchange.
     *
     * @param initialResponse the base64 text after the mechanism name, or {@code null} if none
     */
    SaslStep start(String initialResponse);

    /** The client's answer to the last challenge. */
    SaslStep next(String line);

    /** Case-insensitive; names are ASCII (RFC 4422 section 3.1), so "logın" is not LOGIN. */
    static Optional<SaslMechanism> forName(String name) {
        if (!name.chars().allMatch(c -> c < 0x80)) {
            return Optional.empty();
        }
        return switch (name.toUpperCase(Locale.ROOT)) {
            case "PLAIN" -> Optional.of(new SaslPlain());
            case "LOGIN" -> Optional.of(new SaslLogin());
            default -> Optional.empty();
        };
    }

    /** RFC 4954 section 4: a client answers "*" to cancel the exchange. */
    static boolean isCancel(String line) {
        return withoutTrailingBlanks(line).equals("*");
    }

    /**
     * Decodes base64 text to UTF-8, or returns null if it is not valid. Padding is optional:
     * several device firmwares leave it off. RFC 4954 section 4: "=" is an empty response.
     * Trailing blanks (SP, HTAB) are ignored, as on command lines: some firmwares pad their SASL
     * responses, and a blank is never part of base64, so nothing valid changes meaning.
     */
    static String decode(String line) {
        String base64 = withoutTrailingBlanks(line);
        if (base64.equals("=")) {
            return "";
        }
        try {
            byte[] raw = Base64.getDecoder().decode(base64);
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw)).toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            return null;
        }
    }

    private static String withoutTrailingBlanks(String line) {
        int end = line.length();
        while (end > 0 && (line.charAt(end - 1) == ' ' || line.charAt(end - 1) == '\t')) {
            end--;
        }
        return line.substring(0, end);
    }

    static SaslStep malformed() {
        return new SaslStep.Failure(Replies.BAD_BASE64);
    }
}
