package dev.oauthrelay.server.admin;

import dev.oauthrelay.server.queue.QueueJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Requests to a relay's admin port on loopback, for tests; JSON bodies parsed with {@link QueueJson#parse}. */
public final class AdminHttp {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final int port;
    private final Optional<String> token;

    public AdminHttp(int port, Optional<String> token) {
        this.port = port;
        this.token = token;
    }

    /** A response with its body as text. */
    public record Reply(int status, String body) {
        @SuppressWarnings("unchecked")
        public Map<String, Object> json() {
            return (Map<String, Object>) QueueJson.parse(body);
        }

        /** The {@code messages} of a {@code GET /queue} answer. */
        @SuppressWarnings("unchecked")
        public List<Map<String, Object>> messages() {
            return (List<Map<String, Object>>) json().get("messages");
        }

        /** The listed message with this id; fails if there is none. */
        public Map<String, Object> message(String id) {
            return messages().stream().filter(m -> id.equals(m.get("id"))).findFirst()
                    .orElseThrow(() -> new AssertionError("no message " + id + " in " + body));
        }
    }

    public Reply get(String path) {
        return send("GET", path);
    }

    public Reply post(String path) {
        return send("POST", path);
    }

    public Reply delete(String path) {
        return send("DELETE", path);
    }

    /** With the token this client was given, if any. */
    public Reply send(String method, String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .header(AdminServer.OPERATOR_HEADER, "test-operator");
        token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
