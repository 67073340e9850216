package dev.oauthrelay.auth;

import dev.oauthrelay.smtp.Replies;

/**
 * SASL LOGIN: the server prompts {@code Username:} and {@code Password:} in base64, with exactly
 * the texts old devices compare against. Some clients put the username in the AUTH command as an
 * initial response; that is accepted.
 */
public final class SaslLogin implements SaslMechanism {

    private String username;

    @Override
    public SaslStep start(String initialResponse) {
        if (initialResponse == null) {
            return new SaslStep.Challenge(Replies.SASL_LOGIN_USERNAME);
        }
        return next(initialResponse);
    }

    @Override
    public SaslStep next(String line) {
        if (SaslMechanism.isCancel(line)) {
            return new SaslStep.Failure(Replies.AUTH_CANCELLED);
        }
        String decoded = SaslMechanism.decode(line);
        if (decoded == null || decoded.indexOf('\0') >= 0) {
            return SaslMechanism.malformed();
        }
        if (username == null) {
            if (decoded.isEmpty()) {
                return SaslMechanism.malformed();
            }
            username = decoded;
            return new SaslStep.Challenge(Replies.SASL_LOGIN_PASSWORD);
        }
        return new SaslStep.Credentials(username, decoded);
    }
}
