package dev.oauthrelay.session;

/** How a listener offers TLS. */
public enum TlsMode {
    /** Plaintext only; no STARTTLS offered. */
    NONE,
    /** Plaintext greeting, STARTTLS offered (RFC 3207). Typical on 587 and 2525. */
    STARTTLS,
    /** TLS from the first byte ("implicit TLS", RFC 8314 section 3). Typical on 465. */
    IMPLICIT
}
