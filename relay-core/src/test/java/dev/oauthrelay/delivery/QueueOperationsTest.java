package dev.oauthrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.oauthrelay.delivery.OperatorResult.Outcome;
import dev.oauthrelay.delivery.QueueOperations.Activity;
import dev.oauthrelay.spool.QueueId;
import dev.oauthrelay.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Operator requests through the scheduler, which owns the queue: retry now, delete (also while an
 * attempt reads the message), release of dead letters.
 */
class QueueOperationsTest extends SchedulerTestSupport {

    /** Long enough that only an operator's retry can bring a deferred message back within a test. */
    static final RetryPolicy PATIENT = new RetryPolicy(Duration.ofHours(1), 2, Duration.ofHours(2), 0, Duration.ofDays(5));
    static final RetryPolicy FAST = new RetryPolicy(Duration.ofMillis(20), 2, Duration.ofMillis(100), 0, Duration.ofHours(1));
    static final String BY = "test operator";

    static final Function<Submission, AttemptResult> DEFER =
            s -> new AttemptResult.Failed(AttemptResult.Stage.CONNECT, null, "connection refused", false);
    static final Function<Submission, AttemptResult> BOB_UNKNOWN = s -> ScriptedUpstream.completed(s,
            r -> r.startsWith("bob") ? new RemoteReply(550, "5.1.1 unknown") : new RemoteReply(250, "2.1.5 ok"),
            new RemoteReply(250, "2.0.0 queued"));

    private void startScheduler(RetryPolicy retry) throws Exception {
        startScheduler(retry, Notifier.NONE, 4);
    }

    private QueueId queue(String... rcpts) throws Exception {
        return queue("printer@contoso.com", List.of(), List.of(rcpts), "Subject: x\r\n\r\nhello\r\n");
    }

    private static <T> T get(java.util.concurrent.CompletableFuture<T> f) throws Exception {
        return f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private Map<QueueId, Activity> activity() throws Exception {
        return get(scheduler.activity());
    }

    private void awaitActivity(QueueId id, Activity expected) {
        await().atMost(WAIT).until(() -> activity().get(id) == expected);
    }

    /** An answer that waits for {@code go} before giving {@code then}'s result, and says when it started. */
    private static Function<Submission, AttemptResult> held(CountDownLatch started, CountDownLatch go,
                                                           Function<Submission, AttemptResult> then) {
        return s -> {
            started.countDown();
            try {
                go.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return then.apply(s);
        };
    }

    @Test
    void retryNowStartsAnAttemptOfAWaitingMessageAtOnce() throws Exception {
        upstream.then(DEFER).then(ScriptedUpstream.acceptAll());
        startScheduler(PATIENT);
        QueueId id = queue("a@example.org");
        awaitActivity(id, Activity.WAITING);

        OperatorResult r = get(scheduler.retryNow(id, BY));

        assertThat(r.outcome()).isEqualTo(Outcome.DONE);
        await().atMost(WAIT).until(() -> spool.queued().isEmpty());
        assertThat(upstream.received()).hasSize(2);
    }

    @Test
    void retryAllStartsEveryWaitingMessage() throws Exception {
        upstream.then(DEFER).then(DEFER).then(DEFER).then(ScriptedUpstream.acceptAll());
        startScheduler(PATIENT);
        List<QueueId> ids = List.of(queue("a@example.org"), queue("b@example.org"), queue("c@example.org"));
        await().atMost(WAIT).until(() -> activity().values().stream().filter(a -> a == Activity.WAITING).count() == 3);

        OperatorResult r = get(scheduler.retryAll(BY));

        assertThat(r).isEqualTo(new OperatorResult(Outcome.DONE, "3 waiting message(s) due now; 0 attempt(s) were in progress already"));
        await().atMost(WAIT).until(() -> spool.queued().isEmpty());
        assertThat(upstream.received()).hasSize(6);
        assertThat(ids).allSatisfy(id -> assertThat(spool.readState(id)).isEmpty());
    }

    @Test
    void retryOfADeadLetterPointsToReleaseAndOfAnUnknownIdSaysNotFound() throws Exception {
        upstream.then(BOB_UNKNOWN);
        startScheduler(PATIENT);
        QueueId id = queue("bob@example.org");
        await().atMost(WAIT).until(() -> spool.deadLettered().contains(id));

        OperatorResult dead = get(scheduler.retryNow(id, BY));
        assertThat(dead.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(dead.message()).contains("dead-lettered", "release");
        assertThat(get(scheduler.retryNow(spool.newId(), BY)).outcome()).isEqualTo(Outcome.NOT_FOUND);
        assertThat(get(scheduler.delete(spool.newId(), BY)).outcome()).isEqualTo(Outcome.NOT_FOUND);
        assertThat(get(scheduler.release(spool.newId(), BY)).outcome()).isEqualTo(Outcome.NOT_FOUND);
    }

    @Test
    void deleteOfAWaitingMessageRemovesItAndItsStateForGood() throws Exception {
        upstream.then(DEFER);
        startScheduler(PATIENT);
        QueueId id = queue("a@example.org");
        awaitActivity(id, Activity.WAITING);
        assertThat(spool.readState(id)).isPresent();

        OperatorResult r = get(scheduler.delete(id, BY));

        assertThat(r).isEqualTo(new OperatorResult(Outcome.DONE, "deleted " + id + " from the queue"));
        assertThat(spool.queued()).isEmpty();
        assertThat(spool.readState(id)).isEmpty();
        assertThat(activity()).as("no timer left to try it again").doesNotContainKey(id);
        assertThat(upstream.received()).hasSize(1);
    }

    @Test
    void deleteDuringAnAttemptWaitsUntilTheAttemptHasEndedAndTheMessageIsNotTriedAgain() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        upstream.then(held(started, go, DEFER));
        startScheduler(FAST);
        QueueId id = queue("a@example.org");
        assertThat(started.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        OperatorResult r = get(scheduler.delete(id, BY));

        assertThat(r.outcome()).isEqualTo(Outcome.PENDING);
        assertThat(r.message()).contains("in progress");
        assertThat(spool.queued()).as("never deleted under the attempt reading it").containsExactly(id);
        assertThat(activity()).containsEntry(id, Activity.DELETE_PENDING);
        assertThat(get(scheduler.delete(id, BY)).outcome()).isEqualTo(Outcome.PENDING);
        assertThat(get(scheduler.release(id, BY)).outcome()).isEqualTo(Outcome.REFUSED);

        go.countDown();

        await().atMost(WAIT).until(() -> spool.queued().isEmpty() && !activity().containsKey(id));
        assertThat(spool.readState(id)).isEmpty();
        assertThat(upstream.received()).as("deferred, but deleted instead of tried again").hasSize(1);
    }

    @Test
    void aDeleteDuringAnAttemptThatDeadLettersTheMessageRemovesTheDeadLetter() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        upstream.then(held(started, go, BOB_UNKNOWN));
        startScheduler(FAST);
        QueueId id = queue("bob@example.org");
        assertThat(started.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(get(scheduler.delete(id, BY)).outcome()).isEqualTo(Outcome.PENDING);

        go.countDown();

        await().atMost(WAIT).until(() -> !activity().containsKey(id));
        assertThat(spool.queued()).isEmpty();
        assertThat(spool.deadLettered()).isEmpty();
        assertThat(dir.resolve("spool/deadletter")).isEmptyDirectory();
    }

    @Test
    void releaseSendsOnlyTheFailedRecipientsAgain() throws Exception {
        upstream.then(BOB_UNKNOWN).then(ScriptedUpstream.acceptAll());
        startScheduler(FAST);
        QueueId id = queue("alice@example.org", "bob@example.org");
        await().atMost(WAIT).until(() -> spool.deadLettered().contains(id));

        OperatorResult r = get(scheduler.release(id, BY));

        assertThat(r.outcome()).isEqualTo(Outcome.DONE);
        assertThat(r.message()).contains("1 failed recipient(s) to try again [bob@example.org]", "1 already delivered");
        await().atMost(WAIT).until(() -> spool.queued().isEmpty() && spool.deadLettered().isEmpty());
        assertThat(upstream.received()).extracting(x -> x.submission().recipients())
                .containsExactly(List.of("alice@example.org", "bob@example.org"), List.of("bob@example.org"));
        assertThat(dir.resolve("spool/deadletter")).isEmptyDirectory();
    }

    @Test
    void aReleasedMessageGetsAFreshMaximumAge() throws Exception {
        MutableClock time = new MutableClock(Instant.parse("2026-11-29T08:00:00Z"));
        clock = time;
        upstream.then(BOB_UNKNOWN).then(DEFER);
        startScheduler(FAST); // max age: one hour
        QueueId id = queue("bob@example.org");
        await().atMost(WAIT).until(() -> spool.deadLettered().contains(id));
        time.advance(Duration.ofHours(3));

        assertThat(get(scheduler.release(id, BY)).outcome()).isEqualTo(Outcome.DONE);

        // Three hours after reception, a deferral does not expire it: its age counts from the release.
        await().atMost(WAIT).until(() -> spool.readState(id).map(s -> s.attempts() >= 1).orElse(false));
        assertThat(spool.queued()).containsExactly(id);
        assertThat(spool.deadLettered()).isEmpty();
        assertThat(spool.readState(id).orElseThrow().releasedAt()).isEqualTo(time.instant());
    }

    @Test
    void releaseOfAQueuedMessageIsRefused() throws Exception {
        upstream.then(DEFER);
        startScheduler(PATIENT);
        QueueId queued = queue("a@example.org");
        awaitActivity(queued, Activity.WAITING);

        OperatorResult r = get(scheduler.release(queued, BY));

        assertThat(r.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(r.message()).contains("queued, not dead-lettered", "retry");
        assertThat(activity()).containsEntry(queued, Activity.WAITING);
    }

    @Test
    void releaseOfADeadLetterWithoutAKeptStateIsRefusedAndLeavesItAlone() throws Exception {
        // What an older version left: the dead letter and its report, but no state.
        QueueId old = queue("alice@example.org", "bob@example.org");
        spool.deadLetter(old, "report", dev.oauthrelay.spool.DeliveryState.initial(spool.read(old).envelope()));
        java.nio.file.Files.delete(spool.deadLetterDir().resolve(old.value() + ".state"));
        startScheduler(PATIENT);

        OperatorResult r = get(scheduler.release(old, BY));

        assertThat(r.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(r.message()).contains("no delivery state was kept", old.value() + ".report");
        assertThat(spool.deadLettered()).containsExactly(old);
        assertThat(spool.queued()).isEmpty();
    }
}
