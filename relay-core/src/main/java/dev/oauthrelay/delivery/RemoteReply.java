package dev.oauthrelay.delivery;

/**
 * A reply from the upstream server, kept as received (the upstream's enhanced status codes and
 * text are not ours to validate). Never contains a token: the client does not echo AUTH lines.
 *
 * @param code the three-digit reply code
 * @param text the reply text, lines joined with a space, enhanced status code included if sent
 */
public record RemoteReply(int code, String text) {

    public boolean isPositive() {
        return code >= 200 && code < 400;
    }

    public boolean isTransient() {
        return code >= 400 && code < 500;
    }

    public boolean isPermanent() {
        return code >= 500;
    }

    @Override
    public String toString() {
        return code + " " + text;
    }
}
