package dev.oauthrelay.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
        CompletableFuture<Void> ready = new CompletableFuture<>();
        try (Clients.Streaming demo = Clients.stream(List.of(RelayProcess.launcher().toString(), "demo",
                "--port", "0", "--tls-port", "0", "--data-dir", data.toString()), line -> {
                    if (line.strip().startsWith("STARTTLS listener")) {
                        submissionPort.complete(line.substring(line.lastIndexOf(':') + 1).strip());
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
        }
    }
}
