package dev.oauthrelay.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.server.standin.StandInExchange.Stage;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Exchange's {@code 432 4.3.2} through the real SMTP client: the mailbox pauses for
 * relay.delivery.per-mailbox.throttle-backoff (1s in the stand-in setup), the message is delivered
 * afterwards, and the throttle counts as no failed attempt.
 */
class ExchangeThrottleTest extends DeliveryTestSupport {

    @Test
    void a432PausesTheMailboxAndTheMessageGoesAfterwardsWithoutADeferral() throws Exception {
        startRelay();
        standIns.exchange().failNext(Stage.MAIL, 1, "432 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded");
        String sent = message("throttled", "body");

        sendAsPrinter(List.of("alice@fabrikam.example"), sent);
        awaitDelivered(1);

        assertThat(standIns.exchange().messages()).hasSize(1);
        assertThat(delivery().deferredCount()).as("a throttle is no failed attempt").isZero();
        assertThat(delivery().failedCount()).isZero();
        assertThat(queued()).isEmpty();
    }
}
