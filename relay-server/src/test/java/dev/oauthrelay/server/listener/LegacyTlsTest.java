package dev.oauthrelay.server.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.oauthrelay.server.Relay;
import dev.oauthrelay.server.tls.OpenSslCli;
import dev.oauthrelay.server.tls.SelfSignedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code legacy-tls} listeners speak TLS 1.0 and 1.1 with CBC suites (checked with {@code openssl
 * s_client -tls1} and {@code -tls1_1}); ordinary listeners in the same relay still refuse them.
 */
class LegacyTlsTest {

    @TempDir
    static Path dir;
    static Relay relay;

    @BeforeAll
    static void start() throws Exception {
        relay = TestRelay.start(dir, """
                listeners = [
                  { name = submission, address = "127.0.0.1", port = 0, tls = starttls }
                  { name = smtps, address = "127.0.0.1", port = 0, tls = implicit }
                  { name = legacy-submission, address = "127.0.0.1", port = 0, tls = starttls, legacy-tls = true }
                  { name = legacy-smtps, address = "127.0.0.1", port = 0, tls = implicit, legacy-tls = true }
                ]
                """);
    }

    @AfterAll
    static void stop() {
        relay.close();
    }

    private static OpenSslCli.Result connect(String listener, String versionFlag, String ciphers) {
        return OpenSslCli.sClient(relay.port(listener), listener.endsWith("submission"), versionFlag, ciphers);
    }

    private static void assertSmtpOver(OpenSslCli.Result r, String protocol) {
        assertThat(r.protocol()).as("%s", r).isEqualTo(protocol);
        assertThat(r.output()).as("%s", r).contains("250-relay.test", "221 ");
    }

    @Test
    void tls10OnLegacyStartTlsListener() {
        assertSmtpOver(connect("legacy-submission", "-tls1", "DEFAULT"), "TLSv1");
    }

    @Test
    void tls11OnLegacyStartTlsListener() {
        assertSmtpOver(connect("legacy-submission", "-tls1_1", "DEFAULT"), "TLSv1.1");
    }

    @Test
    void tls10AndTls11OnLegacyImplicitTlsListener() {
        assertSmtpOver(connect("legacy-smtps", "-tls1", "DEFAULT"), "TLSv1");
        assertSmtpOver(connect("legacy-smtps", "-tls1_1", "DEFAULT"), "TLSv1.1");
    }

    @Test
    void theCbcSuitesOldPrintersOfferWork() {
        // RSA key exchange, the lowest common denominator, needs the RSA certificate legacy listeners get.
        for (String suite : new String[] {"AES128-SHA", "AES256-SHA", "ECDHE-RSA-AES128-SHA", "ECDHE-RSA-AES256-SHA"}) {
            OpenSslCli.Result r = connect("legacy-smtps", "-tls1", suite);
            assertSmtpOver(r, "TLSv1");
            assertThat(r.cipher()).isEqualTo(suite);
        }
    }

    @Test
    void modernClientsStillGetTls13OnLegacyListener() {
        assertSmtpOver(connect("legacy-submission", "-tls1_3", "DEFAULT"), "TLSv1.3");
    }

    @Test
    void renewedCertificateIsServedOnTheLegacyListenerToo(@TempDir Path own) throws Exception {
        Path cert = own.resolve("relay.crt");
        Path key = own.resolve("relay.key");
        copy(SelfSignedCertificate.ensureRsa(own.resolve("first"), "first.test"), cert, key);
        String extra = """
                listeners = [ { name = smtps, address = "127.0.0.1", port = 0, tls = implicit, legacy-tls = true } ]
                tls { certificate = "%s", private-key = "%s", reload-interval = 1s }
                """.formatted(cert, key);
        try (Relay own1 = TestRelay.start(own.resolve("data"), extra)) {
            int port = own1.port("smtps");
            assertThat(subjectSeenBy(port)).isEqualTo("CN=first.test");
            copy(SelfSignedCertificate.ensureRsa(own.resolve("second"), "second.test"), cert, key);
            await().atMost(Duration.ofSeconds(15)).until(() -> subjectSeenBy(port).equals("CN=second.test"));
            assertSmtpOver(OpenSslCli.sClient(port, false, "-tls1", "AES128-SHA"), "TLSv1");
        }
    }

    private static String subjectSeenBy(int port) throws Exception {
        try (SmtpTestClient c = SmtpTestClient.implicitTls(port)) {
            return c.peerSubject();
        }
    }

    private static void copy(SelfSignedCertificate.CertificatePaths from, Path cert, Path key) throws Exception {
        Files.copy(from.privateKey(), key.resolveSibling("key.tmp"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(from.certificate(), cert.resolveSibling("cert.tmp"), StandardCopyOption.REPLACE_EXISTING);
        Files.move(key.resolveSibling("key.tmp"), key, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.move(cert.resolveSibling("cert.tmp"), cert, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void ordinaryListenersRefuseTls10AndTls11() {
        for (String listener : new String[] {"submission", "smtps"}) {
            for (String flag : new String[] {"-tls1", "-tls1_1"}) {
                OpenSslCli.Result r = connect(listener, flag, "DEFAULT");
                assertThat(r.protocol()).as("%s %s: %s", listener, flag, r).isNull();
                assertThat(r.exitCode()).as("%s %s: %s", listener, flag, r).isNotZero();
                assertThat(r.output()).doesNotContain("250-relay.test\n250");
            }
            assertSmtpOver(connect(listener, "-tls1_2", "DEFAULT"), "TLSv1.2");
        }
    }
}
