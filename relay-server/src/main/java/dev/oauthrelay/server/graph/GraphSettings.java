package dev.oauthrelay.server.graph;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how to send through Microsoft Graph ({@code relay.graph}).
 *
 * @param host                    e.g. {@code graph.microsoft.com}; the TLS certificate must match it
 * @param port                    443, or a test server's port
 * @param scope                   the app-only scope, {@code https://<host>/.default}
 * @param trustedCertificates     a PEM bundle trusted besides the JDK's CAs (a private or test endpoint)
 * @param maxConcurrentPerMailbox requests at once per mailbox; Graph allows 4 per app and mailbox
 *                                (Outlook service limits), more get 429
 * @param connectTimeout          TCP connect and TLS handshake
 * @param requestTimeout          one whole request, upload included
 * @param maxRequestSize          the largest request body sent (the base64 MIME of {@code sendMail});
 *                                a larger message goes as a draft plus attachment uploads
 * @param uploadChunkSize         bytes per PUT of an attachment upload session (Graph: under 4 MB)
 * @param rememberSmtpDisabled    how long a mailbox whose SMTP AUTH is disabled goes straight to
 *                                Graph ({@code smtp-then-graph})
 */
public record GraphSettings(String host, int port, String scope, Optional<Path> trustedCertificates,
                            int maxConcurrentPerMailbox, Duration connectTimeout, Duration requestTimeout,
                            long maxRequestSize, int uploadChunkSize, Duration rememberSmtpDisabled) {

    /** Graph's documented request size limit is about 4 MB; 3 MB of base64 keeps clear of it. */
    public static final long DEFAULT_MAX_REQUEST_SIZE = 3_000_000;

    public GraphSettings {
        if (host == null || host.isBlank() || host.contains("/") || host.contains(":")) {
            throw new IllegalArgumentException("Graph host must be a host name such as graph.microsoft.com: " + host);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("Graph port out of range: " + port);
        }
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(trustedCertificates, "trustedCertificates");
        if (maxConcurrentPerMailbox < 1 || maxRequestSize < 1024 || uploadChunkSize < 1024) {
            throw new IllegalArgumentException("Graph limits must be positive (sizes at least 1 KiB)");
        }
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(requestTimeout, "requestTimeout");
        requirePositive(rememberSmtpDisabled, "rememberSmtpDisabled");
    }

    /** {@code https://<host>[:port]/v1.0}: where the API lives. */
    public URI baseUri() {
        return URI.create("https://" + host + (port == 443 ? "" : ":" + port) + "/v1.0");
    }

    public GraphSettings withEndpoint(String newHost, int newPort, String newScope, Path trust) {
        return new GraphSettings(newHost, newPort, newScope, Optional.ofNullable(trust), maxConcurrentPerMailbox,
                connectTimeout, requestTimeout, maxRequestSize, uploadChunkSize, rememberSmtpDisabled);
    }

    public GraphSettings withSizes(long newMaxRequestSize, int newUploadChunkSize) {
        return new GraphSettings(host, port, scope, trustedCertificates, maxConcurrentPerMailbox, connectTimeout,
                requestTimeout, newMaxRequestSize, newUploadChunkSize, rememberSmtpDisabled);
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
