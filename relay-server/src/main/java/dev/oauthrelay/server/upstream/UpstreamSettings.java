package dev.oauthrelay.server.upstream;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how to submit upstream.
 *
 * @param host                     the submission server; the TLS certificate must match this name
 * @param port                     587 for STARTTLS, 465 for implicit TLS
 * @param tls                      STARTTLS (default) or implicit TLS
 * @param trustedCertificates      a PEM bundle trusted in addition to the JDK's CAs (a private or
 *                                 test server); the JDK's trust store is always used as well
 * @param ehloName                 the name the relay gives in EHLO (RFC 5321 section 4.1.1.1)
 * @param maxConnectionsPerMailbox connections per mailbox at once; Exchange Online allows 3 and
 *                                 answers {@code 432 4.3.2} beyond that
 * @param connectTimeout           TCP connect and TLS handshake
 * @param commandTimeout           each reply to a command, and each stalled write of the body
 *                                 (RFC 5321 section 4.5.3.2: 5 minutes for MAIL and RCPT)
 * @param dataTimeout              the reply to the final dot (RFC 5321 section 4.5.3.2.6: 10 minutes)
 * @param idleTimeout              an unused connection is closed with QUIT after this
 */
public record UpstreamSettings(String host, int port, TlsMode tls, Optional<Path> trustedCertificates,
                               String ehloName, int maxConnectionsPerMailbox, Duration connectTimeout,
                               Duration commandTimeout, Duration dataTimeout, Duration idleTimeout) {

    public static final String EXCHANGE_ONLINE_HOST = "smtp.office365.com";
    public static final int SUBMISSION_PORT = 587;

    public UpstreamSettings {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("upstream host must not be blank");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("upstream port out of range: " + port);
        }
        Objects.requireNonNull(tls, "tls");
        if (tls == TlsMode.NONE && !isLoopback(host)) {
            throw new IllegalArgumentException("tls = none (plaintext, no AUTH) is only allowed to a loopback host"
                    + " (localhost, 127.0.0.0/8, ::1), not " + host);
        }
        Objects.requireNonNull(trustedCertificates, "trustedCertificates");
        if (ehloName == null || ehloName.isBlank() || !ehloName.matches("[\\x21-\\x7e]+")) {
            throw new IllegalArgumentException("EHLO name must be a domain or address literal: " + ehloName);
        }
        if (maxConnectionsPerMailbox < 1) {
            throw new IllegalArgumentException("maxConnectionsPerMailbox must be at least 1");
        }
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(commandTimeout, "commandTimeout");
        requirePositive(dataTimeout, "dataTimeout");
        requirePositive(idleTimeout, "idleTimeout");
    }

    /**
     * Exchange Online with the RFC 5321 timeouts. The idle timeout is short: reuse is for bursts
     * (a scanner sending ten pages), not for holding connections Exchange would drop anyway.
     */
    public static UpstreamSettings exchangeOnline(String ehloName) {
        return new UpstreamSettings(EXCHANGE_ONLINE_HOST, SUBMISSION_PORT, TlsMode.STARTTLS, Optional.empty(),
                ehloName, 3, Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofMinutes(10),
                Duration.ofSeconds(60));
    }

    public UpstreamSettings withEndpoint(String newHost, int newPort, TlsMode newTls) {
        return new UpstreamSettings(newHost, newPort, newTls, trustedCertificates, ehloName, maxConnectionsPerMailbox,
                connectTimeout, commandTimeout, dataTimeout, idleTimeout);
    }

    public UpstreamSettings withTrustedCertificates(Path pemBundle) {
        return new UpstreamSettings(host, port, tls, Optional.of(pemBundle), ehloName, maxConnectionsPerMailbox,
                connectTimeout, commandTimeout, dataTimeout, idleTimeout);
    }

    public UpstreamSettings withTimeouts(Duration connect, Duration command, Duration data, Duration idle) {
        return new UpstreamSettings(host, port, tls, trustedCertificates, ehloName, maxConnectionsPerMailbox,
                connect, command, data, idle);
    }

    /**
     * Whether {@code host} names this machine without a DNS lookup: "localhost", an IPv4 literal in
     * 127.0.0.0/8 or the IPv6 literal ::1. A name that merely resolves to loopback does not count:
     * DNS could change it.
     */
    public static boolean isLoopback(String host) {
        String h = host.strip().toLowerCase(java.util.Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
                || h.matches("127\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){2}");
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
