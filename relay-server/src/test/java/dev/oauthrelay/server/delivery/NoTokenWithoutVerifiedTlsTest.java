package dev.oauthrelay.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.server.standin.StandInExchange.ReceivedMessage;
import dev.oauthrelay.server.standin.StandInExchange.Transcript;
import dev.oauthrelay.spool.DeliveryState;
import dev.oauthrelay.spool.QueueId;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An upstream without STARTTLS, or with a certificate the relay does not trust: the message is
 * deferred and no AUTH line (so no token) ever reaches the server; once fixed, it is delivered.
 */
class NoTokenWithoutVerifiedTlsTest extends DeliveryTestSupport {

    private static final String RCPT = "alice@fabrikam.example";

    @Test
    void upstreamWithoutStartTlsGetsNoAuthAndTheMessageWaitsUntilStartTlsIsBack() throws Exception {
        standIns.exchange().advertiseStartTls(false);
        startRelay();
        String sent = message("no starttls", "body");

        String id = sendAsPrinter(List.of(RCPT), sent);
        until("two deferrals without STARTTLS", () -> delivery().deferredCount() >= 2);

        assertThat(queued()).containsExactly(QueueId.parse(id));
        DeliveryState state = relay.spool().readState(QueueId.parse(id)).orElseThrow();
        assertThat(state.lastError()).startsWith("TLS").contains("STARTTLS");
        assertThat(standIns.exchange().connectionCount()).isGreaterThanOrEqualTo(2);
        assertThat(standIns.countLinesStartingWith("EHLO ")).isGreaterThanOrEqualTo(2);
        assertNoAuthLineAtAll();
        assertThat(standIns.exchange().messages()).isEmpty();

        standIns.exchange().advertiseStartTls(true);
        awaitDelivered(1);

        List<ReceivedMessage> received = standIns.exchange().messages();
        assertThat(received).hasSize(1);
        assertThat(Delivered.of(received.get(0).content()).rest()).isEqualTo(bytes(sent));
        assertThat(standIns.exchange().transcripts()).noneMatch(t -> t.anyPlaintext("AUTH"));
        assertThat(queued()).isEmpty();
    }

    @Test
    void upstreamCertificateNotTrustedGetsNoAuthAndTheMessageIsDeliveredOnceItIsTrusted() throws Exception {
        startRelay(standIns.settings().untrustedUpstream().render());
        String sent = message("untrusted certificate", "body");

        String id = sendAsPrinter(List.of(RCPT), sent);
        until("two deferrals with an untrusted certificate", () -> delivery().deferredCount() >= 2);

        assertThat(queued()).containsExactly(QueueId.parse(id));
        DeliveryState state = relay.spool().readState(QueueId.parse(id)).orElseThrow();
        assertThat(state.lastError()).startsWith("TLS");
        // The relay asked for TLS, the handshake failed, nothing was said over TLS and no AUTH at all.
        assertThat(standIns.countLinesStartingWith("STARTTLS")).isGreaterThanOrEqualTo(2);
        assertThat(standIns.exchange().transcripts()).flatExtracting(Transcript::lines)
                .noneMatch(line -> line.tls());
        assertNoAuthLineAtAll();
        assertThat(standIns.exchange().messages()).isEmpty();

        // The operator adds the upstream's CA to trusted-certificates and restarts the relay.
        stopRelay();
        startRelay(standIns.hocon());
        awaitDelivered(1);

        List<ReceivedMessage> received = standIns.exchange().messages();
        assertThat(received).hasSize(1);
        assertThat(Delivered.of(received.get(0).content()).rest()).isEqualTo(bytes(sent));
        assertThat(standIns.exchange().transcripts()).noneMatch(t -> t.anyPlaintext("AUTH"));
        assertThat(queued()).isEmpty();
    }

    private void assertNoAuthLineAtAll() {
        assertThat(standIns.exchange().authAttempts()).isZero();
        assertThat(standIns.anyLine("AUTH")).isFalse();
        assertThat(standIns.exchange().transcripts()).noneMatch(t -> t.anyPlaintext("AUTH"));
    }
}
