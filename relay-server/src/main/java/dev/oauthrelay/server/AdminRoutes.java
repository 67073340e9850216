package dev.oauthrelay.server;

import dev.oauthrelay.server.admin.AdminServer;
import dev.oauthrelay.server.admin.AdminServer.Access;
import dev.oauthrelay.server.admin.AdminServer.Response;

/**
 * What the admin port serves for one relay: the composition of the admin pages from the relay's
 * parts. Each feature adds its routes here.
 */
final class AdminRoutes {

    private AdminRoutes() {
    }

    static AdminServer.Routes of(Relay relay) {
        AdminServer.Routes routes = new AdminServer.Routes();
        // Liveness: the process answers HTTP. Kubernetes restarts the pod when this fails.
        routes.add("GET", "/health/live", Access.OPEN, request -> Response.json("{\"status\":\"UP\"}"));
        relay.observability().addRoutes(routes); // GET /metrics, GET /health/ready
        dev.oauthrelay.server.inventory.DevicesRoute.register(routes, relay.devices());
        dev.oauthrelay.server.queue.QueueRoutes.register(routes, relay.spool(), relay.queueOperations(),
                java.time.Clock.systemUTC());
        return routes;
    }
}
