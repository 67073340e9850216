package dev.oauthrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.oauthrelay.observe.RelayEvents;
import dev.oauthrelay.spool.DeliveryState;
import dev.oauthrelay.spool.Envelope;
import dev.oauthrelay.spool.QueueId;
import dev.oauthrelay.spool.SpoolWriter;
import dev.oauthrelay.testsupport.MutableClock;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Exchange Online's per-mailbox limits through the scheduler. Time is a manual clock: a held
 * message's timer is far in real time, so the test moves the clock and asks for a retry of all
 * waiting messages, and the pacer decides again.
 */
class DeliveryPacingTest extends SchedulerTestSupport {

    static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
    static final RetryPolicy RETRY = new RetryPolicy(Duration.ofMinutes(5), 2, Duration.ofHours(1), 0, Duration.ofDays(5));
    static final RemoteReply THROTTLED = new RemoteReply(432, "4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded");

    MutableClock manual;

    @BeforeEach
    void manualClock() {
        manual = new MutableClock(T0);
        clock = manual;
    }

    private void start(MailboxPacer.Limits limits) {
        start(limits, RelayEvents.NONE);
    }

    private void start(MailboxPacer.Limits limits, RelayEvents events) {
        scheduler = new DeliveryScheduler(spool, upstream, RETRY, Notifier.NONE, clock, timer, io, 4, events,
                new MailboxPacer(limits));
        spool.addCommitListener(scheduler::enqueue);
        scheduler.start(List.of());
    }

    private QueueId queueAs(String mailbox, List<String> rcpts) throws Exception {
        QueueId id = spool.newId();
        Envelope env = new Envelope(id, clock.instant(), "dev", Envelope.KIND_ACCOUNT, mailbox, mailbox, List.of(),
                rcpts, "10.0.0.5", "mfp", "TLSv1.3");
        try (SpoolWriter w = spool.begin(env)) {
            w.write(ByteBuffer.wrap("Subject: x\r\n\r\nx\r\n".getBytes(StandardCharsets.UTF_8)));
            w.commit();
        }
        return id;
    }

    private long sentAs(String mailbox) {
        return upstream.received().stream().filter(r -> r.submission().mailbox().equals(mailbox)).count();
    }

    private Map<QueueId, QueueOperations.Activity> activity() {
        return scheduler.activity().join();
    }

    @Test
    void thirtyMessagesGoInTheFirstMinuteTheThirtyFirstAfterTheWindowAndOtherMailboxesAreUnaffected() throws Exception {
        upstream.then(ScriptedUpstream.acceptAll());
        start(MailboxPacer.Limits.EXCHANGE_ONLINE);
        List<QueueId> printer = new ArrayList<>();
        for (int i = 0; i < 31; i++) {
            printer.add(queueAs("printer@contoso.com", List.of("a" + i + "@example.org")));
        }
        queueAs("scanner@contoso.com", List.of("b@example.org"));
        await().atMost(WAIT).until(() -> upstream.received().size() == 31 && spool.queued().size() == 1
                && List.copyOf(activity().values()).equals(List.of(QueueOperations.Activity.WAITING)));
        assertThat(sentAs("printer@contoso.com")).isEqualTo(30);
        assertThat(sentAs("scanner@contoso.com")).isEqualTo(1);
        QueueId held = spool.queued().get(0);
        // Waiting for the window is no failed attempt.
        assertThat(spool.readState(held).map(DeliveryState::attempts).orElse(0)).isZero();
        assertThat(scheduler.deferredCount()).isZero();

        manual.advance(Duration.ofSeconds(59));
        scheduler.retryAll("test").join();
        await().atMost(WAIT).until(() -> List.copyOf(activity().values()).equals(List.of(QueueOperations.Activity.WAITING)));
        assertThat(upstream.received()).hasSize(31);

        manual.advance(Duration.ofSeconds(1));
        scheduler.retryAll("test").join();
        await().atMost(WAIT).until(() -> spool.queued().isEmpty());
        assertThat(upstream.received()).hasSize(32);
        await().atMost(WAIT).until(() -> scheduler.deliveredCount() == 32); // counted just after the removal
    }

    @Test
    void throttleReplyPausesOnlyThatMailboxAndCostsNoAttempt() throws Exception {
        upstream.then(s -> new AttemptResult.Failed(AttemptResult.Stage.MAIL, THROTTLED, "MAIL FROM refused", false))
                .then(ScriptedUpstream.acceptAll());
        start(MailboxPacer.Limits.EXCHANGE_ONLINE);
        QueueId first = queueAs("printer@contoso.com", List.of("a@example.org"));
        await().atMost(WAIT).until(() -> spool.readState(first).map(DeliveryState::lastError).orElse("")
                .startsWith("throttled: 432 4.3.2"));
        QueueId second = queueAs("printer@contoso.com", List.of("b@example.org"));
        QueueId other = queueAs("scanner@contoso.com", List.of("c@example.org"));
        await().atMost(WAIT).until(() -> !spool.isQueued(other) && activity().size() == 2);
        assertThat(sentAs("printer@contoso.com")).isEqualTo(1); // the second was not even tried
        DeliveryState state = spool.readState(first).orElseThrow();
        assertThat(state.attempts()).isZero();
        assertThat(state.nextAttempt()).isEqualTo(T0.plusSeconds(60));
        assertThat(spool.readState(second).orElseThrow().lastError())
                .startsWith("throttled: upstream said 432 4.3.2").endsWith("mailbox paused until " + T0.plusSeconds(60));

        manual.advance(Duration.ofSeconds(60));
        scheduler.retryAll("test").join();
        await().atMost(WAIT).until(() -> spool.queued().isEmpty());
        assertThat(sentAs("printer@contoso.com")).isEqualTo(3);
        assertThat(scheduler.deferredCount()).isZero();
    }

    @Test
    void fiveHundredAndOneRecipientsGoInTwoTransactions() throws Exception {
        upstream.then(ScriptedUpstream.acceptAll());
        start(MailboxPacer.Limits.EXCHANGE_ONLINE);
        List<String> rcpts = IntStream.range(0, 501).mapToObj(i -> "r" + i + "@example.org").toList();
        queueAs("printer@contoso.com", rcpts);
        await().atMost(WAIT).until(() -> spool.queued().isEmpty());
        assertThat(upstream.received()).extracting(r -> r.submission().recipients())
                .containsExactly(rcpts.subList(0, 500), rcpts.subList(500, 501));
        await().atMost(WAIT).until(() -> scheduler.deliveredCount() == 1); // counted just after the removal
        assertThat(scheduler.deferredCount()).isZero();
    }

    @Test
    void recipientsPerDayHoldTheRestWithAStatusUntilTheNextWindow() throws Exception {
        upstream.then(ScriptedUpstream.acceptAll());
        start(new MailboxPacer.Limits(30, 3, 500, Duration.ofMinutes(1)));
        QueueId first = queueAs("printer@contoso.com", List.of("a@example.org", "b@example.org"));
        await().atMost(WAIT).until(() -> !spool.isQueued(first));
        manual.advance(Duration.ofHours(1));
        QueueId second = queueAs("printer@contoso.com", List.of("c@example.org", "d@example.org"));
        Instant nextWindow = T0.plus(Duration.ofHours(24));
        await().atMost(WAIT).until(() -> spool.readState(second).map(DeliveryState::lastError).orElse("")
                .startsWith("held:") && activity().size() == 1);
        DeliveryState held = spool.readState(second).orElseThrow();
        assertThat(held.lastError()).isEqualTo("held: mailbox recipient limit (3 per 24 h), next window at " + nextWindow);
        assertThat(held.delivered()).containsExactly("c@example.org");
        assertThat(held.pending()).containsExactly("d@example.org");
        assertThat(held.nextAttempt()).isEqualTo(nextWindow);

        manual.advance(Duration.ofHours(23));
        scheduler.retryAll("test").join();
        await().atMost(WAIT).until(() -> spool.queued().isEmpty());
        assertThat(upstream.received()).extracting(r -> r.submission().recipients())
                .containsExactly(List.of("a@example.org", "b@example.org"), List.of("c@example.org"),
                        List.of("d@example.org"));
    }

    @Test
    void aMailboxThatKeepsFailingTheSameWayIsPausedWithItsMessagesQueuedUntilRetryAll() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean granted = new java.util.concurrent.atomic.AtomicBoolean();
        upstream.then(s -> s.mailbox().equals("ceo@contoso.com") && !granted.get()
                ? new AttemptResult.Failed(AttemptResult.Stage.MAIL, new RemoteReply(550,
                        "5.7.60 SMTP; Client does not have permissions to send as this sender"), "MAIL FROM refused", false)
                : ScriptedUpstream.acceptAll().apply(s));
        List<String> paused = new java.util.concurrent.CopyOnWriteArrayList<>();
        start(MailboxPacer.Limits.EXCHANGE_ONLINE, new RelayEvents() {
            @Override
            public void mailboxPaused(String mailbox, String reason) {
                paused.add(mailbox + " " + reason);
            }
        });
        for (int i = 0; i < 3; i++) {
            QueueId id = queueAs("ceo@contoso.com", List.of("a" + i + "@example.org"));
            await().atMost(WAIT).until(() -> spool.deadLettered().contains(id));
        }
        assertThat(paused).singleElement().asString().startsWith("ceo@contoso.com paused: 550 5.7.60");
        assertThat(scheduler.pausedMailboxCount()).isEqualTo(1);
        QueueId waiting = queueAs("ceo@contoso.com", List.of("b@example.org"));
        QueueId other = queueAs("printer@contoso.com", List.of("c@example.org"));
        await().atMost(WAIT).until(() -> !spool.isQueued(other) && activity().size() == 1);
        assertThat(sentAs("ceo@contoso.com")).isEqualTo(3); // the fourth was not tried
        DeliveryState state = spool.readState(waiting).orElseThrow();
        assertThat(state.lastError()).startsWith("paused: 550 5.7.60").contains("3 times in a row", "retry --all");
        assertThat(state.attempts()).isZero();

        granted.set(true); // the administrator granted send-as
        OperatorResult r = scheduler.retryAll("test").join();
        assertThat(r.message()).endsWith("; 1 paused mailbox(es) resumed");
        await().atMost(WAIT).until(() -> spool.queued().isEmpty());
        assertThat(sentAs("ceo@contoso.com")).isEqualTo(4);
        assertThat(scheduler.pausedMailboxCount()).isZero();
    }
}
