package dev.oauthrelay.server.upstream;

import static dev.oauthrelay.server.upstream.UpstreamFixture.MAILBOX;
import static dev.oauthrelay.server.upstream.UpstreamFixture.simple;
import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.delivery.AttemptResult;
import dev.oauthrelay.delivery.AttemptResult.Completed;
import dev.oauthrelay.delivery.AttemptResult.Failed;
import dev.oauthrelay.delivery.AttemptResult.Stage;
import dev.oauthrelay.server.standin.StandInExchange;
import dev.oauthrelay.server.standin.StandInExchange.Transcript;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No token ever leaves without verified TLS: missing STARTTLS, untrusted and misnamed certificates. */
class SmtpUpstreamTlsTest {

    @TempDir
    Path dir;

    @Test
    void withoutStartTlsNoAuthIsSent() throws Exception {
        try (UpstreamFixture fx = new UpstreamFixture(dir)) {
            fx.exchange.advertiseStartTls(false);
            AttemptResult result = fx.send(simple("x\r\n"));
            assertThat(result).isInstanceOfSatisfying(Failed.class, f -> {
                assertThat(f.stage()).isEqualTo(Stage.TLS);
                assertThat(f.reason()).contains("STARTTLS");
            });
            assertNoAuthAtAll(fx);
            assertThat(fx.exchange.transcripts()).allMatch(t -> !t.anyPlaintext("AUTH"));
        }
    }

    @Test
    void refusedStartTlsFailsWithTheReply() throws Exception {
        try (UpstreamFixture fx = new UpstreamFixture(dir)) {
            fx.exchange.failNext(StandInExchange.Stage.STARTTLS, 1, "454 4.7.0 TLS not available due to temporary reason");
            assertThat(fx.send(simple("x\r\n"))).isInstanceOfSatisfying(Failed.class, f -> {
                assertThat(f.stage()).isEqualTo(Stage.TLS);
                assertThat(f.reply().code()).isEqualTo(454);
            });
            assertNoAuthAtAll(fx);
        }
    }

    @Test
    void untrustedCertificateFailsBeforeAuth() throws Exception {
        try (UpstreamFixture fx = new UpstreamFixture(dir)) {
            UpstreamSettings jdkTrustOnly = new UpstreamSettings(fx.exchange.host(), fx.exchange.port(), TlsMode.STARTTLS,
                    Optional.empty(), "relay.test", 3, Duration.ofSeconds(5), Duration.ofSeconds(5),
                    Duration.ofSeconds(5), Duration.ofSeconds(30));
            fx.client(jdkTrustOnly);
            assertThat(fx.send(simple("x\r\n"))).isInstanceOfSatisfying(Failed.class, f -> {
                assertThat(f.stage()).isEqualTo(Stage.TLS);
                assertThat(f.reason()).containsIgnoringCase("certification path");
            });
            assertNoAuthAtAll(fx);
        }
    }

    @Test
    void certificateForAnotherNameFailsBeforeAuth() throws Exception {
        // Trusted, but issued for mail.example.org only, while the client connects to 127.0.0.1.
        TestCertificates.CertificateFiles cert = TestCertificates.onlyFor(dir.resolve("other"), "mail.example.org");
        StandInExchange exchange = StandInExchange.builder(dir).mailbox(MAILBOX)
                .tokenValidator(FakeTokenProvider::isValid)
                .certificate(cert.certificate(), cert.privateKey())
                .start();
        try (UpstreamFixture fx = new UpstreamFixture(exchange)) {
            fx.client(fx.settings().withTrustedCertificates(cert.certificate()));
            assertThat(fx.send(simple("x\r\n"))).isInstanceOfSatisfying(Failed.class, f -> {
                assertThat(f.stage()).isEqualTo(Stage.TLS);
                assertThat(f.reason()).contains("127.0.0.1");
            });
            assertNoAuthAtAll(fx);
        }
    }

    @Test
    void implicitTlsIsRefusedByAStartTlsServer() throws Exception {
        // The stand-in speaks STARTTLS only: an implicit-TLS client must fail at TLS, not fall back.
        try (UpstreamFixture fx = new UpstreamFixture(dir)) {
            fx.client(fx.settings().withEndpoint(fx.exchange.host(), fx.exchange.port(), TlsMode.IMPLICIT));
            assertThat(fx.send(simple("x\r\n"))).isInstanceOfSatisfying(Failed.class,
                    f -> assertThat(f.stage()).isEqualTo(Stage.TLS));
            assertNoAuthAtAll(fx);
        }
    }

    @Test
    void plaintextInjectedAfterTheStartTlsReplyIsRefused() throws Exception {
        try (UpstreamFixture fx = new UpstreamFixture(dir)) {
            // Would otherwise be read as the answer to the first EHLO over TLS.
            fx.exchange.sendAfterStartTlsReply("250-injected\r\n250 AUTH XOAUTH2");
            assertThat(fx.send(simple("x\r\n"))).isInstanceOfSatisfying(Failed.class, f -> {
                assertThat(f.stage()).isEqualTo(Stage.TLS);
                assertThat(f.reason()).contains("plaintext after its STARTTLS reply");
            });
            assertNoAuthAtAll(fx);
        }
    }

    @Test
    void implicitTlsWorksWithAnImplicitTlsServer() throws Exception {
        StandInExchange exchange = StandInExchange.builder(dir).mailbox(MAILBOX)
                .tokenValidator(FakeTokenProvider::isValid).implicitTls().start();
        try (UpstreamFixture fx = new UpstreamFixture(exchange)) {
            fx.client(fx.settings().withEndpoint(exchange.host(), exchange.port(), TlsMode.IMPLICIT));
            assertThat(fx.send(simple("x\r\n"))).isInstanceOf(Completed.class);
            assertThat(exchange.transcripts().get(0).lines()).allMatch(l -> l.tls());
            assertThat(exchange.messages()).hasSize(1);
        }
    }

    @Test
    void trustedCertificateWithMatchingAddressWorks() throws Exception {
        try (UpstreamFixture fx = new UpstreamFixture(dir)) {
            assertThat(fx.send(simple("x\r\n"))).isInstanceOf(Completed.class);
            assertThat(fx.exchange.transcripts()).allMatch(t -> !t.anyPlaintext("AUTH"));
        }
    }

    private static void assertNoAuthAtAll(UpstreamFixture fx) {
        assertThat(fx.exchange.authAttempts()).isZero();
        for (Transcript t : fx.exchange.transcripts()) {
            assertThat(t.lines()).noneMatch(l -> l.line().toUpperCase().startsWith("AUTH"));
        }
    }
}
