package dev.oauthrelay.server.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.oauthrelay.server.Relay;
import dev.oauthrelay.server.tls.SelfSignedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A renewed certificate (as certbot would write it) is served to new connections without a restart. */
class CertificateReloadTest {

    @TempDir
    Path dir;

    @Test
    void replacedCertificateFilesAreServedToNewConnections() throws Exception {
        Path cert = dir.resolve("relay.crt");
        Path key = dir.resolve("relay.key");
        install(SelfSignedCertificate.ensure(dir.resolve("first"), "first.test"), cert, key);
        String tls = "tls { certificate = \"%s\", private-key = \"%s\", reload-interval = 1s }".formatted(cert, key);
        try (Relay relay = TestRelay.start(dir.resolve("data"), tls)) {
            int port = relay.port("smtps");
            assertThat(subjectSeenBy(port)).isEqualTo("CN=first.test");
            try (SmtpTestClient open = SmtpTestClient.implicitTls(port)) {
                open.reply();
                install(SelfSignedCertificate.ensure(dir.resolve("second"), "second.test"), cert, key);
                await().atMost(Duration.ofSeconds(15)).until(() -> subjectSeenBy(port).equals("CN=second.test"));
                // The connection that was already open keeps working on its session.
                assertThat(open.command("NOOP")).startsWith("250");
            }
        }
    }

    private static String subjectSeenBy(int port) throws Exception {
        try (SmtpTestClient c = SmtpTestClient.implicitTls(port)) {
            return c.peerSubject();
        }
    }

    /** Copies into place with atomic renames, the way renewal tools replace files. */
    private static void install(SelfSignedCertificate.CertificatePaths from, Path cert, Path key) throws Exception {
        Path tmpKey = key.resolveSibling("key.tmp");
        Path tmpCert = cert.resolveSibling("cert.tmp");
        Files.copy(from.privateKey(), tmpKey, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(from.certificate(), tmpCert, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmpKey, key, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmpCert, cert, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
