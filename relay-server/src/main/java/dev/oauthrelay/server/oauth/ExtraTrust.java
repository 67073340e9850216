package dev.oauthrelay.server.oauth;

import dev.oauthrelay.server.tls.PemFiles;
import dev.oauthrelay.server.tls.TlsMaterialException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * An {@link SSLSocketFactory} that trusts the JDK's default CAs plus the certificates in a PEM
 * bundle. Additive on purpose: configuring a private CA (or a TLS-inspecting proxy's CA) must not
 * stop the relay from trusting the public CAs that Microsoft's endpoints use.
 */
public final class ExtraTrust {

    private ExtraTrust() {}

    static SSLSocketFactory socketFactory(Path pemBundle) {
        return sslContext(pemBundle).getSocketFactory();
    }

    /**
     * A TLS context trusting the JDK's CAs plus the bundle (for the Graph client).
     *
     * @throws IllegalArgumentException if the bundle cannot be used
     */
    public static SSLContext sslContext(Path pemBundle) {
        try {
            X509ExtendedTrustManager jdk = trustManager(null);
            KeyStore extra = KeyStore.getInstance("PKCS12");
            extra.load(null, null);
            List<X509Certificate> certs = PemFiles.readCertificateChain(pemBundle);
            for (int i = 0; i < certs.size(); i++) {
                extra.setCertificateEntry("extra-" + i, certs.get(i));
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new Either(jdk, trustManager(extra))}, null);
            return context;
        } catch (TlsMaterialException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("cannot use trusted certificates " + pemBundle + ": " + e.getMessage(), e);
        }
    }

    /** The default algorithm's trust manager; {@code null} keystore means the JDK's cacerts. */
    private static X509ExtendedTrustManager trustManager(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X509ExtendedTrustManager available");
    }

    /**
     * Trusts a server if either manager does. Extended, so the socket and engine variants keep the
     * JDK's host name and algorithm-constraint checks.
     */
    private static final class Either extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager first;
        private final X509ExtendedTrustManager second;

        Either(X509ExtendedTrustManager first, X509ExtendedTrustManager second) {
            this.first = first;
            this.second = second;
        }

        private interface Check {
            void run(X509ExtendedTrustManager tm) throws CertificateException;
        }

        private void either(Check check) throws CertificateException {
            try {
                check.run(first);
            } catch (CertificateException e) {
                try {
                    check.run(second);
                } catch (CertificateException e2) {
                    e.addSuppressed(e2);
                    throw e;
                }
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            either(tm -> tm.checkServerTrusted(chain, authType, socket));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            either(tm -> tm.checkServerTrusted(chain, authType, engine));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            either(tm -> tm.checkServerTrusted(chain, authType));
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            either(tm -> tm.checkClientTrusted(chain, authType, socket));
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            either(tm -> tm.checkClientTrusted(chain, authType, engine));
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            either(tm -> tm.checkClientTrusted(chain, authType));
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            List<X509Certificate> all = new ArrayList<>(List.of(first.getAcceptedIssuers()));
            all.addAll(List.of(second.getAcceptedIssuers()));
            return all.toArray(X509Certificate[]::new);
        }
    }
}
