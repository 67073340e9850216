package dev.oauthrelay.server.upstream;

/** How the upstream connection is secured. Plaintext is not an option: tokens never travel in clear. */
public enum TlsMode {
    /** Connect in plaintext, then upgrade with STARTTLS (RFC 3207); port 587. Exchange Online uses this. */
    STARTTLS,
    /** TLS from the first byte (RFC 8314 section 3.3); port 465. */
    IMPLICIT
}
