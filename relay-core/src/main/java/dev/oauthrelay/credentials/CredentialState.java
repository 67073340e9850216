package dev.oauthrelay.credentials;

/** A credential's verdict. */
public enum CredentialState {
    /** Expires later than the warning period ahead. */
    OK,
    /** Expires within the warning period ({@code relay.credentials.warn-before}). */
    EXPIRING,
    /** Its date has passed, or Entra ID refused it as expired. */
    EXPIRED,
    /** Nobody told the relay when it expires (a client secret without client-secret-expires). */
    UNKNOWN;

    /** Whether an admin must act: EXPIRING or EXPIRED. */
    public boolean needsAction() {
        return this == EXPIRING || this == EXPIRED;
    }

    /** {@code ok}, {@code expiring}, {@code expired}, {@code unknown}: for badges and logs. */
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
