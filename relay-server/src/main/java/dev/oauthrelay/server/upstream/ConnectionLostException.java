package dev.oauthrelay.server.upstream;

/** The connection closed, timed out or broke; pending replies will never come. */
final class ConnectionLostException extends RuntimeException {

    ConnectionLostException(String message) {
        super(message, null, false, false);
    }

    ConnectionLostException(String message, Throwable cause) {
        super(message + ": " + UpstreamFailure.describe(cause), cause, false, false);
    }
}
