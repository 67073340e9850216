package dev.oauthrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.delivery.OperatorResult.Outcome;
import dev.oauthrelay.spool.DeliveryState;
import dev.oauthrelay.spool.QueueId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A relay that does not deliver: delete and release act on the files at once, retry is refused. */
class SpoolOnlyOperationsTest extends SchedulerTestSupport {

    @Test
    void deleteAndReleaseWorkOnTheFilesAndRetryIsRefused() throws Exception {
        QueueOperations ops = QueueOperations.withoutDelivery(spool, clock);
        QueueId queued = queue("printer@contoso.com", List.of(), List.of("a@example.org"), "x\r\n");
        QueueId dead = queue("printer@contoso.com", List.of(), List.of("b@example.org"), "y\r\n");
        DeliveryState failed = new DeliveryState(1, clock.instant(), "", false,
                Map.of("b@example.org", new DeliveryState.RecipientStatus(DeliveryState.Status.FAILED, "550 5.1.1 no")));
        spool.deadLetter(dead, "report", failed);

        OperatorResult retry = ops.retryNow(queued, "test").get();
        assertThat(retry.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(retry.message()).contains("relay.oauth");
        assertThat(ops.delete(queued, "test").get().outcome()).isEqualTo(Outcome.DONE);
        assertThat(ops.release(dead, "test").get().outcome()).isEqualTo(Outcome.DONE);

        assertThat(spool.queued()).containsExactly(dead);
        assertThat(spool.readState(dead)).hasValueSatisfying(s -> assertThat(s.pending()).containsExactly("b@example.org"));
        assertThat(spool.deadLettered()).isEmpty();
        assertThat(ops.delete(queued, "test").get().outcome()).isEqualTo(Outcome.NOT_FOUND);
        assertThat(ops.activity().get()).isEmpty();
    }
}
