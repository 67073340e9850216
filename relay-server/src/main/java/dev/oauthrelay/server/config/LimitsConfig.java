package dev.oauthrelay.server.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Protocol and resource limits. All are positive except {@code minFreeSpace}, which may be 0.
 *
 * @param maxLineLength            longest command line accepted, in bytes including CRLF (at least
 *                                 512, RFC 5321 section 4.5.3.1.4)
 * @param maxMessageSize           largest message in bytes, advertised with EHLO SIZE (RFC 1870)
 * @param maxRecipients            recipients per message (RFC 5321 section 4.5.3.1.8)
 * @param maxErrors                protocol errors per session before the connection is closed
 * @param idleTimeout              how long a session may wait for the client (at least 1s)
 * @param maxConnections           concurrent connections in total
 * @param maxConnectionsPerAddress concurrent connections from one client address
 * @param minFreeSpace             free bytes the spool's file system must keep; below it, MAIL
 *                                 FROM is answered {@code 452 4.3.1}
 */
public record LimitsConfig(int maxLineLength, long maxMessageSize, int maxRecipients, int maxErrors,
                           Duration idleTimeout, int maxConnections, int maxConnectionsPerAddress,
                           long minFreeSpace) {

    public LimitsConfig {
        Objects.requireNonNull(idleTimeout, "idleTimeout");
    }
}
