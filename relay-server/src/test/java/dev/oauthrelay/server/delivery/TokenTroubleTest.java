package dev.oauthrelay.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.server.standin.StandInExchange.ReceivedMessage;
import dev.oauthrelay.server.standin.StandIns;
import dev.oauthrelay.spool.DeliveryState;
import dev.oauthrelay.spool.QueueId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The token side: a token the upstream rejects, and a token endpoint that is down. */
class TokenTroubleTest extends DeliveryTestSupport {

    private static final String RCPT = "alice@fabrikam.example";

    @Test
    void a535InvalidatesTheTokenFetchesOneFreshTokenAndDelivers() throws Exception {
        startRelay();
        // The relay fetches its first token at start-up.
        until("the start-up token request", () -> standIns.entra().requestCount() >= 1);
        int before = standIns.entra().requestCount();
        assertThat(before).isEqualTo(1);
        standIns.exchange().rejectNextAuth(1);
        String sent = message("token rejected once", "body");

        sendAsPrinter(List.of(RCPT), sent);
        awaitDelivered(1);

        assertThat(standIns.entra().requestCount()).as("one fresh token after the 535").isEqualTo(before + 1);
        assertThat(standIns.exchange().authAttempts()).isEqualTo(2);
        List<ReceivedMessage> received = standIns.exchange().messages();
        assertThat(received).hasSize(1);
        assertThat(received.get(0).mailbox()).isEqualTo(StandIns.PRINTER);
        assertThat(Delivered.of(received.get(0).content()).rest()).isEqualTo(bytes(sent));
        // Retried within the same attempt: the message was never deferred.
        assertThat(delivery().deferredCount()).isZero();
        assertThat(queued()).isEmpty();
    }

    @Test
    void tokenEndpointDownAtStartQueuesMailSendsNoAuthAndDeliversOnceItIsBack() throws Exception {
        standIns.entra().setDown(true);
        startRelay();
        String sent = message("token endpoint down", "body");

        // The device still gets its 250: the message is on disk.
        String id = sendAsPrinter(List.of(RCPT), sent);
        until("two deferrals while the token endpoint is down", () -> delivery().deferredCount() >= 2);

        assertThat(queued()).containsExactly(QueueId.parse(id));
        DeliveryState state = relay.spool().readState(QueueId.parse(id)).orElseThrow();
        assertThat(state.lastError()).startsWith("TOKEN");
        assertThat(standIns.exchange().authAttempts()).isZero();
        assertThat(standIns.anyLine("AUTH")).isFalse();
        // The token comes first: without one, the relay does not even connect.
        assertThat(standIns.exchange().connectionCount()).isZero();
        assertThat(standIns.exchange().messages()).isEmpty();

        standIns.entra().setDown(false);
        awaitDelivered(1);

        List<ReceivedMessage> received = standIns.exchange().messages();
        assertThat(received).hasSize(1);
        assertThat(Delivered.of(received.get(0).content()).rest()).isEqualTo(bytes(sent));
        assertThat(standIns.exchange().authAttempts()).isEqualTo(1);
        assertThat(queued()).isEmpty();
        assertThat(delivery().failedCount()).isZero();
    }
}
