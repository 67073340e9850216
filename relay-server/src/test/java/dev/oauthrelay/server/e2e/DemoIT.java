package dev.oauthrelay.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.oauthrelay.server.metrics.AdminHttp;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command: the demo sends itself a message through the whole path, and more can follow. */
class DemoIT {

    @TempDir
    Path dir;

    @Test
    void demoDeliversItsOwnMessageAndOneFromSwaksThroughTheStandIns() throws Exception {
        Path data = dir.resolve("demo-data");
        CompletableFuture<String> submissionPort = new CompletableFuture<>();
        CompletableFuture<URI> readyUrl = new CompletableFuture<>();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        try (Clients.Streaming demo = Clients.stream(List.of(RelayProcess.launcher().toString(), "demo",
                "--port", "0", "--tls-port", "0", "--admin-port", "0", "--data-dir", data.toString()), line -> {
                    if (line.strip().startsWith("STARTTLS listener")) {
                        submissionPort.complete(line.substring(line.lastIndexOf(':') + 1).strip());
                    }
                    if (line.strip().startsWith("metrics and health")) {
                        readyUrl.complete(URI.create(line.substring(line.lastIndexOf(' ') + 1)));
                    }
                    if (line.startsWith("Delivered messages appear")) {
                        ready.complete(null);
                    }
                })) {
            ready.get(90, TimeUnit.SECONDS);
            Path delivered = data.resolve("delivered");
            assertThat(delivered.resolve("1.eml")).exists();
            assertThat(Files.readString(delivered.resolve("1.eml"))).contains("Subject: Hello from the OAuth SMTP Relay demo");

            String port = submissionPort.get(1, TimeUnit.SECONDS);
            Clients.Result swaks = Clients.swaks("--server", "127.0.0.1:" + port, "--tls", "--auth", "LOGIN",
                    "--auth-user", "demo", "--auth-password", "demo-password",
                    "--from", "demo@example.com", "--to", "someone@example.com", "--header", "Subject: from swaks");
            assertThat(swaks.exitCode()).as("%s", swaks).isZero();
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(delivered.resolve("2.eml")));
            assertThat(Files.readString(delivered.resolve("2.eml"))).contains("Subject: from swaks");

            // The demo is ready, and its metrics count both messages.
            URI health = readyUrl.get(1, TimeUnit.SECONDS);
            assertThat(health.getPath()).isEqualTo("/health/ready");
            HttpResponse<String> answer = AdminHttp.get(health.getPort(), health.getPath());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.body()).startsWith("{\"status\":\"UP\"");
            await().atMost(Duration.ofSeconds(30)).until(() -> AdminHttp.metrics(health.getPort())
                    .value("relay_delivery_delivered_total") == 2);
        }
    }
}
