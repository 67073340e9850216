package dev.oauthrelay.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.oauthrelay.server.tls.SelfSignedCertificate.CertificatePaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelfSignedCertificateTest {

    @TempDir
    Path dataDir;

    @Test
    void generatedOnceAndReused() throws Exception {
        CertificatePaths first = SelfSignedCertificate.ensure(dataDir, "relay.example.org");
        assertThat(first.certificate()).isEqualTo(dataDir.resolve("tls/self-signed.crt"));
        assertThat(first.privateKey()).isEqualTo(dataDir.resolve("tls/self-signed.key"));
        byte[] cert = Files.readAllBytes(first.certificate());
        byte[] key = Files.readAllBytes(first.privateKey());

        CertificatePaths second = SelfSignedCertificate.ensure(dataDir, "relay.example.org");

        assertThat(second).isEqualTo(first);
        assertThat(Files.readAllBytes(second.certificate())).isEqualTo(cert);
        assertThat(Files.readAllBytes(second.privateKey())).isEqualTo(key);
        try (var files = Files.list(dataDir.resolve("tls"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .as("no temporary files left behind")
                    .containsExactlyInAnyOrder("self-signed.crt", "self-signed.key");
        }
    }

    @Test
    void keyFileIsPrivate() throws Exception {
        assumeTrue(dataDir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        CertificatePaths paths = SelfSignedCertificate.ensure(dataDir, "relay.example.org");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(paths.privateKey())))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(paths.certificate())))
                .isEqualTo("rw-r--r--");
    }

    @Test
    void certificateContents() throws Exception {
        CertificatePaths paths = SelfSignedCertificate.ensure(dataDir, "relay.example.org");
        assertThat(Files.readString(paths.privateKey())).startsWith("-----BEGIN PRIVATE KEY-----");
        X509Certificate cert = PemFiles.readCertificateChain(paths.certificate()).get(0);

        assertThat(cert.getVersion()).isEqualTo(3);
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=relay.example.org");
        assertThat(cert.getIssuerX500Principal()).isEqualTo(cert.getSubjectX500Principal());
        assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(cert.getPublicKey().toString()).contains("secp256r1");
        assertThat(sans(cert)).containsExactlyInAnyOrder(
                "2:relay.example.org", "2:localhost", "7:127.0.0.1", "7:0:0:0:0:0:0:0:1");
        assertThat(cert.getBasicConstraints()).as("not a CA").isEqualTo(-1);
        assertThat(cert.getKeyUsage()[0]).as("digitalSignature").isTrue();
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1"); // serverAuth
        Instant now = Instant.now();
        assertThat(cert.getNotBefore().toInstant()).isBetween(now.minus(Duration.ofMinutes(61)), now.minus(Duration.ofMinutes(59)));
        assertThat(cert.getNotAfter().toInstant()).isBetween(now.plus(Duration.ofDays(825)).minusSeconds(60), now.plus(Duration.ofDays(825)));
        cert.verify(cert.getPublicKey()); // self-signed

        PrivateKey key = PemFiles.readPrivateKey(paths.privateKey());
        PemFiles.requireMatchingKey(cert, key, paths.certificate(), paths.privateKey());
    }

    @Test
    void regeneratedWhenTheKeyIsBroken() throws Exception {
        CertificatePaths paths = SelfSignedCertificate.ensure(dataDir, "relay.example.org");
        byte[] oldCert = Files.readAllBytes(paths.certificate());
        Files.writeString(paths.privateKey(), "-----BEGIN PRIVATE KEY-----\nhalf a ke");

        SelfSignedCertificate.ensure(dataDir, "relay.example.org");

        assertThat(Files.readAllBytes(paths.certificate())).isNotEqualTo(oldCert);
        X509Certificate cert = PemFiles.readCertificateChain(paths.certificate()).get(0);
        PemFiles.requireMatchingKey(cert, PemFiles.readPrivateKey(paths.privateKey()), paths.certificate(), paths.privateKey());
    }

    @Test
    void regeneratedWhenOnlyTheKeyExists() throws Exception {
        CertificatePaths paths = SelfSignedCertificate.ensure(dataDir, "relay.example.org");
        Files.delete(paths.certificate());

        SelfSignedCertificate.ensure(dataDir, "relay.example.org");

        assertThat(paths.certificate()).exists();
    }

    @Test
    void regeneratedWhenTheHostnameChanges() throws Exception {
        SelfSignedCertificate.ensure(dataDir, "old.example.org");
        CertificatePaths paths = SelfSignedCertificate.ensure(dataDir, "new.example.org");
        X509Certificate cert = PemFiles.readCertificateChain(paths.certificate()).get(0);
        assertThat(sans(cert)).contains("2:new.example.org").doesNotContain("2:old.example.org");
    }

    @Test
    void ipLiteralHostnameBecomesAnIpSan() throws Exception {
        CertificatePaths paths = SelfSignedCertificate.ensure(dataDir, "192.0.2.25");
        byte[] bytes = Files.readAllBytes(paths.certificate());
        X509Certificate cert = PemFiles.readCertificateChain(paths.certificate()).get(0);
        assertThat(sans(cert)).containsExactlyInAnyOrder(
                "7:192.0.2.25", "2:localhost", "7:127.0.0.1", "7:0:0:0:0:0:0:0:1");
        SelfSignedCertificate.ensure(dataDir, "192.0.2.25");
        assertThat(Files.readAllBytes(paths.certificate())).as("reused").isEqualTo(bytes);
    }

    private static List<String> sans(X509Certificate cert) throws Exception {
        return cert.getSubjectAlternativeNames().stream()
                .map(san -> san.get(0) + ":" + san.get(1))
                .collect(Collectors.toList());
    }
}
