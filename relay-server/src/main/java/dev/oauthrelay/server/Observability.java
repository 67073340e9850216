package dev.oauthrelay.server;

import dev.oauthrelay.credentials.Credentials;
import dev.oauthrelay.observe.RelayEvents;
import dev.oauthrelay.server.admin.AdminServer;
import dev.oauthrelay.server.admin.AdminServer.Access;
import dev.oauthrelay.server.admin.AdminServer.Response;
import dev.oauthrelay.server.config.HealthConfig;
import dev.oauthrelay.server.config.ListenerConfig;
import dev.oauthrelay.server.config.RelayConfig;
import dev.oauthrelay.server.health.CheckResult;
import dev.oauthrelay.server.health.CredentialsCheck;
import dev.oauthrelay.server.health.ListenerCheck;
import dev.oauthrelay.server.health.Readiness;
import dev.oauthrelay.server.health.SpoolCheck;
import dev.oauthrelay.server.health.TokenCheck;
import dev.oauthrelay.server.health.UpstreamHealth;
import dev.oauthrelay.server.listener.SmtpServer;
import dev.oauthrelay.server.metrics.RelayMetrics;
import dev.oauthrelay.spool.Spool;
import dev.oauthrelay.server.oauth.UpstreamTokens;
import java.time.Clock;

/**
 * Metrics and readiness of one relay: observers of its events, created before the relay's parts
 * so they see every event, then {@linkplain #watch pointed at} the running parts, and served on the
 * admin port as {@code GET /metrics} and {@code GET /health/ready}.
 */
final class Observability implements AutoCloseable {

    private static final String NOT_CONFIGURED = "delivery not configured (no upstream account: relay.oauth"
            + " tenant-id and client-id unset): mail is accepted and queued, not delivered";

    private final RelayConfig config;
    private final RelayMetrics metrics;
    private final UpstreamHealth upstream;
    private Readiness checks;
    private volatile Readiness readiness;

    Observability(RelayConfig config, Clock clock) {
        this.config = config;
        this.metrics = new RelayMetrics(config.listeners().stream().map(ListenerConfig::name).toList(), clock);
        this.upstream = new UpstreamHealth(clock, health().upstreamDownAfter(),
                config.upstream().host() + ":" + config.upstream().port());
    }

    private HealthConfig health() {
        return config.admin().health();
    }

    /** The observers of the relay's events. */
    RelayEvents events() {
        return RelayEvents.safely(metrics.observer(), upstream);
    }

    /** Starts reading the spool and the token caches ({@code tokens} is null when delivery is not configured). */
    void watch(Spool spool, UpstreamTokens tokens) {
        metrics.watch(spool, tokens);
        boolean delivery = tokens != null;
        boolean required = health().readyNeedsDelivery();
        checks = new Readiness()
                .add("spool", true, new SpoolCheck(spool, config.limits().minFreeSpace()))
                .add("token", required, delivery ? new TokenCheck(tokens) : () -> CheckResult.up(NOT_CONFIGURED))
                .add("upstream", required, delivery ? upstream : () -> CheckResult.up(NOT_CONFIGURED));
    }

    /**
     * Starts reading the upstream accounts' credentials ({@link Credentials#NONE} without delivery):
     * the expiry gauge and the readiness check {@code credentials}, which is never required.
     */
    void watch(Credentials credentials) {
        metrics.watch(credentials);
        checks.add("credentials", false, new CredentialsCheck(credentials));
    }

    /** Starts reading the delivery scheduler (when delivery is configured). */
    void watch(dev.oauthrelay.delivery.DeliveryScheduler scheduler) {
        metrics.watch(scheduler);
    }

    /** Starts reading the listeners, once they are bound; then the routes may be served. */
    void watch(SmtpServer server) {
        metrics.watch(server);
        readiness = new Readiness().add("listeners", true, new ListenerCheck(server::bound)).addAll(checks);
    }

    /** The readiness checks now, as {@code GET /health/ready} and the status page report them. */
    Readiness.Report readiness() {
        return readiness.evaluate();
    }

    void addRoutes(AdminServer.Routes routes) {
        routes.add("GET", "/metrics", Access.OPEN,
                request -> Response.of(200, RelayMetrics.CONTENT_TYPE, metrics.scrape()));
        // Readiness: Kubernetes sends traffic only while this answers 200.
        routes.add("GET", "/health/ready", Access.OPEN, request -> {
            Readiness.Report report = readiness();
            return Response.of(report.up() ? 200 : 503, "application/json; charset=utf-8", report.json());
        });
    }

    @Override
    public void close() {
        metrics.close();
    }
}
