package dev.oauthrelay.server.cli;

import dev.oauthrelay.server.admin.AdminAccessFiles;
import dev.oauthrelay.server.admin.AdminServer;
import dev.oauthrelay.server.config.AdminConfig;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The running relay's admin port as the CLI on the same host reaches it: address and port from
 * the configuration (a wildcard address is reached on loopback; port 0 is looked up in
 * {@code <data-dir>/admin.port}), the token from {@code relay.admin.token} or else from
 * {@code <data-dir>/admin.token}.
 */
final class AdminClient {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    /** The relay is not running, or not reachable over its admin port; the message says which. */
    static final class NotReachable extends Exception {
        private static final long serialVersionUID = 1L;

        NotReachable(String message) {
            super(message);
        }
    }

    record Reply(int status, String body) {
        boolean ok() {
            return status / 100 == 2;
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    private final AdminConfig config;
    private final Path dataDir;

    AdminClient(AdminConfig config, Path dataDir) {
        this.config = config;
        this.dataDir = dataDir;
    }

    /** {@code http://host:port}, or why there is none to try. */
    String baseUrl() throws NotReachable {
        if (!config.enabled()) {
            throw new NotReachable("relay.admin.enabled = false: the relay serves no admin port");
        }
        int port = config.port();
        if (port == 0) {
            OptionalInt bound;
            try {
                bound = AdminAccessFiles.readPort(dataDir);
            } catch (IOException e) {
                bound = OptionalInt.empty();
            }
            port = bound.orElseThrow(() -> new NotReachable("the relay is not running (relay.admin.port = 0 and"
                    + " there is no " + dataDir.resolve(AdminAccessFiles.PORT_FILE) + ")"));
        }
        String host = switch (config.address()) {
            case "0.0.0.0" -> "127.0.0.1";
            case "::", "::0", "0:0:0:0:0:0:0:0" -> "::1";
            default -> config.address();
        };
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    Reply send(String method, String path) throws NotReachable, IOException, InterruptedException {
        String url = baseUrl() + path;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT)
                .method(method, HttpRequest.BodyPublishers.noBody())
                .header(AdminServer.OPERATOR_HEADER, "relay queue (" + System.getProperty("user.name", "?") + ")");
        if (!method.equals("GET")) {
            token().ifPresent(t -> request.header("Authorization", "Bearer " + t));
        }
        try {
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new NotReachable("the relay is not running: nothing answers on " + baseUrl());
        }
    }

    /** The configured token, else the one the running relay generated; empty if this user cannot read it. */
    Optional<String> token() throws IOException {
        if (config.token().isPresent()) {
            return config.token();
        }
        try {
            return AdminAccessFiles.readToken(dataDir);
        } catch (AccessDeniedException e) {
            return Optional.empty();
        }
    }

    /** What to tell an operator whose change the relay refused with 401 or 403. */
    String tokenAdvice() {
        if (config.token().isPresent()) {
            return "the relay refused relay.admin.token from the configuration: is it the one the relay runs with?";
        }
        return "the relay refused the token in " + dataDir.resolve(AdminAccessFiles.TOKEN_FILE)
                + " (or there was none): run this as the relay's user, who can read it, or set relay.admin.token";
    }
}
