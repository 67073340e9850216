package dev.oauthrelay.server.status;

import dev.oauthrelay.inventory.Device;
import dev.oauthrelay.server.health.Readiness;
import dev.oauthrelay.spool.QueueId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the status page shows, gathered at one moment ({@link StatusCollector}) and rendered by
 * {@link StatusPage}. Values from devices (HELO names, addresses, senders) are kept as received:
 * escaping is the renderer's job.
 *
 * @param devices the inventory, most recently seen first; empty if {@code relay.inventory.enabled = false}
 * @param moreDevices devices left out of {@code devices} to keep the page short
 * @param credentials the upstream accounts' client secrets and certificates; empty without delivery
 */
public record StatusView(Instant asOf, Health health, List<Token> tokens, Queue queue, Optional<List<Device>> devices,
                         int moreDevices, List<DeadLetter> deadLetters,
                         List<dev.oauthrelay.credentials.CredentialStatus> credentials) {

    public StatusView {
        tokens = List.copyOf(tokens);
        devices = devices.map(List::copyOf);
        deadLetters = List.copyOf(deadLetters);
        credentials = List.copyOf(credentials);
    }

    /** Without credentials to show. */
    public StatusView(Instant asOf, Health health, List<Token> tokens, Queue queue, Optional<List<Device>> devices,
                      int moreDevices, List<DeadLetter> deadLetters) {
        this(asOf, health, tokens, queue, devices, moreDevices, deadLetters, List.of());
    }

    /** The readiness checks: {@code up} when every required one is. */
    public record Health(boolean up, List<Check> checks) {
        public Health {
            checks = List.copyOf(checks);
        }

        /** The checks as {@code GET /health/ready} reports them. */
        public static Health of(Readiness.Report report) {
            return new Health(report.up(), report.checks().entrySet().stream()
                    .map(e -> new Check(e.getKey(), e.getValue().result().up(), e.getValue().required(),
                            e.getValue().result().reason()))
                    .toList());
        }
    }

    /** One readiness check and why it has its verdict. */
    public record Check(String name, boolean up, boolean required, String reason) {
    }

    /**
     * One token cache: an upstream account's, for SMTP or for Graph. No caches at all: no upstream
     * account is configured, and mail is queued, not delivered.
     *
     * @param account   the upstream account's name ("default" is relay.oauth)
     * @param use       "SMTP" or "Graph"
     * @param lastError why the last fetch failed, if none has succeeded since
     * @param signedInAs the user signed in with {@code relay login}, for an account with sign-in = user
     */
    public record Token(String account, String use, Optional<Instant> validUntil, Optional<String> lastError,
                        Optional<String> signedInAs) {
        /** A token of an app account (no signed-in user). */
        public Token(String account, String use, Optional<Instant> validUntil, Optional<String> lastError) {
            this(account, use, validUntil, lastError, Optional.empty());
        }
    }

    /**
     * The queue.
     *
     * @param queued       messages waiting for delivery
     * @param oldest       when the oldest of them arrived
     * @param scanned      how many (the oldest) had their delivery state read
     * @param deferred     how many of those wait after an attempt that did not finish them, or are
     *                     held because their mailbox is throttled or paused
     * @param deferrals    the first of them, oldest first
     * @param deadLettered messages in the dead-letter folder
     */
    public record Queue(int queued, Optional<Instant> oldest, int scanned, int deferred, List<Deferral> deferrals,
                        int deadLettered) {
        public Queue {
            deferrals = List.copyOf(deferrals);
        }
    }

    /** A queued message whose last attempt did not finish it, or that is held; {@code lastError} says why. */
    public record Deferral(QueueId id, Instant received, int attempts, Instant nextAttempt, String lastError,
                           List<String> pending, boolean possibleDuplicate) {
        public Deferral {
            pending = List.copyOf(pending);
        }
    }

    /**
     * A message that failed for good, as its dead-letter report tells.
     *
     * @param failed each failed recipient with the upstream reply that decided it
     */
    public record DeadLetter(QueueId id, Instant received, String mailbox, String mailFrom, int attempts,
                             java.util.Map<String, String> failed) {
        public DeadLetter {
            failed = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(failed));
        }
    }
}
