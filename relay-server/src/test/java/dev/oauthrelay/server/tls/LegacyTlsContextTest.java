package dev.oauthrelay.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenSSL context of legacy-tls listeners: certificate types, and no silent fallback. */
class LegacyTlsContextTest {

    @TempDir
    Path dir;

    @Test
    void withoutOpenSslTheStartFailsNamingTheListeners() {
        assertThatThrownBy(() -> LegacyTls.requireAvailable(List.of("printers", "old"), false,
                new UnsatisfiedLinkError("no netty_tcnative in java.library.path")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("legacy-tls = true on listener(s) printers, old")
                .hasMessageContaining("OpenSSL provider")
                .hasMessageContaining("no netty_tcnative");
    }

    @Test
    void openSslIsAvailableOnThisPlatform() {
        LegacyTls.requireAvailable(List.of("x")); // linux-x86_64: the bundled BoringSSL loads
    }

    @Test
    void anEcCertificateWorksWithTheEcdsaCbcSuitesOnly() throws Exception {
        var ec = SelfSignedCertificate.ensure(dir, "relay.test");
        ServerTlsContext tls = ServerTlsContext.createLegacy(ec.certificate(), ec.privateKey());
        try (TlsTestSupport.Server server = TlsTestSupport.startServer(tls)) {
            // A modern JDK client still gets TLS 1.3 from a legacy context.
            assertThat(TlsTestSupport.handshake(server.port(), List.of("TLSv1.3"), tls.certificate()).protocol())
                    .isEqualTo("TLSv1.3");
            OpenSslCli.Result ecdsa = OpenSslCli.handshake(server.port(), "-tls1", "ECDHE-ECDSA-AES128-SHA");
            assertThat(ecdsa.protocol()).as("%s", ecdsa).isEqualTo("TLSv1");
            assertThat(ecdsa.cipher()).isEqualTo("ECDHE-ECDSA-AES128-SHA");
            OpenSslCli.Result rsa = OpenSslCli.handshake(server.port(), "-tls1", "AES128-SHA");
            assertThat(rsa.protocol()).as("RSA suites need an RSA certificate: %s", rsa).isNull();
        }
    }

    @Test
    void selfSignedRsaCertificateIsKeptApartFromTheEcOne() {
        var ec = SelfSignedCertificate.ensure(dir, "relay.test");
        var rsa = SelfSignedCertificate.ensureRsa(dir, "relay.test");
        assertThat(rsa.certificate()).isNotEqualTo(ec.certificate());
        assertThat(PemFiles.readCertificateChain(rsa.certificate()).get(0).getPublicKey().getAlgorithm()).isEqualTo("RSA");
        assertThat(PemFiles.readCertificateChain(ec.certificate()).get(0).getPublicKey().getAlgorithm()).isEqualTo("EC");
        // Reused, not regenerated, on the next start.
        assertThat(SelfSignedCertificate.ensureRsa(dir, "relay.test")).isEqualTo(rsa);
        assertThat(PemFiles.readCertificateChain(rsa.certificate()).get(0).getKeyUsage()[2])
                .as("keyEncipherment, for RSA key exchange").isTrue();
    }
}
