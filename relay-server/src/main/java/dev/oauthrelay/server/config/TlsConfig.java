package dev.oauthrelay.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * TLS settings shared by all listeners.
 *
 * @param certificate    PEM certificate chain; empty together with {@code privateKey} means
 *                       "generate a self-signed certificate into the data directory"
 * @param privateKey     PEM private key; present exactly when {@code certificate} is
 * @param reloadInterval how often the two files are checked for changes (at least one second)
 * @param protocols      enabled protocol versions, a non-empty subset of TLSv1.2 and TLSv1.3
 */
public record TlsConfig(Optional<Path> certificate, Optional<Path> privateKey, Duration reloadInterval,
                        List<String> protocols) {

    public TlsConfig {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(reloadInterval, "reloadInterval");
        protocols = List.copyOf(protocols);
    }

    /** Whether the relay generates its own self-signed certificate. */
    public boolean selfSigned() {
        return certificate.isEmpty();
    }
}
