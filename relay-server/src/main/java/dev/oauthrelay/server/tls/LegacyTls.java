package dev.oauthrelay.server.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * The server context of a {@code legacy-tls} listener: TLS 1.0 to 1.3 with the CBC cipher suites
 * old printers and scanners need, on Netty's OpenSSL provider (BoringSSL from netty-tcnative).
 *
 * <p>RFC 8996 deprecates TLS 1.0 and 1.1. The JDK provider could only offer them by relaxing
 * {@code jdk.tls.disabledAlgorithms} for the whole JVM, which would weaken the other listeners and
 * the upstream connection too; an OpenSSL context is configured on its own, so nothing else changes.
 *
 * <p>Which suites work depends on the certificate's key: RSA suites ({@code AES128-SHA}, RSA key
 * exchange, and {@code ECDHE-RSA-*}) need an RSA certificate, {@code ECDHE-ECDSA-*} an EC one. Old
 * devices mostly know only the RSA ones, hence a self-signed RSA certificate for these listeners.
 */
public final class LegacyTls {

    /** Newest first; TLS 1.2 and 1.3 stay on for the devices that can do better. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1");

    /**
     * AEAD suites first (TLS 1.2+), then the CBC-SHA suites of TLS 1.0/1.1 (RFC 4492, RFC 5246
     * appendix A.5), ECDHE before plain RSA key exchange for forward secrecy. No RC4 (RFC 7465), no
     * 3DES (Sweet32), no export or anonymous suites. TLS 1.3 suites are always on in BoringSSL.
     */
    static final List<String> CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
            "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
            "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
            "TLS_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_RSA_WITH_AES_128_CBC_SHA",
            "TLS_RSA_WITH_AES_256_CBC_SHA");

    private LegacyTls() {
    }

    /**
     * Fails unless Netty's OpenSSL provider can be used: a legacy listener never falls back to the
     * JDK provider, which would silently refuse the devices it exists for.
     *
     * @param listeners names of the legacy-tls listeners, for the message
     */
    public static void requireAvailable(List<String> listeners) {
        requireAvailable(listeners, OpenSsl.isAvailable(), OpenSsl.unavailabilityCause());
    }

    static void requireAvailable(List<String> listeners, boolean available, Throwable cause) {
        if (!available) {
            throw new IllegalStateException("legacy-tls = true on listener(s) " + String.join(", ", listeners)
                    + " needs Netty's OpenSSL provider (netty-tcnative BoringSSL, bundled for linux-x86_64),"
                    + " which is not available here: " + (cause == null ? "unknown reason" : cause.getMessage())
                    + ". Remove legacy-tls from those listeners, or run the relay on linux-x86_64.");
        }
    }

    static SslContext build(PrivateKey key, List<X509Certificate> chain) throws SSLException {
        return SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new))
                .sslProvider(SslProvider.OPENSSL)
                .protocols(PROTOCOLS)
                .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                .build();
    }
}
