package dev.oauthrelay.server.config;

import dev.oauthrelay.delivery.RetryPolicy;
import java.util.Objects;
import java.util.Optional;

/**
 * Delivery settings ({@code relay.delivery}).
 *
 * @param maxConcurrent  attempts running at once
 * @param retry          backoff schedule and maximum age
 * @param notifyMailbox  the mailbox failure notices are sent as; none: no notices
 * @param notifyAdmin    where every failure notice goes
 * @param notifySender   whether the message's own sender is notified too
 */
public record DeliveryConfig(int maxConcurrent, RetryPolicy retry, Optional<String> notifyMailbox,
                             Optional<String> notifyAdmin, boolean notifySender) {
    public DeliveryConfig {
        Objects.requireNonNull(retry, "retry");
    }
}
