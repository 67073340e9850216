package dev.oauthrelay.server.status;

import dev.oauthrelay.server.Relay;
import dev.oauthrelay.server.admin.AdminServer;
import dev.oauthrelay.server.admin.AdminServer.Access;
import dev.oauthrelay.server.admin.AdminServer.Response;
import dev.oauthrelay.server.health.Readiness;
import dev.oauthrelay.server.status.StatusView.Health;
import java.util.function.Supplier;

/**
 * {@code GET /} and {@code GET /status} on the admin port: the {@link StatusPage}, gathered afresh
 * for each request. Open like the other read-only pages: it names devices, addresses and
 * mailboxes, never a secret or a token (see README, "Status page").
 */
public final class StatusRoute {

    private StatusRoute() {
    }

    /** @param readiness the relay's readiness checks, the ones {@code GET /health/ready} reports */
    public static void register(AdminServer.Routes routes, Relay relay, Supplier<Readiness.Report> readiness) {
        register(routes, StatusCollector.of(relay, () -> Health.of(readiness.get())));
    }

    public static void register(AdminServer.Routes routes, StatusCollector collector) {
        AdminServer.Handler page = request -> Response.html(StatusPage.render(collector.collect()));
        routes.add("GET", "/", Access.OPEN, page);
        routes.add("GET", "/status", Access.OPEN, page);
    }
}
