package dev.oauthrelay.server.queue;

import dev.oauthrelay.delivery.OperatorResult;
import dev.oauthrelay.delivery.QueueOperations;
import dev.oauthrelay.delivery.QueueOperations.Activity;
import dev.oauthrelay.server.admin.AdminServer.Access;
import dev.oauthrelay.server.admin.AdminServer.Request;
import dev.oauthrelay.server.admin.AdminServer.Response;
import dev.oauthrelay.server.admin.AdminServer.Routes;
import dev.oauthrelay.spool.QueueId;
import dev.oauthrelay.spool.Spool;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API's queue routes. Reading is open to whoever reaches the admin port; every change
 * needs the bearer token and is carried out by {@link QueueOperations} (the delivery scheduler),
 * which logs it with the caller.
 * <pre>
 * GET    /queue                 every message: queued, dead-lettered, damaged ({@link QueueJson#listing})
 * GET    /queue/&lt;id&gt;            one message, with its header section but not its body
 * POST   /queue/&lt;id&gt;/retry      attempt it now
 * POST   /queue/retry-all       attempt every waiting message now
 * POST   /queue/&lt;id&gt;/release    put a dead letter's failed recipients back into the queue
 * DELETE /queue/&lt;id&gt;            remove it for good (202 if it goes when the attempt in progress ends)
 * </pre>
 */
public final class QueueRoutes {

    private static final Logger log = LoggerFactory.getLogger(QueueRoutes.class);
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String JSON = "application/json; charset=utf-8";

    private final Spool spool;
    private final QueueOperations operations;
    private final Clock clock;

    private QueueRoutes(Spool spool, QueueOperations operations, Clock clock) {
        this.spool = spool;
        this.operations = operations;
        this.clock = clock;
    }

    public static void register(Routes routes, Spool spool, QueueOperations operations, Clock clock) {
        QueueRoutes q = new QueueRoutes(spool, operations, clock);
        routes.add("GET", "/queue", Access.OPEN, r -> json(200, QueueJson.listing(spool.contents(), q.activity(),
                clock.instant(), "relay")));
        routes.add("GET", "/queue/*", Access.OPEN, q::show);
        // Before the prefix route below, which would take "retry-all" for an id.
        routes.add("POST", "/queue/retry-all", Access.TOKEN,
                r -> q.change("retry", "all", operations.retryAll(by(r))));
        routes.add("POST", "/queue/*", Access.TOKEN, q::post);
        routes.add("DELETE", "/queue/*", Access.TOKEN, r -> q.withId(r.rest(),
                id -> q.change("delete", id.value(), operations.delete(id, by(r)))));
    }

    private static String by(Request r) {
        return "admin API (" + r.caller() + ")";
    }

    private Response show(Request r) throws Exception {
        return withId(r.rest(), id -> QueueJson.message(spool, id, activity(), clock.instant())
                .map(m -> json(200, m))
                .orElseGet(() -> json(404, QueueJson.result("show", id.value(), new OperatorResult(
                        OperatorResult.Outcome.NOT_FOUND, "no message " + id + " in the queue, the dead-letter"
                        + " folder or quarantine")))));
    }

    private Response post(Request r) throws Exception {
        String rest = r.rest();
        int slash = rest.indexOf('/');
        String action = slash < 0 ? "" : rest.substring(slash + 1);
        return withId(slash < 0 ? rest : rest.substring(0, slash), id -> switch (action) {
            case "retry" -> change("retry", id.value(), operations.retryNow(id, by(r)));
            case "release" -> change("release", id.value(), operations.release(id, by(r)));
            default -> Response.text(404, "not found: " + r.path() + " (POST /queue/<id>/retry or /queue/<id>/release)");
        });
    }

    @FunctionalInterface
    private interface WithId {
        Response apply(QueueId id) throws Exception;
    }

    private Response withId(String text, WithId then) throws Exception {
        QueueId id;
        try {
            id = QueueId.parse(text);
        } catch (IllegalArgumentException e) {
            return Response.text(400, e.getMessage() + " (queue ids are 16 characters, as in \"queued as <id>\")");
        }
        return then.apply(id);
    }

    private Response change(String operation, String target, CompletableFuture<OperatorResult> pending)
            throws InterruptedException {
        OperatorResult result;
        try {
            result = pending.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return Response.text(503, operation + " not done: " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            return Response.text(503, operation + " still running after " + PATIENCE.toSeconds() + "s; see the relay's log");
        }
        int status = switch (result.outcome()) {
            case DONE -> 200;
            case PENDING -> 202;
            case NOT_FOUND -> 404;
            case REFUSED -> 409;
        };
        return json(status, QueueJson.result(operation, target, result));
    }

    /** What the scheduler is doing; a listing without it (it is stopping) is still worth showing. */
    private Map<QueueId, Activity> activity() throws InterruptedException {
        try {
            return operations.activity().get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            log.debug("queue listing without activity: {}", e.toString());
            return Map.of();
        }
    }

    private static Response json(int status, Object body) {
        return Response.of(status, JSON, QueueJson.write(body));
    }
}
