package dev.oauthrelay.server.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.oauthrelay.server.config.AdminConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP server. Routes are fixed at start; a route is a method, a path (or a path prefix
 * ending in {@code /*}) and whether it needs the bearer token. Handlers run on a small pool of
 * their own, never on a Netty event loop, so they may read the spool.
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    /** Request bodies are small JSON documents at most. */
    static final int MAX_BODY = 64 * 1024;

    /** Who may use a route. */
    public enum Access {
        /** Anyone who can reach the port (reading: metrics, health, status, devices). */
        OPEN,
        /** Only with {@code Authorization: Bearer <relay.admin.token>} (changing the queue). */
        TOKEN
    }

    /** A header a client may send to say which operator it acts for; it appears in the log, unverified. */
    public static final String OPERATOR_HEADER = "X-Relay-Operator";

    /**
     * @param rest    for a prefix route, the part of the path after the prefix; else empty
     * @param headers request headers, names in any case
     * @param caller  who sent it, for log lines: the client's address, and the operator it names in
     *                {@value #OPERATOR_HEADER} (if any; printable ASCII, at most 100 characters)
     */
    public record Request(String method, String path, String rest, Map<String, String> query, byte[] body,
                          Map<String, List<String>> headers, String caller) {
        public Optional<String> param(String name) {
            return Optional.ofNullable(query.get(name));
        }

        /** The first value of header {@code name}, ignoring the case of names. */
        public Optional<String> header(String name) {
            return headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name) && !h.getValue().isEmpty())
                    .map(h -> h.getValue().get(0)).findFirst();
        }
    }

    public record Response(int status, String contentType, byte[] body) {
        public static Response of(int status, String contentType, String body) {
            return new Response(status, contentType, body.getBytes(StandardCharsets.UTF_8));
        }

        public static Response json(String json) {
            return of(200, "application/json; charset=utf-8", json);
        }

        public static Response text(int status, String text) {
            return of(status, "text/plain; charset=utf-8", text.endsWith("\n") ? text : text + "\n");
        }
    }

    @FunctionalInterface
    public interface Handler {
        Response handle(Request request) throws Exception;
    }

    private record Route(String method, String path, boolean prefix, Access access, Handler handler) {
        boolean matchesPath(String p) {
            return prefix ? p.startsWith(path) : p.equals(path);
        }
    }

    /** Collects routes before the server starts. */
    public static final class Routes {
        private final List<Route> routes = new ArrayList<>();

        /** {@code path} ending in {@code /*} matches every path below it. */
        public Routes add(String method, String path, Access access, Handler handler) {
            boolean prefix = path.endsWith("/*");
            routes.add(new Route(method, prefix ? path.substring(0, path.length() - 1) : path, prefix, access, handler));
            return this;
        }
    }

    private final HttpServer server;
    private final ExecutorService pool;

    private AdminServer(HttpServer server, ExecutorService pool) {
        this.server = server;
        this.pool = pool;
    }

    public static AdminServer start(AdminConfig config, Routes routes) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(config.address(), config.port()), 50);
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "relay-admin");
            t.setDaemon(true);
            return t;
        });
        List<Route> table = List.copyOf(routes.routes);
        Optional<byte[]> token = config.token().map(t -> t.getBytes(StandardCharsets.UTF_8));
        server.createContext("/", exchange -> serve(exchange, table, token));
        server.setExecutor(pool);
        server.start();
        log.info("admin HTTP on {}:{}{}", config.address(), server.getAddress().getPort(),
                token.isPresent() ? "" : " (relay.admin.token unset: queue changes over HTTP are refused)");
        return new AdminServer(server, pool);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void serve(HttpExchange exchange, List<Route> table, Optional<byte[]> token) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            List<Route> onPath = table.stream().filter(r -> r.matchesPath(path)).toList();
            Optional<Route> route = onPath.stream()
                    .filter(r -> r.method().equals(method) || (method.equals("HEAD") && r.method().equals("GET")))
                    .findFirst();
            Response response;
            if (onPath.isEmpty()) {
                response = Response.text(404, "not found: " + path);
            } else if (route.isEmpty()) {
                exchange.getResponseHeaders().add("Allow",
                        String.join(", ", onPath.stream().map(Route::method).distinct().toList()));
                response = Response.text(405, method + " is not allowed on " + path);
            } else if (route.get().access() == Access.TOKEN && !authorized(exchange, token)) {
                response = token.isEmpty()
                        ? Response.text(403, "set relay.admin.token to allow this over HTTP")
                        : Response.text(401, "a valid \"Authorization: Bearer <relay.admin.token>\" header is required");
                if (token.isPresent()) {
                    exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer");
                }
            } else {
                response = run(route.get(), exchange, method, path);
            }
            send(exchange, method, response);
        }
    }

    private static Response run(Route route, HttpExchange exchange, String method, String path) {
        try {
            byte[] body = readBody(exchange.getRequestBody());
            if (body == null) {
                return Response.text(413, "request body larger than " + MAX_BODY + " bytes");
            }
            String rest = route.prefix() ? path.substring(route.path().length()) : "";
            return route.handler().handle(new Request(method, path, rest, query(exchange.getRequestURI().getRawQuery()),
                    body, exchange.getRequestHeaders(), caller(exchange)));
        } catch (Exception e) {
            // The operator gets a short text; the details (never a secret: handlers do not see any) go to the log.
            log.warn("admin {} {} failed", method, path, e);
            return Response.text(500, "internal error; see the relay's log");
        }
    }

    private static String caller(HttpExchange exchange) {
        String address = exchange.getRemoteAddress().getAddress().getHostAddress();
        String operator = exchange.getRequestHeaders().getFirst(OPERATOR_HEADER);
        if (operator == null || operator.isBlank()) {
            return address;
        }
        String shown = operator.strip().replaceAll("[^\\x20-\\x7E]", "?");
        return (shown.length() > 100 ? shown.substring(0, 100) + "..." : shown) + " from " + address;
    }

    private static boolean authorized(HttpExchange exchange, Optional<byte[]> token) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (token.isEmpty() || header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        // Constant time, so the response time tells nothing about how much of a guess was right.
        return MessageDigest.isEqual(token.get(), header.substring(7).strip().getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] readBody(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY + 1);
        return body.length > MAX_BODY ? null : body;
    }

    static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(key, value);
        }
        return out;
    }

    private static void send(HttpExchange exchange, String method, Response response) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", response.contentType());
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        boolean head = method.equals("HEAD");
        exchange.sendResponseHeaders(response.status(), head ? -1 : response.body().length == 0 ? -1 : response.body().length);
        if (!head && response.body().length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(response.body());
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
