package dev.oauthrelay.server.inventory;

import dev.oauthrelay.server.admin.AdminServer;
import dev.oauthrelay.server.admin.AdminServer.Access;
import dev.oauthrelay.server.admin.AdminServer.Request;
import dev.oauthrelay.server.admin.AdminServer.Response;
import java.util.Optional;

/**
 * {@code GET /devices} on the admin port: the live inventory as {@link DevicesJson}, or as
 * {@link DevicesCsv} with {@code ?format=csv} or {@code Accept: text/csv}. Open like the other
 * read-only pages: it names addresses and accounts, never a secret.
 */
public final class DevicesRoute {

    private DevicesRoute() {
    }

    public static void register(AdminServer.Routes routes, Optional<DeviceTracking> tracking) {
        routes.add("GET", "/devices", Access.OPEN, request -> serve(request, tracking));
    }

    static Response serve(Request request, Optional<DeviceTracking> tracking) {
        if (tracking.isEmpty()) {
            return Response.text(404, "the device inventory is off (relay.inventory.enabled = false)");
        }
        String format = request.param("format").orElseGet(() -> request.header("Accept")
                .filter(accept -> accept.toLowerCase(java.util.Locale.ROOT).contains("text/csv"))
                .map(accept -> "csv").orElse("json"));
        DevicesJson.Document now = tracking.get().current();
        return switch (format) {
            case "json" -> Response.json(DevicesJson.write(now));
            case "csv" -> Response.of(200, "text/csv; charset=utf-8", DevicesCsv.write(now.devices()));
            default -> Response.text(400, "format must be json or csv");
        };
    }
}
