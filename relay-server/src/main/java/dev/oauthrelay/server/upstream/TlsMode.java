package dev.oauthrelay.server.upstream;

/**
 * How the upstream connection is secured. Tokens never travel in clear: {@link #NONE} sends no AUTH
 * at all and is only allowed to a loopback host (a local sink for benchmarks), never to Exchange.
 */
public enum TlsMode {
    /** Connect in plaintext, then upgrade with STARTTLS (RFC 3207); port 587. Exchange Online uses this. */
    STARTTLS,
    /** TLS from the first byte (RFC 8314 section 3.3); port 465. */
    IMPLICIT,
    /**
     * Plaintext and no AUTH, to a loopback host only ({@link UpstreamSettings} refuses any other):
     * for benchmarks against a local sink, so the relay does the same work as an MTA relaying in
     * plaintext. No token is fetched or sent on such a connection.
     */
    NONE
}
