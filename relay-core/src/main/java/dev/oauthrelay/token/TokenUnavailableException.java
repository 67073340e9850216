package dev.oauthrelay.token;

/**
 * No valid token could be obtained. The message is safe to show an operator: it carries the
 * identity provider's error (for example an AADSTS code), never a secret or a token.
 */
public final class TokenUnavailableException extends RuntimeException {
    public TokenUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public TokenUnavailableException(String message) {
        super(message);
    }
}
