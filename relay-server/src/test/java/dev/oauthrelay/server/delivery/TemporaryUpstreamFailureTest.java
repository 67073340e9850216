package dev.oauthrelay.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.server.standin.StandInExchange.ReceivedMessage;
import dev.oauthrelay.server.standin.StandInExchange.Stage;
import dev.oauthrelay.spool.DeliveryState;
import dev.oauthrelay.spool.QueueId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Temporary upstream trouble (4xx, refused or dropped connections, a final dot never answered):
 * the message stays queued, is retried, and is delivered later; where the upstream may already
 * have taken it (the connection ended after the final dot), the possible duplicate is counted.
 */
class TemporaryUpstreamFailureTest extends DeliveryTestSupport {

    private static final String RCPT = "alice@fabrikam.example";

    @ParameterizedTest(name = "451 at {0}")
    @EnumSource(value = Stage.class, names = {"RCPT", "DATA", "AFTER_DOT"})
    void a451IsRetriedAndTheMessageDeliveredExactlyOnce(Stage stage) throws Exception {
        startRelay();
        standIns.exchange().failNext(stage, 1, "451 4.7.500 Server busy. Please try again later");
        String sent = message("busy at " + stage, "body");

        sendAsPrinter(List.of(RCPT), sent);
        awaitDelivered(1);

        List<ReceivedMessage> received = standIns.exchange().messages();
        assertThat(received).as("copies taken by the upstream").hasSize(1);
        assertThat(received.get(0).answered()).isTrue();
        assertThat(received.get(0).recipients()).containsExactly(RCPT);
        assertThat(Delivered.of(received.get(0).content()).rest()).isEqualTo(bytes(sent));
        assertThat(delivery().deferredCount()).isEqualTo(1);
        assertThat(delivery().possibleDuplicateCount()).isZero();
        assertThat(delivery().failedCount()).isZero();
        assertThat(queued()).isEmpty();
        assertThat(standIns.countLinesStartingWith("RCPT TO:<" + RCPT + ">")).as("one RCPT per attempt").isEqualTo(2);
    }

    @Test
    void refusedConnectionsDeferUntilTheUpstreamIsBackThenTheStoredBytesAreDelivered() throws Exception {
        startRelay();
        standIns.exchange().refuseConnections(true);
        String sent = message("upstream down", "body");

        String id = sendAsPrinter(List.of(RCPT), sent);
        until("two deferrals while the upstream refuses", () -> delivery().deferredCount() >= 2);

        assertThat(queued()).containsExactly(QueueId.parse(id));
        DeliveryState state = relay.spool().readState(QueueId.parse(id)).orElseThrow();
        assertThat(state.pending()).containsExactly(RCPT);
        assertThat(state.lastError()).startsWith("CONNECT");
        byte[] stored = stored(id);
        assertThat(standIns.exchange().messages()).isEmpty();

        standIns.exchange().refuseConnections(false);
        awaitDelivered(1);

        List<ReceivedMessage> received = standIns.exchange().messages();
        assertThat(received).hasSize(1);
        assertThat(received.get(0).content()).as("delivered bytes = stored bytes").isEqualTo(stored);
        assertThat(Delivered.of(stored).rest()).isEqualTo(bytes(sent));
        assertThat(delivery().possibleDuplicateCount()).isZero();
        assertThat(queued()).isEmpty();
        assertThat(standIns.exchange().authAttempts()).as("no AUTH while refused").isEqualTo(1);
    }

    @Test
    void connectionDroppedAfterTheFinalDotIsRetriedAndCountedAsPossibleDuplicate() throws Exception {
        startRelay();
        standIns.exchange().dropAfterFinalDot(1);
        String sent = message("dropped after dot", "body");

        String id = sendAsPrinter(List.of(RCPT), sent);
        awaitDelivered(1);

        List<ReceivedMessage> received = standIns.exchange().messages();
        assertThat(received).as("the upstream kept the first copy; the relay could not know").hasSize(2);
        assertThat(received).extracting(ReceivedMessage::answered).containsExactly(false, true);
        assertThat(received.get(0).content()).isEqualTo(received.get(1).content());
        assertThat(Delivered.of(received.get(1).content()).rest()).isEqualTo(bytes(sent));
        assertThat(delivery().possibleDuplicateCount()).isEqualTo(1);
        assertThat(delivery().deferredCount()).isEqualTo(1);
        assertThat(queued()).doesNotContain(QueueId.parse(id)).isEmpty();
    }

    @Test
    void finalDotNeverAnsweredTimesOutIsRetriedAndCountedAsPossibleDuplicate() throws Exception {
        startRelay(standIns.settings().dataTimeout("1s").render());
        standIns.exchange().neverAnswerFinalDot(true);
        String sent = message("dot never answered", "body");

        sendAsPrinter(List.of(RCPT), sent);
        until("a timed-out final dot", () -> delivery().possibleDuplicateCount() >= 1);
        assertThat(delivery().deliveredCount()).isZero();
        assertThat(queued()).hasSize(1);

        standIns.exchange().neverAnswerFinalDot(false);
        awaitDelivered(1);

        List<ReceivedMessage> received = standIns.exchange().messages();
        long unanswered = received.stream().filter(m -> !m.answered()).count();
        assertThat(received.stream().filter(ReceivedMessage::answered).count()).isEqualTo(1);
        assertThat(unanswered).as("one possible duplicate counted per unanswered copy")
                .isEqualTo(delivery().possibleDuplicateCount()).isPositive();
        assertThat(received).allSatisfy(m -> assertThat(Delivered.of(m.content()).rest()).isEqualTo(bytes(sent)));
        assertThat(queued()).isEmpty();
    }
}
