package dev.oauthrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.oauthrelay.observe.RelayEvents;
import dev.oauthrelay.spool.DeliveryState;
import dev.oauthrelay.spool.Envelope;
import dev.oauthrelay.spool.QueueId;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeliverySchedulerTest extends SchedulerTestSupport {

    static final RetryPolicy FAST = new RetryPolicy(Duration.ofMillis(20), 2, Duration.ofMillis(100), 0.2, Duration.ofDays(5));

    private Notifier notifier() {
        return new SpoolNotifier(spool, "relay.test", "relay@contoso.com", Optional.of("admin@contoso.com"), true,
                Clock.systemUTC());
    }

    private QueueId queue(String from, List<String> rcpts, String body) throws Exception {
        return queue(from, List.of("BODY=8BITMIME"), rcpts, body);
    }

    @Test
    void deliveredMessageLeavesTheQueue() throws Exception {
        upstream.then(ScriptedUpstream.acceptAll());
        startScheduler(FAST, Notifier.NONE, 4);
        QueueId id = queue("printer@contoso.com", List.of("a@example.org"), "Subject: x\r\n\r\nhello\r\n");
        await().atMost(WAIT).until(() -> spool.queued().isEmpty());
        assertThat(upstream.received()).hasSize(1);
        ScriptedUpstream.Received r = upstream.received().get(0);
        assertThat(r.submission().mailbox()).isEqualTo("printer@contoso.com");
        assertThat(r.submission().mailParameters()).containsExactly("BODY=8BITMIME");
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("Subject: x\r\n\r\nhello\r\n");
        assertThat(spool.readState(id)).isEmpty();
        assertThat(scheduler.deliveredCount()).isEqualTo(1);
    }

    @Test
    void transientFailureIsRetriedUntilDelivered() throws Exception {
        upstream.then(s -> new AttemptResult.Failed(AttemptResult.Stage.CONNECT, null, "connection refused", false))
                .then(s -> ScriptedUpstream.completed(s, r -> new RemoteReply(250, "ok"), new RemoteReply(451, "4.3.0 try later")))
                .then(ScriptedUpstream.acceptAll());
        startScheduler(FAST, Notifier.NONE, 4);
        queue("printer@contoso.com", List.of("a@example.org"), "x\r\n");
        await().atMost(WAIT).until(() -> spool.queued().isEmpty());
        assertThat(upstream.received()).hasSize(3);
        assertThat(scheduler.deferredCount()).isEqualTo(2);
        assertThat(spool.deadLettered()).isEmpty();
    }

    @Test
    void acceptedRecipientsAreNotSentAgain() throws Exception {
        upstream.then(s -> ScriptedUpstream.completed(s,
                        r -> r.startsWith("b") ? new RemoteReply(451, "4.2.0 busy") : new RemoteReply(250, "ok"),
                        new RemoteReply(250, "2.0.0 queued")))
                .then(ScriptedUpstream.acceptAll());
        startScheduler(FAST, Notifier.NONE, 4);
        queue("printer@contoso.com", List.of("a@example.org", "b@example.org", "c@example.org"), "x\r\n");
        await().atMost(WAIT).until(() -> spool.queued().isEmpty());
        assertThat(upstream.received()).extracting(r -> r.submission().recipients())
                .containsExactly(List.of("a@example.org", "b@example.org", "c@example.org"), List.of("b@example.org"));
    }

    @Test
    void permanentFailureIsDeadLetteredWithAReportAndANoticeGoesOutTheSameWay() throws Exception {
        upstream.then(s -> s.mailbox().equals("relay@contoso.com") ? ScriptedUpstream.acceptAll().apply(s)
                : new AttemptResult.Failed(AttemptResult.Stage.MAIL,
                        new RemoteReply(550, "5.7.60 SMTP; Client does not have permissions to send as this sender"),
                        "MAIL FROM refused", false));
        startScheduler(FAST, notifier(), 4);
        QueueId id = queue("ceo@contoso.com", List.of("a@example.org"), "Subject: quarterly\r\nFrom: ceo@contoso.com\r\n\r\nbody\r\n");
        await().atMost(WAIT).until(() -> spool.deadLettered().contains(id) && spool.queued().isEmpty());
        assertThat(spool.deadLetterReport(id)).contains("recipient: <a@example.org> failed: 550 5.7.60");
        // Two notices (admin and the original sender) went upstream as the notification mailbox.
        await().atMost(WAIT).until(() -> upstream.received().size() == 3);
        List<ScriptedUpstream.Received> notices = upstream.received().stream()
                .filter(r -> r.submission().mailbox().equals("relay@contoso.com")).toList();
        assertThat(notices).extracting(r -> r.submission().recipients().get(0))
                .containsExactlyInAnyOrder("admin@contoso.com", "ceo@contoso.com");
        String dsn = new String(notices.get(0).body(), StandardCharsets.UTF_8);
        assertThat(dsn).contains("Content-Type: multipart/report; report-type=delivery-status",
                "Content-Type: message/delivery-status", "Final-Recipient: rfc822; a@example.org", "Action: failed",
                "Status: 5.7.60", "Diagnostic-Code: smtp; 550 5.7.60", "Subject: quarterly", "Auto-Submitted: auto-replied");
        assertThat(notices.get(0).submission().mailFrom()).isEqualTo("relay@contoso.com");
    }

    @Test
    void nullSenderNeverGetsANoticeButTheAdminDoes() throws Exception {
        upstream.then(s -> s.mailbox().equals("relay@contoso.com") ? ScriptedUpstream.acceptAll().apply(s)
                : ScriptedUpstream.completed(s, r -> new RemoteReply(550, "5.1.1 no such user"), null));
        startScheduler(FAST, notifier(), 4);
        queue("", List.of("nobody@example.org"), "x\r\n");
        await().atMost(WAIT).until(() -> upstream.received().size() == 2);
        assertThat(upstream.received().get(1).submission().recipients()).containsExactly("admin@contoso.com");
        await().atMost(WAIT).until(() -> spool.queued().isEmpty());
    }

    @Test
    void aNoticeThatFailsDoesNotCauseAnotherNotice() throws Exception {
        upstream.then(s -> ScriptedUpstream.completed(s, r -> new RemoteReply(550, "5.1.1 no such user"), null));
        startScheduler(FAST, notifier(), 4);
        queue("printer@contoso.com", List.of("x@example.org"), "x\r\n");
        // The message, then a notice to admin and one to the sender; both notices fail: no more.
        await().atMost(WAIT).until(() -> spool.deadLettered().size() == 3);
        assertThat(upstream.received()).hasSize(3);
        assertThat(spool.queued()).isEmpty();
    }

    @Test
    void messagePastItsMaximumAgeExpiresWithANotice() throws Exception {
        RetryPolicy noPatience = new RetryPolicy(Duration.ofMillis(20), 2, Duration.ofMillis(100), 0, Duration.ZERO);
        upstream.then(s -> s.mailbox().equals("relay@contoso.com") ? ScriptedUpstream.acceptAll().apply(s)
                : new AttemptResult.Failed(AttemptResult.Stage.TOKEN, null, "AADSTS7000222 secret expired", false));
        startScheduler(noPatience, notifier(), 4);
        QueueId id = queue("printer@contoso.com", List.of("a@example.org"), "x\r\n");
        await().atMost(WAIT).until(() -> spool.deadLettered().contains(id));
        assertThat(spool.deadLetterReport(id)).contains("4.4.7 message expired after 1 attempts", "AADSTS7000222");
        await().atMost(WAIT).until(() -> upstream.received().stream().anyMatch(r -> new String(r.body(),
                StandardCharsets.UTF_8).contains("Status: 5.4.7")));
    }

    @Test
    void aRetryTimeFromTheUpstreamReplacesTheBackoffAndIsRecordedInTheState() throws Exception {
        upstream.then(s -> new AttemptResult.Failed(AttemptResult.Stage.MAIL, new RemoteReply(451, "4.7.0 throttled"),
                "429 Too Many Requests", false, Duration.ofSeconds(42)));
        List<Duration> delays = new java.util.concurrent.CopyOnWriteArrayList<>();
        RelayEvents events = new RelayEvents() {
            @Override
            public void messageDeferred(Envelope envelope, int attempt, String reason, Duration retryIn) {
                delays.add(retryIn);
            }
        };
        scheduler = new DeliveryScheduler(spool, upstream, FAST, Notifier.NONE, Clock.systemUTC(), timer, io, 4, events);
        spool.addCommitListener(scheduler::enqueue);
        scheduler.start(spool.recover().queued());
        QueueId id = queue("printer@contoso.com", List.of("a@example.org"), "x\r\n");
        await().atMost(WAIT).until(() -> !delays.isEmpty());
        assertThat(delays).containsExactly(Duration.ofSeconds(42)); // FAST alone would wait at most 24 ms
        DeliveryState state = spool.readState(id).orElseThrow();
        assertThat(state.attempts()).isEqualTo(1);
        assertThat(state.lastError()).contains("4.7.0 throttled");
        assertThat(upstream.received()).singleElement().satisfies(r -> {
            assertThat(r.submission().identityKind()).isEqualTo(Envelope.KIND_ACCOUNT);
            assertThat(r.submission().identity()).isEqualTo("printer");
        });
    }

    @Test
    void aRetryTimeOfZeroStillWaitsASecond() {
        AttemptResult now = new AttemptResult.Failed(AttemptResult.Stage.MAIL, new RemoteReply(451, "4.7.0 throttled"),
                "503", false, Duration.ZERO);
        assertThat(OutcomeClassifier.retryAfter(now)).contains(Duration.ofSeconds(1));
        assertThat(OutcomeClassifier.retryAfter(new AttemptResult.Failed(AttemptResult.Stage.CONNECT, null, "x", false)))
                .isEmpty();
    }

    @Test
    void lostConnectionAfterTheFinalDotIsRetriedAndCountedAsAPossibleDuplicate() throws Exception {
        upstream.then(s -> new AttemptResult.Failed(AttemptResult.Stage.CONNECTION_LOST, null, "reset after dot", true))
                .then(ScriptedUpstream.acceptAll());
        startScheduler(FAST, Notifier.NONE, 4);
        queue("printer@contoso.com", List.of("a@example.org"), "x\r\n");
        await().atMost(WAIT).until(() -> spool.queued().isEmpty());
        assertThat(scheduler.possibleDuplicateCount()).isEqualTo(1);
        assertThat(upstream.received()).hasSize(2);
    }

    @Test
    void stateSurvivesARestartAndOnlyPendingRecipientsAreTried() throws Exception {
        QueueId id = queue("printer@contoso.com", List.of("a@example.org", "b@example.org"), "x\r\n");
        DeliveryState state = DeliveryState.initial(spool.read(id).envelope());
        var recipients = new java.util.LinkedHashMap<>(state.recipients());
        recipients.put("a@example.org", new DeliveryState.RecipientStatus(DeliveryState.Status.DELIVERED, "250 ok"));
        spool.writeState(id, new DeliveryState(1, Clock.systemUTC().instant(), "451", false, recipients));
        upstream.then(ScriptedUpstream.acceptAll());
        startScheduler(FAST, Notifier.NONE, 4); // recover() + start(): as after a restart
        await().atMost(WAIT).until(() -> spool.queued().isEmpty());
        assertThat(upstream.received()).singleElement()
                .satisfies(r -> assertThat(r.submission().recipients()).containsExactly("b@example.org"));
    }

    @Test
    void concurrentAttemptsStayWithinTheLimit() throws Exception {
        upstream.then(ScriptedUpstream.acceptAll());
        startScheduler(FAST, Notifier.NONE, 2);
        for (int i = 0; i < 20; i++) {
            queue("printer@contoso.com", List.of("a" + i + "@example.org"), "x\r\n");
        }
        await().atMost(WAIT).until(() -> spool.queued().isEmpty());
        assertThat(upstream.received()).hasSize(20);
        assertThat(upstream.maxConcurrent()).isBetween(1, 2);
    }

    @Test
    void retryDelaysGrowAndStayWithinJitter() {
        RetryPolicy p = new RetryPolicy(Duration.ofMinutes(1), 2, Duration.ofMinutes(30), 0.2, Duration.ofDays(5));
        java.util.Random random = new java.util.Random(42);
        for (int attempt = 1; attempt <= 10; attempt++) {
            long base = Math.min(60_000L << (attempt - 1), 30 * 60_000L);
            assertThat(p.delayAfter(attempt, random).toMillis()).isBetween((long) (base * 0.8), (long) (base * 1.2));
        }
    }
}
