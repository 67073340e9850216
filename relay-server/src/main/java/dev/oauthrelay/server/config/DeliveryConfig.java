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
 * @param tokenRetryDelay after a failed token request, the wait before the next one (doubling in
 *                       the background up to 5 minutes); deliveries meanwhile defer without asking
 * @param defaultUpstream the upstream of identities that do not choose one, and of failure notices
 * @param perMailbox     Exchange Online's sending limits each mailbox is kept within
 */
public record DeliveryConfig(int maxConcurrent, RetryPolicy retry, Optional<String> notifyMailbox,
                             Optional<String> notifyAdmin, boolean notifySender, java.time.Duration tokenRetryDelay,
                             dev.oauthrelay.policy.UpstreamChoice defaultUpstream,
                             dev.oauthrelay.delivery.MailboxPacer.Limits perMailbox) {
    public DeliveryConfig {
        Objects.requireNonNull(perMailbox, "perMailbox");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(defaultUpstream, "defaultUpstream");
    }
}
