package dev.oauthrelay.server.status;

import dev.oauthrelay.server.Relay;
import dev.oauthrelay.server.admin.AdminServer;
import dev.oauthrelay.server.admin.AdminServer.Access;
import dev.oauthrelay.server.admin.AdminServer.Response;
import dev.oauthrelay.server.status.StatusView.Health;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code GET /} and {@code GET /status} on the admin port: the {@link StatusPage}, gathered afresh
 * for each request. Open like the other read-only pages: it names devices, addresses and
 * mailboxes, never a secret or a token (see README, "Status page").
 */
public final class StatusRoute {

    /** For a relay without readiness checks: the health section says so. */
    public static final Supplier<Health> NO_CHECKS = () -> new Health(true, List.of());

    private StatusRoute() {
    }

    /** @param health the relay's readiness checks, the ones {@code GET /health/ready} reports */
    public static void register(AdminServer.Routes routes, Relay relay, Supplier<Health> health) {
        register(routes, StatusCollector.of(relay, health));
    }

    public static void register(AdminServer.Routes routes, StatusCollector collector) {
        AdminServer.Handler page = request -> Response.html(StatusPage.render(collector.collect()));
        routes.add("GET", "/", Access.OPEN, page);
        routes.add("GET", "/status", Access.OPEN, page);
    }
}
