package dev.oauthrelay.server.upstream;

import dev.oauthrelay.server.tls.PemFiles;
import dev.oauthrelay.server.tls.TlsMaterialException;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS client side: TLS 1.2 or 1.3 only (RFC 8996 deprecates older versions), the JDK's trusted
 * CAs plus an optional PEM bundle, and host name verification against the configured host.
 */
final class ClientTls {

    /** RFC 2818 style matching (wildcards in the leftmost label), which RFC 6125 describes. */
    static final String ENDPOINT_IDENTIFICATION = "HTTPS";

    private ClientTls() {}

    /** @throws TlsMaterialException if the bundle cannot be read or the context not built */
    static SslContext context(Optional<Path> trustedCertificates) {
        try {
            return SslContextBuilder.forClient()
                    .sslProvider(SslProvider.JDK)
                    .protocols("TLSv1.3", "TLSv1.2")
                    .trustManager(trustManagers(trustedCertificates))
                    .endpointIdentificationAlgorithm(ENDPOINT_IDENTIFICATION)
                    .build();
        } catch (SSLException e) {
            throw new TlsMaterialException("cannot build the upstream TLS context: " + e.getMessage(), e);
        }
    }

    /**
     * A handler for one connection. Passing host and port makes the engine send SNI and check the
     * host name; the explicit check below makes sure verification is on whatever the defaults are.
     */
    static SslHandler newHandler(SslContext context, ByteBufAllocator alloc, String host, int port, Duration timeout) {
        SslHandler handler = context.newHandler(alloc, host, port);
        SSLEngine engine = handler.engine();
        SSLParameters params = engine.getSSLParameters();
        if (!ENDPOINT_IDENTIFICATION.equals(params.getEndpointIdentificationAlgorithm())) {
            params.setEndpointIdentificationAlgorithm(ENDPOINT_IDENTIFICATION);
            engine.setSSLParameters(params);
        }
        handler.setHandshakeTimeoutMillis(timeout.toMillis());
        return handler;
    }

    private static TrustManagerFactory trustManagers(Optional<Path> bundle) {
        try {
            TrustManagerFactory jdk = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            jdk.init((KeyStore) null);
            if (bundle.isEmpty()) {
                return jdk;
            }
            // One trust store with the JDK's anchors and the bundle: one PKIX validation, which keeps
            // the host name check of the JDK's X509ExtendedTrustManager.
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int n = 0;
            for (TrustManager tm : jdk.getTrustManagers()) {
                if (tm instanceof X509TrustManager x509) {
                    for (X509Certificate ca : x509.getAcceptedIssuers()) {
                        store.setCertificateEntry("jdk-" + n++, ca);
                    }
                }
            }
            List<X509Certificate> extra = PemFiles.readCertificateChain(bundle.get());
            for (X509Certificate cert : extra) {
                store.setCertificateEntry("bundle-" + n++, cert);
            }
            TrustManagerFactory combined = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            combined.init(store);
            return combined;
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsMaterialException("cannot set up upstream trust: " + e.getMessage(), e);
        }
    }
}
