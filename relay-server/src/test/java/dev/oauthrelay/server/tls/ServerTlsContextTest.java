package dev.oauthrelay.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.oauthrelay.server.tls.SelfSignedCertificate.CertificatePaths;
import dev.oauthrelay.server.tls.TlsTestSupport.Handshake;
import dev.oauthrelay.server.tls.TlsTestSupport.Server;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerTlsContextTest {

    private static final List<String> MODERN = List.of("TLSv1.3", "TLSv1.2");

    @TempDir
    Path tmp;

    private CertificatePaths one;
    private CertificatePaths two;
    private Path certFile;
    private Path keyFile;

    @BeforeEach
    void certificates() throws Exception {
        one = SelfSignedCertificate.ensure(tmp.resolve("one"), "one.example.org");
        two = SelfSignedCertificate.ensure(tmp.resolve("two"), "two.example.org");
        Files.createDirectories(tmp.resolve("live"));
        certFile = tmp.resolve("live/fullchain.pem");
        keyFile = tmp.resolve("live/privkey.pem");
        install(one);
    }

    @Test
    void negotiatesTls13AndTls12() throws Exception {
        ServerTlsContext tls = ServerTlsContext.create(certFile, keyFile, MODERN);
        X509Certificate cert = cert(one);
        assertThat(tls.certificate()).isEqualTo(cert);
        try (Server server = TlsTestSupport.startServer(tls)) {
            Handshake tls13 = TlsTestSupport.handshake(server.port(), List.of("TLSv1.3"), cert);
            assertThat(tls13.protocol()).isEqualTo("TLSv1.3");
            assertThat(tls13.peerCertificate()).isEqualTo(cert);

            assertThat(TlsTestSupport.handshake(server.port(), List.of("TLSv1.2"), cert).protocol()).isEqualTo("TLSv1.2");
            assertThat(TlsTestSupport.handshake(server.port(), MODERN, cert).protocol()).isEqualTo("TLSv1.3");
        }
    }

    @Test
    void refusesTls11() throws Exception {
        ServerTlsContext tls = ServerTlsContext.create(certFile, keyFile, MODERN);
        try (Server server = TlsTestSupport.startServer(tls)) {
            // The probe itself works: a TLS 1.2 hello gets a ServerHello ...
            assertThat(TlsTestSupport.rawHelloResponseType(server.port(), 0x0303)).isEqualTo(22);
            // ... a TLS 1.1 hello gets an alert or a closed connection, never a ServerHello.
            assertThat(TlsTestSupport.rawHelloResponseType(server.port(), 0x0302)).isIn(21, -1);
        }
    }

    @Test
    void honoursTheConfiguredProtocols() throws Exception {
        ServerTlsContext tls = ServerTlsContext.create(certFile, keyFile, List.of("TLSv1.3"));
        X509Certificate cert = cert(one);
        try (Server server = TlsTestSupport.startServer(tls)) {
            assertThat(TlsTestSupport.handshake(server.port(), MODERN, cert).protocol()).isEqualTo("TLSv1.3");
            assertThatThrownBy(() -> TlsTestSupport.handshake(server.port(), List.of("TLSv1.2"), cert))
                    .isInstanceOf(SSLException.class);
        }
    }

    @Test
    void reloadPresentsTheNewCertificateToNewConnections() throws Exception {
        ServerTlsContext tls = ServerTlsContext.create(certFile, keyFile, MODERN);
        X509Certificate oldCert = cert(one);
        X509Certificate newCert = cert(two);
        try (Server server = TlsTestSupport.startServer(tls)) {
            assertThat(tls.reloadIfChanged()).as("nothing changed yet").isFalse();
            assertThat(handshake(server).peerCertificate()).isEqualTo(oldCert);

            install(two);
            assertThat(tls.reloadIfChanged()).isTrue();
            assertThat(tls.certificate()).isEqualTo(newCert);
            assertThat(handshake(server).peerCertificate()).isEqualTo(newCert);
            assertThat(tls.reloadIfChanged()).as("already loaded").isFalse();
        }
    }

    @Test
    void invalidReplacementKeepsTheOldCertificate() throws Exception {
        ServerTlsContext tls = ServerTlsContext.create(certFile, keyFile, MODERN);
        X509Certificate oldCert = cert(one);
        try (Server server = TlsTestSupport.startServer(tls)) {
            // Half-written certificate, as seen in the middle of a copy.
            String pem = Files.readString(two.certificate());
            Files.writeString(certFile, pem.substring(0, pem.length() / 2));
            assertThat(tls.reloadIfChanged()).isFalse();
            assertThat(tls.certificate()).isEqualTo(oldCert);
            assertThat(handshake(server).peerCertificate()).isEqualTo(oldCert);
            assertThat(tls.reloadIfChanged()).as("retried, still broken").isFalse();

            // New certificate, old key: the usual renewal race.
            Files.copy(two.certificate(), certFile, StandardCopyOption.REPLACE_EXISTING);
            assertThat(tls.reloadIfChanged()).isFalse();
            assertThat(handshake(server).peerCertificate()).isEqualTo(oldCert);

            // File briefly missing.
            Files.delete(keyFile);
            assertThat(tls.reloadIfChanged()).isFalse();
            assertThat(handshake(server).peerCertificate()).isEqualTo(oldCert);

            // The key arrives: now it loads.
            Files.copy(two.privateKey(), keyFile);
            assertThat(tls.reloadIfChanged()).isTrue();
            assertThat(handshake(server).peerCertificate()).isEqualTo(cert(two));
        }
    }

    @Test
    void watcherPicksUpChanges() throws Exception {
        ServerTlsContext tls = ServerTlsContext.create(certFile, keyFile, MODERN);
        ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor();
        AutoCloseable watch = tls.startWatching(exec, Duration.ofMillis(50));
        try {
            Files.writeString(certFile, "garbage"); // the schedule must survive a failed load
            Thread.sleep(200);
            assertThat(tls.certificate()).isEqualTo(cert(one));

            install(two);
            await().atMost(Duration.ofSeconds(10)).until(() -> tls.certificate().equals(cert(two)));
            watch.close();
        } finally {
            exec.shutdownNow();
            assertThat(exec.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void createFailsWithAMessageNamingTheFile() throws Exception {
        Path missing = tmp.resolve("missing.pem");
        assertThatThrownBy(() -> ServerTlsContext.create(missing, keyFile, MODERN))
                .isInstanceOf(TlsMaterialException.class)
                .hasMessageContaining(missing.toString());

        Files.writeString(keyFile, "not a key");
        assertThatThrownBy(() -> ServerTlsContext.create(certFile, keyFile, MODERN))
                .isInstanceOf(TlsMaterialException.class)
                .hasMessageContaining(keyFile.toString());

        Files.copy(two.privateKey(), keyFile, StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> ServerTlsContext.create(certFile, keyFile, MODERN))
                .isInstanceOf(TlsMaterialException.class)
                .hasMessageContaining("does not match");
    }

    @Test
    void unknownProtocolFailsAtCreate() {
        assertThatThrownBy(() -> ServerTlsContext.create(certFile, keyFile, List.of("TLSv9")))
                .isInstanceOf(TlsMaterialException.class)
                .hasMessageContaining("TLSv9");
        assertThatThrownBy(() -> ServerTlsContext.create(certFile, keyFile, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private Handshake handshake(Server server) throws Exception {
        // Trust both so the test sees whichever certificate is presented.
        return TlsTestSupport.handshake(server.port(), MODERN, cert(one), cert(two));
    }

    private void install(CertificatePaths paths) throws Exception {
        Files.copy(paths.certificate(), certFile, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(paths.privateKey(), keyFile, StandardCopyOption.REPLACE_EXISTING);
    }

    private static X509Certificate cert(CertificatePaths paths) {
        return PemFiles.readCertificateChain(paths.certificate()).get(0);
    }
}
