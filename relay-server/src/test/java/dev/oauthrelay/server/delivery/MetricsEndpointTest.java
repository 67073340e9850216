package dev.oauthrelay.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.server.listener.SmtpTestClient;
import dev.oauthrelay.server.listener.TestRelay;
import dev.oauthrelay.server.metrics.AdminHttp;
import dev.oauthrelay.server.metrics.PrometheusText;
import dev.oauthrelay.server.standin.StandInExchange;
import dev.oauthrelay.server.standin.StandIns;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics} on the admin port of a real relay, after real SMTP traffic and deliveries. */
class MetricsEndpointTest extends DeliveryTestSupport {

    private static final String RCPT = "alice@fabrikam.example";

    private PrometheusText metrics() {
        return AdminHttp.metrics(relay.adminPort());
    }

    @Test
    void countersMoveWithSubmissionsRefusalsAndDeliveries() throws Exception {
        startRelay(standIns.hocon() + "\nlimits.max-message-size = 2k");
        sendAsPrinter(List.of(RCPT), message("metrics one", "page one"));
        try (SmtpTestClient c = TestRelay.trustedHost(relay, "scanner")) {
            c.expect(c.sendMail(StandIns.SCANNER, List.of(RCPT), message("metrics two", "scan")), "250");
            c.command("QUIT");
        }
        try (SmtpTestClient c = TestRelay.loggedIn(relay, "printer")) {
            c.expect(c.sendMail(TestRelay.MAILBOX, List.of(RCPT), message("too big", "x".repeat(3000))), "552");
        }
        try (SmtpTestClient c = SmtpTestClient.implicitTls(relay.port("smtps"))) {
            c.expect(c.reply(), "220");
            c.expect(c.command("EHLO guesser"), "250");
            String wrong = Base64.getEncoder().encodeToString("\0printer\0guess".getBytes(StandardCharsets.UTF_8));
            c.expect(c.command("AUTH PLAIN " + wrong), "535");
        }
        awaitDelivered(2);
        eventually().until(() -> metrics().value("relay_smtp_in_sessions_active") == 0
                && metrics().value("relay_spool_queued") == 0);

        PrometheusText m = metrics();
        assertThat(m.value("relay_smtp_in_sessions_opened_total", "listener", "smtps")).isEqualTo(3);
        assertThat(m.value("relay_smtp_in_sessions_opened_total", "listener", "plain")).isEqualTo(1);
        assertThat(m.value("relay_smtp_in_tls_handshakes_total", "listener", "smtps", "protocol", "TLSv1.3")).isEqualTo(3);
        assertThat(m.value("relay_smtp_in_replies_total", "command", "DATA-END", "code", "250")).isEqualTo(2);
        assertThat(m.value("relay_smtp_in_replies_total", "listener", "plain", "command", "EHLO", "code", "250"))
                .isEqualTo(1);
        assertThat(m.value("relay_smtp_in_replies_total", "command", "AUTH", "code", "535")).isEqualTo(1);
        assertThat(m.value("relay_smtp_in_auth_successes_total")).isEqualTo(2);
        assertThat(m.value("relay_smtp_in_auth_failures_total", "reason", "bad_credentials")).isEqualTo(1);
        assertThat(m.value("relay_smtp_in_messages_accepted_total")).isEqualTo(2);
        assertThat(m.value("relay_smtp_in_messages_refused_total", "code", "552")).isEqualTo(1);
        assertThat(m.value("relay_smtp_in_bytes_total")).isGreaterThan(2 * message("metrics one", "page one").length());
        assertThat(m.value("relay_delivery_delivered_total")).isEqualTo(2);
        assertThat(m.value("relay_delivery_failed_total")).isZero();
        assertThat(m.value("relay_delivery_latency_seconds_count")).isEqualTo(2);
        assertThat(m.value("relay_delivery_latency_seconds_bucket", "le", "+Inf")).isEqualTo(2);
        assertThat(m.value("relay_delivery_upstream_replies_total", "code", "250")).isGreaterThanOrEqualTo(2);
        assertThat(m.value("relay_token_fetches_total")).isEqualTo(1);
        assertThat(m.value("relay_token_expires_in_seconds")).isPositive();
        assertThat(m.value("relay_spool_oldest_age_seconds")).isZero();
        assertThat(m.value("relay_spool_free_bytes")).isPositive();
        assertThat(m.has("relay_smtp_in_connections")).isTrue();
        // JVM, process and Netty.
        assertThat(m.value("jvm_memory_used_bytes", "area", "heap")).isPositive();
        assertThat(m.value("jvm_threads_live_threads")).isPositive();
        assertThat(m.value("jvm_classes_loaded_classes")).isPositive();
        assertThat(m.has("jvm_gc_memory_allocated_bytes_total")).isTrue();
        assertThat(m.value("process_uptime_seconds")).isPositive();
        assertThat(m.has("process_cpu_usage")).isTrue();
        assertThat(m.has("netty_allocator_memory_used")).isTrue();
        assertThat(m.has("netty_eventexecutor_tasks_pending")).isTrue();
    }


    @Test
    void deferralsByReasonAndTheQueueWhileTheUpstreamRefusesConnections() throws Exception {
        startRelay();
        standIns.exchange().refuseConnections(true);
        sendAsPrinter(List.of(RCPT), message("upstream down", "body"));
        until("two deferrals", () -> delivery().deferredCount() >= 2);
        eventually().until(() -> metrics().value("relay_spool_queued") == 1);

        PrometheusText m = metrics();
        assertThat(m.value("relay_delivery_deferred_total", "reason", "connect")).isGreaterThanOrEqualTo(2);
        assertThat(m.value("relay_spool_oldest_age_seconds")).isGreaterThanOrEqualTo(0);
        assertThat(m.value("relay_delivery_delivered_total")).isZero();

        standIns.exchange().refuseConnections(false);
        awaitDelivered(1);
        eventually().until(() -> metrics().value("relay_delivery_delivered_total") == 1
                && metrics().value("relay_spool_queued") == 0);
    }

    @Test
    void aMailboxPausedForRepeatedIdenticalFailuresShowsInTheGaugeUntilThePauseEnds() throws Exception {
        // No failure notices: they would go through the same stand-in and take one of the canned replies.
        startRelay(standIns.settings().withoutNotices().render()
                + "\ndelivery.per-mailbox { pause-after-failures = 3, pause-duration = 5s }");
        assertThat(metrics().value("relay_delivery_mailboxes_paused")).isZero();
        standIns.exchange().failNext(StandInExchange.Stage.MAIL, 3,
                "550 5.7.60 SMTP; Client does not have permissions to send as this sender");

        for (int i = 1; i <= 3; i++) {
            sendAsPrinter(List.of(RCPT), message("refused " + i, "body"));
        }
        until("three dead letters", () -> deadLettered().size() == 3);

        // The third identical 5.7.60 in a row paused the printer's mailbox.
        eventually().until(() -> metrics().value("relay_delivery_mailboxes_paused") == 1);
        assertThat(delivery().pausedMailboxCount()).isEqualTo(1);

        // The pause ends by itself after pause-duration; the gauge follows, and the mailbox sends again.
        eventually().until(() -> metrics().value("relay_delivery_mailboxes_paused") == 0);
        sendAsPrinter(List.of(RCPT), message("after the pause", "body"));
        awaitDelivered(1);
        assertThat(metrics().value("relay_delivery_mailboxes_paused")).isZero();
    }

    @Test
    void tokenFailuresAreCountedAndDeferDeliveryWithReasonToken() throws Exception {
        standIns.entra().setDown(true);
        startRelay();
        sendAsPrinter(List.of(RCPT), message("token down", "body"));
        until("a deferral for want of a token", () -> delivery().deferredCount() >= 1);

        PrometheusText m = metrics();
        assertThat(m.value("relay_token_fetch_failures_total")).isGreaterThanOrEqualTo(1);
        assertThat(m.value("relay_token_fetches_total")).isZero();
        assertThat(m.value("relay_token_expires_in_seconds")).isZero();
        assertThat(m.value("relay_delivery_deferred_total", "reason", "token")).isGreaterThanOrEqualTo(1);

        standIns.entra().setDown(false);
        awaitDelivered(1);
        eventually().until(() -> metrics().value("relay_token_fetches_total") >= 1
                && metrics().value("relay_token_expires_in_seconds") > 0);
    }
}
