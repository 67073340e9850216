package dev.oauthrelay.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.observe.RelayEvents;
import dev.oauthrelay.observe.RelayEvents.AuthFailure;
import dev.oauthrelay.spool.Envelope;
import dev.oauthrelay.spool.QueueId;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The event counters as Prometheus shows them: names, labels from bounded sets, values. */
class MetricsObserverTest {

    private static final Instant NOW = Instant.parse("2026-11-29T08:00:00Z");

    private final RelayMetrics metrics = new RelayMetrics(List.of("submission", "smtps"),
            Clock.fixed(NOW, ZoneOffset.UTC));
    private final RelayEvents events = metrics.observer();

    @AfterEach
    void close() {
        metrics.close();
    }

    private PrometheusText scrape() {
        return PrometheusText.parse(metrics.scrape());
    }

    private static Envelope receivedAgo(Duration ago) {
        return new Envelope(QueueId.parse("0000000000000000"), NOW.minus(ago), "printer", Envelope.KIND_ACCOUNT,
                "printer@contoso.com", "printer@contoso.com", List.of(), List.of("alice@fabrikam.example"),
                "192.0.2.7", "printer", "TLSv1.3");
    }

    @Test
    void everyListenerAndAuthFailureReasonStartsAtZero() {
        PrometheusText m = scrape();
        assertThat(m.value("relay_smtp_in_sessions_active", "listener", "smtps")).isZero();
        assertThat(m.samples()).filteredOn(s -> s.name().equals("relay_smtp_in_sessions_opened_total"))
                .extracting(s -> s.labels().get("listener")).containsExactlyInAnyOrder("submission", "smtps");
        assertThat(m.samples()).filteredOn(s -> s.name().equals("relay_smtp_in_auth_failures_total"))
                .extracting(s -> s.labels().get("reason"))
                .containsExactlyInAnyOrder("bad_credentials", "locked_out", "malformed", "plaintext_refused", "error");
    }

    @Test
    void sessionsRepliesAndTlsByListener() throws Exception {
        InetAddress client = InetAddress.getByName("192.0.2.7");
        events.sessionOpened("smtps", client);
        events.sessionOpened("smtps", client);
        events.sessionClosed("smtps", client);
        events.tlsEstablished("smtps", client, "TLSv1.3");
        events.replied("smtps", "EHLO", 250);
        events.replied("smtps", "DATA-END", 250);
        events.replied("smtps", "DATA-END", 250);

        PrometheusText m = scrape();
        assertThat(m.value("relay_smtp_in_sessions_opened_total", "listener", "smtps")).isEqualTo(2);
        assertThat(m.value("relay_smtp_in_sessions_active", "listener", "smtps")).isEqualTo(1);
        assertThat(m.value("relay_smtp_in_tls_handshakes_total", "listener", "smtps", "protocol", "TLSv1.3")).isEqualTo(1);
        assertThat(m.value("relay_smtp_in_replies_total", "command", "DATA-END", "code", "250")).isEqualTo(2);
        assertThat(m.value("relay_smtp_in_replies_total", "listener", "smtps", "command", "EHLO")).isEqualTo(1);
    }

    @Test
    void valuesFromOutsideTheKnownSetsBecomeOther() throws Exception {
        InetAddress client = InetAddress.getByName("192.0.2.7");
        events.sessionOpened("not-configured", client);
        events.replied("not-configured", "mail from:<a@b>", 9999);
        events.tlsEstablished("smtps", client, "printer@contoso.com");
        events.messageRefused(client, "printer", 42);
        events.tlsEstablished(null, client, null);

        PrometheusText m = scrape();
        assertThat(m.value("relay_smtp_in_sessions_opened_total", "listener", "other")).isEqualTo(1);
        assertThat(m.value("relay_smtp_in_replies_total", "listener", "other", "command", "OTHER", "code", "other"))
                .isEqualTo(1);
        assertThat(m.value("relay_smtp_in_tls_handshakes_total", "protocol", "other")).isEqualTo(2);
        assertThat(m.value("relay_smtp_in_tls_handshakes_total", "listener", "other", "protocol", "other")).isEqualTo(1);
        assertThat(m.value("relay_smtp_in_messages_refused_total", "code", "other")).isEqualTo(1);
    }

    @Test
    void messagesDeliveryAndTokens() throws Exception {
        InetAddress client = InetAddress.getByName("192.0.2.7");
        events.authSucceeded(client, "printer");
        events.authFailed(client, "printer@contoso.com", AuthFailure.LOCKED_OUT);
        events.messageReceived(receivedAgo(Duration.ZERO), 1000, "<m@x>");
        events.messageRefused(client, "printer", 552);
        events.messageDeferred(receivedAgo(Duration.ofSeconds(10)), 1, "CONNECT: connection refused", Duration.ofMinutes(1));
        events.messageDeferred(receivedAgo(Duration.ofSeconds(10)), 2, "TOKEN: AADSTS7000222", Duration.ofMinutes(2));
        events.upstreamReplied(250);
        events.upstreamReplied(550);
        events.messageDelivered(receivedAgo(Duration.ofSeconds(3)), 1, "250 2.0.0 OK");
        events.messageDelivered(receivedAgo(Duration.ofMinutes(10)), 3, "250 2.0.0 OK");
        events.messageFailed(receivedAgo(Duration.ofMinutes(1)), 1, "550 5.7.60 not allowed");
        events.tokenFetched(NOW.plus(Duration.ofHours(1)));
        events.tokenFetchFailed("AADSTS7000215: invalid client secret");

        PrometheusText m = scrape();
        assertThat(m.value("relay_smtp_in_auth_successes_total")).isEqualTo(1);
        assertThat(m.value("relay_smtp_in_auth_failures_total", "reason", "locked_out")).isEqualTo(1);
        assertThat(m.value("relay_smtp_in_messages_accepted_total")).isEqualTo(1);
        assertThat(m.value("relay_smtp_in_bytes_total")).isEqualTo(1000);
        assertThat(m.value("relay_smtp_in_messages_refused_total", "code", "552")).isEqualTo(1);
        assertThat(m.value("relay_delivery_deferred_total", "reason", "connect")).isEqualTo(1);
        assertThat(m.value("relay_delivery_deferred_total", "reason", "token")).isEqualTo(1);
        assertThat(m.value("relay_delivery_upstream_replies_total", "code", "550")).isEqualTo(1);
        assertThat(m.value("relay_delivery_delivered_total")).isEqualTo(2);
        assertThat(m.value("relay_delivery_failed_total")).isEqualTo(1);
        assertThat(m.value("relay_delivery_latency_seconds_count")).isEqualTo(2);
        assertThat(m.value("relay_delivery_latency_seconds_sum")).isEqualTo(603);
        assertThat(m.value("relay_delivery_latency_seconds_bucket", "le", "5.0")).isEqualTo(1);
        assertThat(m.value("relay_delivery_latency_seconds_bucket", "le", "900.0")).isEqualTo(2);
        assertThat(m.value("relay_delivery_latency_seconds_bucket", "le", "+Inf")).isEqualTo(2);
        assertThat(m.value("relay_token_fetches_total")).isEqualTo(1);
        assertThat(m.value("relay_token_fetch_failures_total")).isEqualTo(1);
    }
}
