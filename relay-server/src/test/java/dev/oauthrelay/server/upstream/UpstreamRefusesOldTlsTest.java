package dev.oauthrelay.server.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.delivery.AttemptResult.Failed;
import dev.oauthrelay.delivery.AttemptResult.Stage;
import dev.oauthrelay.server.Relay;
import dev.oauthrelay.server.listener.TestRelay;
import dev.oauthrelay.server.tls.OpenSslCli;
import dev.oauthrelay.server.tls.SelfSignedCertificate;
import java.nio.file.Path;
import java.security.Security;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code legacy-tls} listener must not weaken anything else: with one running in this JVM, the
 * upstream client still refuses a server that only speaks TLS 1.1 ({@code openssl s_server
 * -tls1_1}), and the JVM-wide {@code jdk.tls.disabledAlgorithms} is untouched.
 */
class UpstreamRefusesOldTlsTest {

    @TempDir
    Path dir;

    @Test
    void upstreamRefusesTls11EvenWithALegacyListenerRunning() throws Exception {
        String disabledBefore = Security.getProperty("jdk.tls.disabledAlgorithms");
        try (Relay relay = TestRelay.start(dir.resolve("relay"), """
                listeners = [ { name = legacy, address = "127.0.0.1", port = 0, tls = implicit, legacy-tls = true } ]
                """)) {
            assertThat(relay.port("legacy")).isPositive();
            assertThat(Security.getProperty("jdk.tls.disabledAlgorithms")).isEqualTo(disabledBefore)
                    .contains("TLSv1.1");

            var cert = SelfSignedCertificate.ensure(dir.resolve("upstream"), "localhost");
            try (OpenSslCli.Server tls11 = OpenSslCli.sServer(cert.certificate(), cert.privateKey(), "-tls1_1")) {
                assertThat(submitTo(tls11.port(), cert.certificate())).isInstanceOfSatisfying(Failed.class,
                        f -> assertThat(f.stage()).as("%s", f).isEqualTo(Stage.TLS));
            }
            // Control: the same server with TLS 1.2 gets past the handshake (and then says nothing).
            try (OpenSslCli.Server tls12 = OpenSslCli.sServer(cert.certificate(), cert.privateKey(), "-tls1_2")) {
                assertThat(submitTo(tls12.port(), cert.certificate())).isInstanceOfSatisfying(Failed.class,
                        f -> assertThat(f.stage()).as("%s", f).isNotEqualTo(Stage.TLS));
            }
        }
    }

    private static Object submitTo(int port, Path trusted) throws Exception {
        UpstreamSettings settings = new UpstreamSettings("localhost", port, TlsMode.IMPLICIT, Optional.of(trusted),
                "relay.test", 1, Duration.ofSeconds(5), Duration.ofSeconds(3), Duration.ofSeconds(3),
                Duration.ofSeconds(30));
        try (SmtpUpstream client = new SmtpUpstream(settings, new FakeTokenProvider())) {
            return client.submit(UpstreamFixture.submission(UpstreamFixture.MAILBOX, List.of(),
                    List.of("alice@fabrikam.example"), "x\r\n")).get(60, TimeUnit.SECONDS);
        }
    }
}
