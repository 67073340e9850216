package dev.oauthrelay.server.metrics;

import dev.oauthrelay.delivery.DeliveryScheduler;
import dev.oauthrelay.observe.RelayEvents;
import dev.oauthrelay.server.listener.SmtpServer;
import dev.oauthrelay.spool.Spool;
import dev.oauthrelay.token.CachingTokenProvider;
import dev.oauthrelay.credentials.CredentialStatus;
import dev.oauthrelay.credentials.Credentials;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyEventExecutorMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * One relay's metrics registry: the event counters ({@link MetricsObserver}), the JVM, process and
 * Netty binders, and, once the relay runs ({@link #watch}), gauges of the spool, the connections
 * and the token. Each relay has its own registry (tests run several in one JVM).
 */
public final class RelayMetrics implements AutoCloseable {

    /** What {@link #scrape()} returns. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** Spool gauges re-read the queue directory at most this often. */
    static final Duration SPOOL_STALENESS = Duration.ofSeconds(5);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Clock clock;
    private final MetricsObserver observer;
    /** Listens to GC notifications from {@link #watch} until {@link #close}. */
    private JvmGcMetrics gc;
    /** The credential expiry gauges, set anew at each scrape; null until {@link #watch(Credentials)}. */
    private MultiGauge credentialGauges;
    private Credentials credentials;

    public RelayMetrics(Collection<String> listeners, Clock clock) {
        this.clock = clock;
        this.observer = new MetricsObserver(registry, listeners, clock);
    }

    /** Counts the relay's events; add it to the relay's observers. */
    public RelayEvents observer() {
        return observer;
    }

    /**
     * Binds the JVM, process and Netty allocator meters and the gauges of the spool and the token
     * caches ({@code tokens} is null when delivery is not configured), one per upstream account and
     * use (labels {@code upstream_account} and {@code use}: smtp or graph; both bounded by the configuration).
     */
    public synchronized void watch(Spool spool, dev.oauthrelay.server.oauth.UpstreamTokens tokens) {
        new JvmMemoryMetrics().bindTo(registry);
        gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        // Netty 4.2 allocates from the adaptive allocator by default; it and the pooled one report their use.
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider allocator) {
            new NettyAllocatorMetrics(allocator).bindTo(registry);
        }
        new SpoolGauges(spool, clock, SPOOL_STALENESS).bindTo(registry);
        if (tokens != null) {
            for (var account : tokens.accounts()) {
                tokenGauge(account.account().name(), "smtp", account.smtp());
                account.graph().ifPresent(graph -> tokenGauge(account.account().name(), "graph", graph));
            }
        }
    }

    private void tokenGauge(String account, String use, CachingTokenProvider cache) {
        Gauge.builder("relay.token.expires.in", cache, this::secondsLeft).baseUnit("seconds")
                .description("Seconds until the cached access token expires (0: no valid token)")
                .tag("upstream_account", account).tag("use", use)
                .register(registry);
    }

    /**
     * Gauges of the upstream accounts' credentials: seconds until each client secret or certificate
     * expires (0 once expired; none while the expiry is unknown), labels {@code upstream_account}
     * and {@code credential} (client-secret, certificate), both bounded by the configuration.
     */
    public synchronized void watch(Credentials credentials) {
        this.credentials = credentials;
        this.credentialGauges = MultiGauge.builder("relay.credential.expires.in").baseUnit("seconds")
                .description("Seconds until an upstream account's client secret or certificate expires"
                        + " (0: expired; absent while unknown)")
                .register(registry);
    }

    /** Gauges of delivery: mailboxes paused because they kept failing the same way. */
    public void watch(DeliveryScheduler scheduler) {
        Gauge.builder("relay.delivery.mailboxes.paused", scheduler, DeliveryScheduler::pausedMailboxCount)
                .description("Mailboxes whose deliveries are paused after identical permanent failures in a row"
                        + " (relay.delivery.per-mailbox.pause-after-failures)")
                .register(registry);
    }

    /** Gauges of the listeners: connections open and the event loops' pending tasks. */
    public void watch(SmtpServer server) {
        Gauge.builder("relay.smtp.in.connections", server.limiter(), l -> l.open())
                .description("Client connections open now, all listeners (relay.limits.max-connections)")
                .register(registry);
        new NettyEventExecutorMetrics(server.eventLoops()).bindTo(registry);
    }

    private double secondsLeft(CachingTokenProvider tokens) {
        Instant now = clock.instant();
        return tokens.validUntil().map(t -> Math.max(0, Duration.between(now, t).toMillis() / 1000.0)).orElse(0.0);
    }

    /** The Prometheus text exposition format ({@value #CONTENT_TYPE}). */
    public String scrape() {
        refreshCredentialGauges();
        return registry.scrape();
    }

    /** A credential's expiry can become known (Entra ID refuses it) or pass at any time: rows are set per scrape. */
    private synchronized void refreshCredentialGauges() {
        if (credentialGauges == null) {
            return;
        }
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (CredentialStatus s : credentials.statuses()) {
            s.secondsLeft().ifPresent(seconds -> rows.add(MultiGauge.Row.of(
                    Tags.of("upstream_account", s.account(), "credential", s.kind().label()), seconds)));
        }
        credentialGauges.register(rows, true);
    }

    @Override
    public synchronized void close() {
        if (gc != null) {
            gc.close();
            gc = null;
        }
        registry.close();
    }
}
