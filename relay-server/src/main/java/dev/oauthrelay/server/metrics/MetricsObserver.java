package dev.oauthrelay.server.metrics;

import dev.oauthrelay.observe.RelayEvents;
import dev.oauthrelay.spool.Envelope;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Turns the relay's events into counters, a gauge of open sessions and the delivery latency
 * histogram. Thread-safe and cheap: a map look-up and an atomic add per event. Addresses,
 * usernames, mailboxes and queue ids in the events are never used (see {@link Labels}).
 */
public final class MetricsObserver implements RelayEvents {

    /** Buckets of the delivery latency histogram: seconds to days (retries back off up to an hour). */
    static final Duration[] LATENCY_BUCKETS = {
        Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofMinutes(1),
        Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(4),
        Duration.ofHours(12), Duration.ofDays(1), Duration.ofDays(2), Duration.ofDays(5)};

    private final MeterRegistry registry;
    private final Clock clock;
    private final Set<String> listeners;
    private final Map<String, AtomicInteger> activeSessions = new ConcurrentHashMap<>();
    private final Counter accepted;
    private final Counter bytes;
    private final Counter authSucceeded;
    private final Counter delivered;
    private final Counter failed;
    private final Counter tokenFetched;
    private final Counter tokenFailed;
    private final Timer latency;

    /** @param listeners the configured listeners' names: the only values of the {@code listener} label */
    public MetricsObserver(MeterRegistry registry, Collection<String> listeners, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        this.listeners = Set.copyOf(listeners);
        // Registered up front, so dashboards and alerts see a 0 rather than no series.
        for (String listener : this.listeners) {
            active(listener);
            sessionsOpened(listener);
        }
        for (AuthFailure reason : AuthFailure.values()) {
            authFailures(reason);
        }
        accepted = counter("relay.smtp.in.messages.accepted", "Messages queued durably and acknowledged with 250");
        bytes = Counter.builder("relay.smtp.in.bytes").baseUnit("bytes")
                .description("Size of the messages accepted, as stored").register(registry);
        authSucceeded = counter("relay.smtp.in.auth.successes", "Successful AUTH of a device account");
        delivered = counter("relay.delivery.delivered", "Messages every recipient of which the upstream accepted");
        failed = counter("relay.delivery.failed",
                "Messages that failed for good (5xx or expired) and went to the dead-letter folder");
        tokenFetched = counter("relay.token.fetches", "Access tokens obtained from Entra ID");
        tokenFailed = counter("relay.token.fetch.failures", "Failed access token requests");
        latency = Timer.builder("relay.delivery.latency")
                .description("From acceptance (the device's 250) to delivery upstream")
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
    }

    private Counter counter(String name, String description) {
        return Counter.builder(name).description(description).register(registry);
    }

    private AtomicInteger active(String listener) {
        return activeSessions.computeIfAbsent(listener, l -> {
            AtomicInteger n = new AtomicInteger();
            Gauge.builder("relay.smtp.in.sessions.active", n, AtomicInteger::get)
                    .description("Client sessions open now").tag("listener", l).register(registry);
            return n;
        });
    }

    private Counter sessionsOpened(String listener) {
        return Counter.builder("relay.smtp.in.sessions.opened").description("Client sessions started")
                .tag("listener", listener).register(registry);
    }

    private Counter authFailures(AuthFailure reason) {
        return Counter.builder("relay.smtp.in.auth.failures").description("Failed AUTH attempts, by reason")
                .tag("reason", reason.name().toLowerCase(java.util.Locale.ROOT)).register(registry);
    }

    @Override
    public void sessionOpened(String listener, InetAddress client) {
        String l = Labels.listener(listeners, listener);
        sessionsOpened(l).increment();
        active(l).incrementAndGet();
    }

    @Override
    public void sessionClosed(String listener, InetAddress client) {
        active(Labels.listener(listeners, listener)).decrementAndGet();
    }

    @Override
    public void replied(String listener, String command, int code) {
        registry.counter("relay.smtp.in.replies", "listener", Labels.listener(listeners, listener),
                "command", Labels.command(command), "code", Labels.code(code)).increment();
    }

    @Override
    public void tlsEstablished(String listener, InetAddress client, String protocol) {
        registry.counter("relay.smtp.in.tls.handshakes", "listener", Labels.listener(listeners, listener),
                "protocol", Labels.tlsProtocol(protocol)).increment();
    }

    @Override
    public void authSucceeded(InetAddress client, String username) {
        authSucceeded.increment();
    }

    @Override
    public void authFailed(InetAddress client, String username, AuthFailure reason) {
        authFailures(reason).increment();
    }

    @Override
    public void messageReceived(Envelope envelope, long size, String messageId) {
        accepted.increment();
        bytes.increment(Math.max(0, size));
    }

    @Override
    public void messageRefused(InetAddress client, String identity, int code) {
        registry.counter("relay.smtp.in.messages.refused", "code", Labels.code(code)).increment();
    }

    @Override
    public void messageDeferred(Envelope envelope, int attempt, String reason, Duration retryIn) {
        registry.counter("relay.delivery.deferred", "reason", DeferralReason.kind(reason)).increment();
    }

    @Override
    public void messageDelivered(Envelope envelope, int attempts, String upstreamReply) {
        delivered.increment();
        Duration waited = Duration.between(envelope.receivedAt(), clock.instant());
        latency.record(waited.isNegative() ? Duration.ZERO : waited);
    }

    @Override
    public void messageFailed(Envelope envelope, int attempts, String upstreamReply) {
        failed.increment();
    }

    @Override
    public void upstreamReplied(int code) {
        registry.counter("relay.delivery.upstream.replies", "code", Labels.code(code)).increment();
    }

    @Override
    public void tokenFetched(Instant expiresAt) {
        tokenFetched.increment();
    }

    @Override
    public void tokenFetchFailed(String reason) {
        tokenFailed.increment();
    }
}
