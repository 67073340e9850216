package dev.oauthrelay.delivery;

import dev.oauthrelay.observe.RelayEvents;
import dev.oauthrelay.crash.CrashPoint;
import dev.oauthrelay.crash.CrashPoints;
import dev.oauthrelay.diagnosis.ErrorExplainer;
import dev.oauthrelay.spool.DeliveryState;
import dev.oauthrelay.spool.Envelope;
import dev.oauthrelay.spool.QueueId;
import dev.oauthrelay.spool.Spool;
import dev.oauthrelay.spool.StoredMessage;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves queued messages upstream: each attempt submits the recipients still pending, the
 * {@link OutcomeClassifier} decides per recipient, and the result is written to the spool before
 * anything else happens, so a recipient the upstream accepted is never sent again.
 *
 * <p>Scheduling decisions (what is ready, what runs, what waits) are made on the single
 * {@code timer} thread; file work runs on {@code io}; the upstream runs its own threads. At most
 * {@code maxConcurrent} attempts run at once; the upstream client limits connections per mailbox.
 *
 * <p>Operators change the queue through this class too ({@link QueueOperations}): a message an
 * attempt is reading is never deleted or moved under it; a delete waits for the attempt to end.
 */
public final class DeliveryScheduler implements QueueOperations, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeliveryScheduler.class);

    private final Spool spool;
    private final Upstream upstream;
    private final RetryPolicy retry;
    private final Notifier notifier;
    private final RelayEvents events;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final Executor io;
    private final int maxConcurrent;
    private final MailboxPacer pacer;
    private final RepeatedFailures repeatedFailures;
    private final RandomGenerator random = RandomGenerator.getDefault();

    // Owned by the timer thread.
    private final ArrayDeque<QueueId> ready = new ArrayDeque<>();
    private final Set<QueueId> queuedOrActive = new HashSet<>();
    private final Set<QueueId> active = new HashSet<>();
    private final Map<QueueId, ScheduledFuture<?>> waiting = new HashMap<>();
    /** Messages with an operator's change in progress on io: no attempt may start meanwhile. */
    private final Set<QueueId> operatorBusy = new HashSet<>();
    /**
     * Deleted by an operator during an attempt: removed when it ends (who asked, for the log).
     * Concurrent because an attempt that ends after {@link #close} removes its entry on io.
     */
    private final Map<QueueId, String> deleteWhenOver = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean closed;

    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong deferred = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong possibleDuplicates = new AtomicLong();

    public DeliveryScheduler(Spool spool, Upstream upstream, RetryPolicy retry, Notifier notifier, Clock clock,
                             ScheduledExecutorService timer, Executor io, int maxConcurrent) {
        this(spool, upstream, retry, notifier, clock, timer, io, maxConcurrent, RelayEvents.NONE);
    }

    public DeliveryScheduler(Spool spool, Upstream upstream, RetryPolicy retry, Notifier notifier, Clock clock,
                             ScheduledExecutorService timer, Executor io, int maxConcurrent, RelayEvents events) {
        this(spool, upstream, retry, notifier, clock, timer, io, maxConcurrent, events,
                new MailboxPacer(MailboxPacer.Limits.NONE));
    }

    /** With {@code pacer} keeping each mailbox within the upstream's sending limits. */
    public DeliveryScheduler(Spool spool, Upstream upstream, RetryPolicy retry, Notifier notifier, Clock clock,
                             ScheduledExecutorService timer, Executor io, int maxConcurrent, RelayEvents events,
                             MailboxPacer pacer) {
        this.pacer = pacer;
        this.repeatedFailures = new RepeatedFailures(pacer.limits().pauseAfterFailures());
        this.events = events;
        this.spool = spool;
        this.upstream = upstream;
        this.retry = retry;
        this.notifier = notifier;
        this.clock = clock;
        this.timer = timer;
        this.io = io;
        this.maxConcurrent = maxConcurrent;
    }

    /** Picks up what was queued before a restart, each at its recorded next attempt time. */
    public void start(List<QueueId> recovered) {
        io.execute(() -> {
            for (QueueId id : recovered) {
                Instant next = Instant.EPOCH;
                try {
                    next = spool.readState(id).map(DeliveryState::nextAttempt).orElse(Instant.EPOCH);
                } catch (IOException e) {
                    log.warn("cannot read delivery state of {}: {}", id, e.toString());
                }
                Duration wait = Duration.between(clock.instant(), next);
                schedule(id, wait.isNegative() ? Duration.ZERO : wait);
            }
        });
    }

    /** A new message is durable: try it now. Safe from any thread. */
    public void enqueue(QueueId id) {
        schedule(id, Duration.ZERO);
    }

    private void schedule(QueueId id, Duration delay) {
        if (closed) {
            return;
        }
        timer.execute(() -> {
            if (active.contains(id) || ready.contains(id) || operatorBusy.contains(id)) {
                return;
            }
            ScheduledFuture<?> old = waiting.remove(id);
            if (old != null) {
                old.cancel(false);
            }
            if (delay.isZero()) {
                makeReady(id);
            } else {
                waiting.put(id, timer.schedule(() -> {
                    waiting.remove(id);
                    makeReady(id);
                }, delay.toMillis(), TimeUnit.MILLISECONDS));
            }
        });
    }

    private void makeReady(QueueId id) {
        if (!operatorBusy.contains(id) && queuedOrActive.add(id)) {
            ready.add(id);
        }
        pump();
    }

    private void pump() {
        while (!closed && active.size() < maxConcurrent && !ready.isEmpty()) {
            QueueId id = ready.poll();
            active.add(id);
            io.execute(() -> attempt(id));
        }
    }

    /** Called on the timer thread when an attempt is over; {@code retryIn} is null if the message is done. */
    private void attemptOver(QueueId id, Duration retryIn) {
        active.remove(id);
        queuedOrActive.remove(id);
        String deletedBy = deleteWhenOver.remove(id);
        if (deletedBy != null) {
            operatorBusy.add(id);
            io.execute(() -> deleteAfterAttempt(id, deletedBy, () -> timer.execute(() -> operatorBusy.remove(id))));
        } else if (retryIn != null && !closed) {
            waiting.put(id, timer.schedule(() -> {
                waiting.remove(id);
                makeReady(id);
            }, retryIn.toMillis(), TimeUnit.MILLISECONDS));
        }
        pump();
    }

    private void over(QueueId id, Duration retryIn) {
        if (!closed) {
            timer.execute(() -> attemptOver(id, retryIn));
            return;
        }
        // Stopping: nothing schedules any more, but a delete the operator was promised still happens.
        String deletedBy = deleteWhenOver.remove(id);
        if (deletedBy != null) {
            deleteAfterAttempt(id, deletedBy, () -> { });
        }
    }

    /** Runs on io once the attempt that held up an operator's delete has ended. */
    private void deleteAfterAttempt(QueueId id, String by, Runnable then) {
        OperatorResult result;
        try {
            result = QueueMaintenance.delete(spool, id);
            if (result.outcome() == OperatorResult.Outcome.NOT_FOUND) {
                result = OperatorResult.done("the attempt in progress delivered " + id
                        + " to every recipient before the delete took effect: nothing left to delete");
            }
        } catch (IOException | RuntimeException e) {
            result = OperatorResult.refused("cannot delete " + id + " after the attempt in progress: " + e);
        } finally {
            then.run();
        }
        QueueMaintenance.logged("delete (after the attempt in progress)", id, by, result);
    }

    /** Runs on the io executor. */
    private void attempt(QueueId id) {
        StoredMessage message;
        DeliveryState state;
        try {
            message = spool.read(id);
            state = spool.readState(id).orElseGet(() -> DeliveryState.initial(message.envelope()));
        } catch (NoSuchFileException e) {
            over(id, null); // removed meanwhile (an operator deleted it)
            return;
        } catch (IOException e) {
            log.error("cannot read queued message {}: {}; it stays queued and is quarantined at the next start",
                    id, e.toString());
            over(id, null);
            return;
        }
        if (state.finished()) {
            finish(id, message, state);
            return;
        }
        Envelope env = message.envelope();
        MailboxPacer.Decision pace = pacer.reserve(env.mailbox(), state.pending().size(), clock.instant());
        if (pace instanceof MailboxPacer.Wait wait) {
            hold(id, env, state, wait);
            return;
        }
        // More than the upstream takes per message: this attempt sends the first chunk, the rest follow.
        List<String> pending = List.copyOf(state.pending().subList(0, ((MailboxPacer.Go) pace).recipients()));
        Submission submission = new Submission(env.mailbox(), env.mailFrom(), env.mailParameters(), pending,
                message.bodySize(), message::openBody, env.identityKind(), env.identity());
        upstream.submit(submission)
                .whenComplete((result, error) -> io.execute(() -> {
                    AttemptResult r = error == null ? result
                            : new AttemptResult.Failed(AttemptResult.Stage.CONNECTION_LOST, null, error.toString(), false);
                    record(id, message, state, pending, r);
                }));
    }

    /**
     * The mailbox is over a limit or paused: the message waits without an attempt being counted.
     * A long wait is written into the state, so the queue listing shows why. Runs on io.
     */
    private void hold(QueueId id, Envelope env, DeliveryState state, MailboxPacer.Wait wait) {
        if (wait.shown() && !wait.reason().equals(state.lastError())) {
            try {
                spool.writeState(id, new DeliveryState(state.attempts(), wait.until(), wait.reason(),
                        state.possibleDuplicate(), state.recipients(), state.releasedAt()));
            } catch (IOException e) {
                log.warn("message {}: cannot record that it is held ({})", id, e.toString());
            }
        }
        Duration delay = Duration.between(clock.instant(), wait.until());
        log.debug("held id={} mailbox={} for {}ms: {}", id, env.mailbox(), delay.toMillis(), wait.reason());
        over(id, delay.isNegative() ? Duration.ZERO : delay);
    }

    /** Applies one attempt's result to the state and writes it down. Runs on the io executor. */
    private void record(QueueId id, StoredMessage message, DeliveryState before, List<String> pending, AttemptResult result) {
        reportReplies(result);
        Instant now = clock.instant();
        RemoteReply repeated = repeatedFailures.observe(message.envelope().mailbox(), result);
        if (repeated != null) {
            pauseMailbox(message.envelope().mailbox(), repeated, now);
        }
        Map<String, RecipientOutcome> outcomes = OutcomeClassifier.classify(result, pending);
        Map<String, DeliveryState.RecipientStatus> recipients = new LinkedHashMap<>(before.recipients());
        String lastError = "";
        for (Map.Entry<String, RecipientOutcome> e : outcomes.entrySet()) {
            if (e.getValue() instanceof RecipientOutcome.Delivered d) {
                recipients.put(e.getKey(), new DeliveryState.RecipientStatus(DeliveryState.Status.DELIVERED, d.reply()));
            } else if (e.getValue() instanceof RecipientOutcome.Failed f) {
                recipients.put(e.getKey(), new DeliveryState.RecipientStatus(DeliveryState.Status.FAILED, f.reply()));
            } else if (lastError.isEmpty()) {
                lastError = ((RecipientOutcome.Deferred) e.getValue()).reason();
            }
        }
        boolean duplicate = before.possibleDuplicate();
        if (result instanceof AttemptResult.Failed f && f.afterFinalDot()) {
            // RFC 5321 section 4.1.1.4 / 6.1: without the reply we cannot know whether the upstream
            // took the message. Retrying may duplicate it; not retrying may lose it. We retry.
            duplicate = true;
            possibleDuplicates.incrementAndGet();
            log.warn("message {}: connection lost after the final dot ({}); retrying, which may deliver it twice",
                    id, f.reason());
        }
        DeliveryState after = new DeliveryState(before.attempts() + 1, now, lastError, duplicate, recipients,
                before.releasedAt());
        Envelope env = message.envelope();
        if (!after.finished() && retry.expired(after.ageCountsFrom(env), now)) {
            after = expire(after, now);
        }
        if (after.finished()) {
            finish(id, message, after);
            return;
        }
        RemoteReply throttle = MailboxPacer.throttleReply(result);
        if (throttle != null || lastError.isEmpty()) {
            // 432 4.3.2: the mailbox pauses, not the message; no chunk deferred: the next chunk is due.
            // Either way this was no failed attempt: the count and the backoff stay as they were.
            String why = throttle == null ? "" : "throttled: " + throttle;
            Instant until = throttle == null ? now : pacer.throttled(env.mailbox(), now, throttle.toString());
            after = new DeliveryState(before.attempts(), until, why, after.possibleDuplicate(), after.recipients(),
                    after.releasedAt());
            writeStateOrWarn(id, after);
            if (throttle != null) {
                log.info("throttled id={} mailbox={} pending={} mailbox paused until {}: {}", id, env.mailbox(),
                        after.pending().size(), until, throttle);
            }
            over(id, Duration.between(now, until));
            return;
        }
        deferred.incrementAndGet();
        int attempts = after.attempts();
        Duration delay = OutcomeClassifier.retryAfter(result).orElseGet(() -> retry.delayAfter(attempts, random));
        after = new DeliveryState(after.attempts(), now.plus(delay), after.lastError(), after.possibleDuplicate(),
                after.recipients(), after.releasedAt());
        writeStateOrWarn(id, after);
        log.info("deferred id={} mailbox={} attempt={} pending={} retry-in={}ms reason={}{}", id, env.mailbox(),
                after.attempts(), after.pending().size(), delay.toMillis(), lastError, ErrorExplainer.forLog(lastError));
        events.messageDeferred(env, after.attempts(), lastError, delay);
        over(id, delay);
    }

    private void writeStateOrWarn(QueueId id, DeliveryState state) {
        try {
            spool.writeState(id, state);
        } catch (IOException e) {
            log.error("message {}: cannot write delivery state ({}); delivered recipients may be sent again", id, e.toString());
        }
    }

    /** Stops hammering a mailbox that keeps failing the same way (Exchange would block it anyway). */
    private void pauseMailbox(String mailbox, RemoteReply failure, Instant now) {
        String reason = pacer.pause(mailbox, now, failure.toString());
        String diagnosis = dev.oauthrelay.diagnosis.ErrorExplainer.explain(failure.toString()).map(Object::toString)
                .orElse("no diagnosis for this reply");
        log.warn("mailbox {} {}; its messages stay queued. Diagnosis: {}", mailbox, reason, diagnosis);
        events.mailboxPaused(mailbox, reason);
    }

    /** Mailboxes paused now because they kept failing the same way. */
    public int pausedMailboxCount() {
        return pacer.pausedCount(clock.instant());
    }

    /** The upstream replies that decided this attempt, for {@link RelayEvents#upstreamReplied}. */
    private void reportReplies(AttemptResult result) {
        if (result instanceof AttemptResult.Failed f && f.reply() != null) {
            events.upstreamReplied(f.reply().code());
        } else if (result instanceof AttemptResult.Completed c) {
            c.recipientReplies().values().forEach(r -> events.upstreamReplied(r.code()));
            if (c.dataReply() != null) {
                events.upstreamReplied(c.dataReply().code());
            }
        }
    }

    private static DeliveryState expire(DeliveryState s, Instant now) {
        Map<String, DeliveryState.RecipientStatus> r = new LinkedHashMap<>(s.recipients());
        for (String pending : s.pending()) {
            r.put(pending, new DeliveryState.RecipientStatus(DeliveryState.Status.FAILED,
                    "4.4.7 message expired after " + s.attempts() + " attempts; last error: " + s.lastError()));
        }
        return new DeliveryState(s.attempts(), now, s.lastError(), s.possibleDuplicate(), r, s.releasedAt());
    }

    /** Every recipient is decided: remove the message, or dead-letter it and notify. */
    private void finish(QueueId id, StoredMessage message, DeliveryState state) {
        Envelope env = message.envelope();
        try {
            if (state.failed().isEmpty()) {
                CrashPoints.reach(CrashPoint.AFTER_UPSTREAM_ACCEPT_BEFORE_REMOVE);
                spool.remove(id);
                delivered.incrementAndGet();
                log.info("delivered id={} mailbox={} recipients={} attempts={}", id, env.mailbox(),
                        state.recipients().size(), state.attempts());
                events.messageDelivered(env, state.attempts(),
                        state.recipients().values().iterator().next().reply());
            } else {
                failed.incrementAndGet();
                String reply = state.recipients().get(state.failed().get(0)).reply();
                log.warn("failed id={} mailbox={} failed-recipients={} {}{}", id, env.mailbox(), state.failed(), reply,
                        ErrorExplainer.forLog(reply));
                events.messageFailed(env, state.attempts(), reply);
                // Out of the queue first: if anything below fails, the message is not tried again,
                // so no second notice can follow.
                spool.deadLetter(id, DeadLetterReport.render(env, state), state);
                try {
                    notifier.permanentFailure(spool.readDeadLetter(id), state);
                } catch (IOException | RuntimeException e) {
                    log.error("message {} failed and is in the dead-letter folder, but the failure notice could not"
                            + " be queued: {}", id, e.toString());
                }
            }
            over(id, null);
        } catch (IOException | RuntimeException e) {
            log.error("message {}: cannot finish ({}); will try again", id, e.toString());
            over(id, retry.delayAfter(Math.max(1, state.attempts()), random));
        }
    }

    // ---- operator requests (QueueOperations) ----

    @Override
    public CompletableFuture<OperatorResult> retryNow(QueueId id, String by) {
        return operate("retry", id, by, () -> {
            if (active.contains(id)) {
                return OperatorResult.done("an attempt to deliver " + id + " is in progress now");
            }
            if (ready.contains(id)) {
                return OperatorResult.done(id + " is due: an attempt starts as soon as a delivery slot is free");
            }
            ScheduledFuture<?> wait = waiting.remove(id);
            if (wait != null) {
                wait.cancel(false);
                makeReady(id);
                return OperatorResult.done("attempt to deliver " + id + " started");
            }
            return null; // not scheduled: look at the files
        }, () -> {
            if (spool.isQueued(id)) {
                return OperatorResult.done("attempt to deliver " + id + " started");
            }
            if (spool.isDeadLettered(id)) {
                return OperatorResult.refused(id + " is dead-lettered: release puts its failed recipients back into"
                        + " the queue");
            }
            return spool.contents(id).damaged().isEmpty() ? OperatorResult.notFound(id)
                    : OperatorResult.refused(id + " is quarantined and cannot be delivered as it is");
        }, true);
    }

    @Override
    public CompletableFuture<OperatorResult> retryAll(String by) {
        return operate("retry", "all", by, () -> {
            int inProgress = active.size();
            int resumed = pacer.resumePaused(clock.instant());
            List<QueueId> due = List.copyOf(waiting.keySet());
            due.forEach(id -> waiting.remove(id).cancel(false));
            due.forEach(this::makeReady);
            return OperatorResult.done(due.size() + " waiting message(s) due now; " + inProgress
                    + " attempt(s) were in progress already" + (resumed == 0 ? ""
                    : "; " + resumed + " paused mailbox(es) resumed"));
        }, null, false);
    }

    @Override
    public CompletableFuture<OperatorResult> delete(QueueId id, String by) {
        return operate("delete", id, by, () -> {
            if (deleteWhenOver.containsKey(id)) {
                return new OperatorResult(OperatorResult.Outcome.PENDING, id + " is already to be deleted when the"
                        + " attempt in progress ends");
            }
            if (active.contains(id)) {
                deleteWhenOver.put(id, by);
                return new OperatorResult(OperatorResult.Outcome.PENDING, "an attempt to deliver " + id
                        + " is in progress: it is deleted when the attempt ends (recipients the upstream accepts"
                        + " meanwhile have it)");
            }
            if (ready.remove(id)) {
                queuedOrActive.remove(id);
            }
            ScheduledFuture<?> wait = waiting.remove(id);
            if (wait != null) {
                wait.cancel(false);
            }
            return null;
        }, () -> QueueMaintenance.delete(spool, id), false);
    }

    @Override
    public CompletableFuture<OperatorResult> release(QueueId id, String by) {
        return operate("release", id, by, () -> {
            if (active.contains(id) || deleteWhenOver.containsKey(id)) {
                return OperatorResult.refused("an attempt to deliver " + id + " is in progress");
            }
            if (ready.contains(id) || waiting.containsKey(id)) {
                return OperatorResult.refused(id + " is queued, not dead-lettered: use retry to try it now");
            }
            return null;
        }, () -> QueueMaintenance.release(spool, id, clock.instant()), true);
    }

    @Override
    public CompletableFuture<Map<QueueId, Activity>> activity() {
        CompletableFuture<Map<QueueId, Activity>> snapshot = new CompletableFuture<>();
        onTimer(snapshot, () -> {
            Map<QueueId, Activity> m = new HashMap<>();
            waiting.keySet().forEach(id -> m.put(id, Activity.WAITING));
            ready.forEach(id -> m.put(id, Activity.DUE));
            active.forEach(id -> m.put(id, deleteWhenOver.containsKey(id) ? Activity.DELETE_PENDING
                    : Activity.ATTEMPT_IN_PROGRESS));
            operatorBusy.forEach(id -> m.put(id, Activity.OPERATOR_CHANGE));
            snapshot.complete(Map.copyOf(m));
        });
        return snapshot;
    }

    /** File work of an operator request, on io. */
    @FunctionalInterface
    private interface FileWork {
        OperatorResult run() throws IOException;
    }

    /**
     * One operator request: {@code decide} runs on the timer thread and answers, or returns null
     * to go on with {@code files} on io while no attempt may start for the message; if that is
     * done and {@code thenDeliver}, an attempt starts at once. Every request is logged.
     */
    private CompletableFuture<OperatorResult> operate(String operation, Object target, String by,
                                                      java.util.function.Supplier<OperatorResult> decide,
                                                      FileWork files, boolean thenDeliver) {
        CompletableFuture<OperatorResult> answer = new CompletableFuture<>();
        onTimer(answer, () -> {
            QueueId id = target instanceof QueueId q ? q : null;
            OperatorResult decided = id != null && operatorBusy.contains(id)
                    ? OperatorResult.refused("another operator request for " + id + " is in progress")
                    : decide.get();
            if (decided != null) {
                answer.complete(decided);
                return;
            }
            operatorBusy.add(id);
            io.execute(() -> {
                OperatorResult result;
                try {
                    result = files.run();
                } catch (IOException | RuntimeException e) {
                    log.error("queue {} {} by {} failed", operation, id, by, e);
                    result = OperatorResult.refused(operation + " of " + id + " failed (" + e
                            + "); it stays where it was, not scheduled until retried or the relay restarts");
                }
                OperatorResult done = result;
                try {
                    timer.execute(() -> {
                        operatorBusy.remove(id);
                        if (thenDeliver && done.outcome() == OperatorResult.Outcome.DONE) {
                            makeReady(id);
                        }
                        answer.complete(done);
                    });
                } catch (java.util.concurrent.RejectedExecutionException stopped) {
                    answer.complete(done); // the relay stopped meanwhile; the files are as the result says
                }
            });
        });
        return answer.whenComplete((r, e) -> {
            if (r != null) {
                QueueMaintenance.logged(operation, target, by, r);
            } else {
                log.warn("queue {} {} by {}: not done: {}", operation, target, by, e.getMessage());
            }
        });
    }

    /** Runs {@code task} on the timer thread, or completes {@code answer} if the scheduler has stopped. */
    private <T> void onTimer(CompletableFuture<T> answer, Runnable task) {
        if (closed) {
            answer.completeExceptionally(new IllegalStateException("the relay is stopping"));
            return;
        }
        try {
            timer.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            answer.completeExceptionally(new IllegalStateException("the relay is stopping"));
        }
    }

    public long deliveredCount() {
        return delivered.get();
    }

    public long deferredCount() {
        return deferred.get();
    }

    public long failedCount() {
        return failed.get();
    }

    public long possibleDuplicateCount() {
        return possibleDuplicates.get();
    }

    /** Stops scheduling; attempts in flight finish on their own and their state is written. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        timer.execute(() -> {
            waiting.values().forEach(f -> f.cancel(false));
            waiting.clear();
            ready.clear();
        });
    }
}
