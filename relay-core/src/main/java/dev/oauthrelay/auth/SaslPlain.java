package dev.oauthrelay.auth;

import dev.oauthrelay.smtp.Replies;

/** SASL PLAIN (RFC 4616): one message {@code [authzid] NUL authcid NUL passwd}. */
public final class SaslPlain implements SaslMechanism {

    @Override
    public SaslStep start(String initialResponse) {
        if (initialResponse == null) {
            // RFC 4954 section 4: no initial response, so send an empty challenge.
            return new SaslStep.Challenge(Replies.SASL_EMPTY_CHALLENGE);
        }
        return next(initialResponse);
    }

    @Override
    public SaslStep next(String line) {
        if (SaslMechanism.isCancel(line)) {
            return new SaslStep.Failure(Replies.AUTH_CANCELLED);
        }
        String message = SaslMechanism.decode(line);
        if (message == null) {
            return SaslMechanism.malformed();
        }
        int first = message.indexOf('\0');
        int second = first < 0 ? -1 : message.indexOf('\0', first + 1);
        if (first < 0 || second < 0 || message.indexOf('\0', second + 1) >= 0) {
            return SaslMechanism.malformed();
        }
        String authzid = message.substring(0, first);
        String authcid = message.substring(first + 1, second);
        String password = message.substring(second + 1);
        if (authcid.isEmpty()) {
            return SaslMechanism.malformed();
        }
        // RFC 4616 section 2: acting as another identity is not offered; an authzid other than
        // the authcid is an authorization failure, reported like a bad password.
        if (!authzid.isEmpty() && !authzid.equals(authcid)) {
            return new SaslStep.Failure(Replies.AUTH_FAILED);
        }
        return new SaslStep.Credentials(authcid, password);
    }
}
