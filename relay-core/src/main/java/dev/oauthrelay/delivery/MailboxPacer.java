package dev.oauthrelay.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Keeps each mailbox within Exchange Online's sending limits (exchange-online.md: 30 messages per
 * minute, 10,000 recipients per 24 hours, 500 recipients per message) and pauses a mailbox the
 * upstream throttled ({@code 432 4.3.2}). A message over a limit is not a failed attempt: it waits
 * in the queue until the mailbox's rolling window has room.
 *
 * <p>Each attempt asks {@link #reserve} before it submits; a granted reservation counts at once
 * (at the start, not at the upstream's reply), so attempts running in parallel cannot overshoot.
 * A reservation also counts when the attempt then fails: conservative, and Exchange counts some
 * refused submissions too.
 *
 * <p>State is in memory only: after a restart every mailbox starts with empty windows. Thread-safe.
 */
public final class MailboxPacer {

    static final Duration MINUTE = Duration.ofMinutes(1);
    static final Duration DAY = Duration.ofHours(24);

    /**
     * @param messagesPerMinute       messages a mailbox may submit in any rolling minute
     * @param recipientsPerDay        recipients a mailbox may submit to in any rolling 24 hours
     * @param maxRecipientsPerMessage recipients per upstream transaction; more are sent in chunks
     * @param throttleBackoff         how long a mailbox waits after {@code 432 4.3.2}
     * @param pauseAfterFailures      identical permanent failures in a row that pause a mailbox
     *                                ({@link RepeatedFailures})
     * @param pauseDuration           how long such a pause lasts, unless an operator retries all
     */
    public record Limits(int messagesPerMinute, int recipientsPerDay, int maxRecipientsPerMessage,
                         Duration throttleBackoff, int pauseAfterFailures, Duration pauseDuration) {

        /** Exchange Online's published limits, a one-minute pause after throttling, 3 failures pause for 1 h. */
        public static final Limits EXCHANGE_ONLINE = new Limits(30, 10_000, 500, Duration.ofMinutes(1), 3,
                Duration.ofHours(1));

        /** No pacing (tests and upstreams without such limits); a throttled mailbox still pauses briefly. */
        public static final Limits NONE = new Limits(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE,
                Duration.ofSeconds(1), Integer.MAX_VALUE, Duration.ofSeconds(1));

        public Limits {
            if (messagesPerMinute < 1 || recipientsPerDay < 1 || maxRecipientsPerMessage < 1 || pauseAfterFailures < 1) {
                throw new IllegalArgumentException("mailbox limits must be at least 1");
            }
            if (!positive(throttleBackoff) || !positive(pauseDuration)) {
                throw new IllegalArgumentException("throttle-backoff and pause-duration must be positive");
            }
        }

        /** These limits with other rates and sizes, and the default pause rules (tests). */
        public Limits(int messagesPerMinute, int recipientsPerDay, int maxRecipientsPerMessage, Duration throttleBackoff) {
            this(messagesPerMinute, recipientsPerDay, maxRecipientsPerMessage, throttleBackoff,
                    EXCHANGE_ONLINE.pauseAfterFailures(), EXCHANGE_ONLINE.pauseDuration());
        }

        private static boolean positive(Duration d) {
            return d != null && !d.isNegative() && !d.isZero();
        }
    }

    /** What an attempt may do now. */
    public sealed interface Decision {
    }

    /** Submit now, to at most {@code recipients} of the pending recipients (in their order). */
    public record Go(int recipients) implements Decision {
    }

    /**
     * Do not submit before {@code until}. {@code shown} if the reason belongs in the queue listing
     * (a long wait an operator should see), not just a pacing delay of seconds.
     */
    public record Wait(Instant until, String reason, boolean shown) implements Decision {
    }

    private record Sent(Instant at, int recipients) {
    }

    private static final class Window {
        final ArrayDeque<Instant> messages = new ArrayDeque<>();
        final ArrayDeque<Sent> recipients = new ArrayDeque<>();
        long recipientTotal;
        Instant pausedUntil = Instant.MIN;
        String pauseReason = "";
        /** The pause is for repeated failures: an operator's "retry all" ends it. */
        boolean operatorResumable;

        void prune(Instant now) {
            while (!messages.isEmpty() && !messages.peekFirst().plus(MINUTE).isAfter(now)) {
                messages.pollFirst();
            }
            while (!recipients.isEmpty() && !recipients.peekFirst().at().plus(DAY).isAfter(now)) {
                recipientTotal -= recipients.pollFirst().recipients();
            }
        }

        boolean idle(Instant now) {
            return messages.isEmpty() && recipients.isEmpty() && !pausedUntil.isAfter(now);
        }
    }

    private final Limits limits;
    private final Map<String, Window> windows = new HashMap<>();

    public MailboxPacer(Limits limits) {
        this.limits = limits;
    }

    public Limits limits() {
        return limits;
    }

    /** Asks to submit a message with {@code pending} recipients as {@code mailbox}; a {@link Go} counts at once. */
    public synchronized Decision reserve(String mailbox, int pending, Instant now) {
        String key = key(mailbox);
        if (windows.size() > 10_000) {
            forgetIdle(now);
        }
        Window w = windows.computeIfAbsent(key, k -> new Window());
        w.prune(now);
        if (w.pausedUntil.isAfter(now)) {
            return new Wait(w.pausedUntil, w.pauseReason, true);
        }
        if (w.messages.size() >= limits.messagesPerMinute()) {
            return new Wait(w.messages.peekFirst().plus(MINUTE), "paced: mailbox limit of "
                    + limits.messagesPerMinute() + " messages per minute", false);
        }
        long room = limits.recipientsPerDay() - w.recipientTotal;
        if (room <= 0) {
            Instant next = w.recipients.peekFirst().at().plus(DAY);
            return new Wait(next, "held: mailbox recipient limit (" + limits.recipientsPerDay()
                    + " per 24 h), next window at " + next, true);
        }
        int n = (int) Math.min(Math.max(1, pending), Math.min(limits.maxRecipientsPerMessage(), room));
        w.messages.addLast(now);
        w.recipients.addLast(new Sent(now, n));
        w.recipientTotal += n;
        return new Go(n);
    }

    /** The upstream answered {@code 432 4.3.2}: the mailbox waits; returns until when. */
    public synchronized Instant throttled(String mailbox, Instant now, String reply) {
        Window w = windows.computeIfAbsent(key(mailbox), k -> new Window());
        Instant until = now.plus(limits.throttleBackoff());
        if (until.isAfter(w.pausedUntil)) {
            w.pausedUntil = until;
            w.pauseReason = "throttled: upstream said " + reply + "; mailbox paused until " + until;
            w.operatorResumable = false;
        }
        return w.pausedUntil;
    }

    /**
     * The mailbox keeps failing the same way ({@link RepeatedFailures}): its deliveries pause for
     * the configured pause duration; returns the reason shown in the queue listing.
     */
    public synchronized String pause(String mailbox, Instant now, String failure) {
        Window w = windows.computeIfAbsent(key(mailbox), k -> new Window());
        w.pausedUntil = now.plus(limits.pauseDuration());
        w.pauseReason = "paused: " + failure + " " + limits.pauseAfterFailures() + " times in a row; until "
                + w.pausedUntil + " or relay queue retry --all";
        w.operatorResumable = true;
        return w.pauseReason;
    }

    /** An operator asked to retry everything: pauses for repeated failures end. Returns how many. */
    public synchronized int resumePaused(Instant now) {
        int n = 0;
        for (Window w : windows.values()) {
            if (w.operatorResumable && w.pausedUntil.isAfter(now)) {
                w.pausedUntil = Instant.MIN;
                w.operatorResumable = false;
                n++;
            }
        }
        return n;
    }

    /** Mailboxes paused for repeated failures now (the metric). */
    public synchronized int pausedCount(Instant now) {
        return (int) windows.values().stream().filter(w -> w.operatorResumable && w.pausedUntil.isAfter(now)).count();
    }

    /** Forgets mailboxes with nothing to remember (bounded memory for many mailboxes). */
    public synchronized void forgetIdle(Instant now) {
        windows.values().removeIf(w -> {
            w.prune(now);
            return w.idle(now);
        });
    }

    /** True if the reply is Exchange's concurrency / submission throttle, {@code 432 4.3.2}. */
    public static boolean isThrottle(RemoteReply reply) {
        return reply != null && reply.code() == 432;
    }

    /** Whether an attempt's result says the mailbox is throttled; the reply if so, else null. */
    public static RemoteReply throttleReply(AttemptResult result) {
        if (result instanceof AttemptResult.Failed f) {
            return isThrottle(f.reply()) ? f.reply() : null;
        }
        AttemptResult.Completed c = (AttemptResult.Completed) result;
        if (isThrottle(c.dataReply())) {
            return c.dataReply();
        }
        return c.recipientReplies().values().stream().filter(MailboxPacer::isThrottle).findFirst().orElse(null);
    }

    private static String key(String mailbox) {
        return mailbox.toLowerCase(Locale.ROOT);
    }
}
