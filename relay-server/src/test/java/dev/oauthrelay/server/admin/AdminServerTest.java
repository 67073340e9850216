package dev.oauthrelay.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.server.admin.AdminServer.Access;
import dev.oauthrelay.server.admin.AdminServer.Response;
import dev.oauthrelay.server.config.AdminConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AdminServerTest {

    private static final String TOKEN = "0123456789abcdef0123";
    private final HttpClient http = HttpClient.newHttpClient();
    private AdminServer server;

    private AdminServer start(Optional<String> token) throws Exception {
        AdminServer.Routes routes = new AdminServer.Routes()
                .add("GET", "/hello", Access.OPEN, r -> Response.json("{\"name\":\"" + r.param("name").orElse("?") + "\"}"))
                .add("GET", "/page", Access.OPEN, r -> Response.html("<!DOCTYPE html><title>t</title>"))
                .add("POST", "/queue/*", Access.TOKEN, r -> Response.text(200, "retried " + r.rest()))
                .add("GET", "/boom", Access.OPEN, r -> {
                    throw new IllegalStateException("secret detail");
                });
        server = AdminServer.start(new AdminConfig(true, "127.0.0.1", 0, token), routes);
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder at(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    }

    @Test
    void routesQueryParametersAndUnknownPathsAndMethods() throws Exception {
        start(Optional.of(TOKEN));
        HttpResponse<String> ok = send(at("/hello?name=printer%202"));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("{\"name\":\"printer 2\"}");
        assertThat(ok.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        assertThat(send(at("/nothing")).statusCode()).isEqualTo(404);
        HttpResponse<String> wrongMethod = send(at("/hello").DELETE());
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("GET");
    }

    @Test
    void htmlPagesMayLoadNothingButTheirInlineStyles() throws Exception {
        start(Optional.of(TOKEN));
        HttpResponse<String> page = send(at("/page"));
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                .startsWith("default-src 'none'; style-src 'unsafe-inline'; img-src data:;")
                .contains("frame-ancestors 'none'").doesNotContain("script-src"));
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(send(at("/hello")).headers().firstValue("Content-Security-Policy")).as("not a page").isEmpty();
    }

    @Test
    void changesNeedTheBearerToken() throws Exception {
        start(Optional.of(TOKEN));
        HttpRequest.Builder post = at("/queue/ABC123").POST(HttpRequest.BodyPublishers.noBody());
        HttpResponse<String> none = send(post);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(send(at("/queue/ABC123").POST(HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer " + TOKEN + "x")).statusCode()).isEqualTo(401);
        HttpResponse<String> ok = send(at("/queue/ABC123").POST(HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer " + TOKEN));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("retried ABC123\n");
    }

    @Test
    void withoutATokenConfiguredChangesAreRefusedOutright() throws Exception {
        start(Optional.empty());
        HttpResponse<String> r = send(at("/queue/ABC123").POST(HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer anything"));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("relay.admin.token");
    }

    @Test
    void aFailingHandlerGivesAShortErrorWithoutDetails() throws Exception {
        start(Optional.of(TOKEN));
        HttpResponse<String> r = send(at("/boom"));
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).isEqualTo("internal error; see the relay's log\n").doesNotContain("secret");
    }

    @Test
    void oversizedBodiesAreRefused() throws Exception {
        start(Optional.of(TOKEN));
        HttpResponse<String> r = send(at("/queue/X").header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[AdminServer.MAX_BODY + 1])));
        assertThat(r.statusCode()).isEqualTo(413);
    }
}
