package dev.oauthrelay.server.tls;

/**
 * A certificate or private key file is missing, unreadable or invalid. The message names the file
 * and never contains key material, so it is safe to log and to show to the operator.
 */
public final class TlsMaterialException extends RuntimeException {

    public TlsMaterialException(String message) {
        super(message);
    }

    public TlsMaterialException(String message, Throwable cause) {
        super(message, cause);
    }
}
