package dev.oauthrelay.server.e2e;

import static dev.oauthrelay.server.e2e.RelayProcess.MAILBOX;
import static dev.oauthrelay.server.e2e.RelayProcess.PASSWORD;
import static dev.oauthrelay.server.e2e.RelayProcess.USER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.spool.Envelope;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Every {@code 250 ... queued as <id>} is a promise: it survives SIGKILL right after it was given. */
class DurabilityIT {

    private static final int MESSAGES = 60;
    private static final int CONNECTIONS = 4;
    private static final String RCPT = "archive@contoso.com";

    @TempDir
    Path dir;

    @RegisterExtension
    final RelayExtension relays = new RelayExtension();

    @Test
    void everyAcknowledgedMessageSurvivesSigkillAndRestart() throws Exception {
        RelayProcess relay = relays.start(dir);
        Path sent = Files.createDirectory(dir.resolve("sent"));
        Map<Integer, String> acknowledged = new ConcurrentHashMap<>();
        AtomicBoolean killed = new AtomicBoolean();

        Clients.Result batch;
        try (Clients.Streaming python = Clients.stream(Clients.pythonCommand("send_batch.py",
                String.valueOf(relay.port(RelayProcess.SUBMISSION)), USER, PASSWORD, MAILBOX, RCPT,
                String.valueOf(MESSAGES), String.valueOf(CONNECTIONS), sent.toString()), line -> {
                    String[] f = line.split(" ");
                    if (f.length == 3 && f[0].equals("ACK")) {
                        acknowledged.put(Integer.parseInt(f[1]), f[2]);
                        // On the output thread, the moment the last 250 has been read: no grace period.
                        if (acknowledged.size() == MESSAGES && killed.compareAndSet(false, true)) {
                            relay.kill();
                        }
                    }
                })) {
            batch = python.await();
        }
        assertThat(batch.exitCode()).as("%s", batch).isZero();
        assertThat(killed).as("relay killed after the last acknowledgement%n%s", batch).isTrue();
        assertThat(acknowledged).hasSize(MESSAGES);
        assertThat(relay.isAlive()).isFalse();

        relay.restart();

        assertThat(relay.output()).contains(
                "Spool recovered: " + MESSAGES + " queued, 0 unfinished temp files removed, 0 quarantined");
        assertThat(QueuedMessages.quarantined(relay.dataDir())).isEmpty();
        assertThat(QueuedMessages.unfinished(relay.dataDir())).isEmpty();
        assertThat(QueuedMessages.ids(relay.dataDir())).containsExactlyInAnyOrderElementsOf(acknowledged.values());
        for (Map.Entry<Integer, String> ack : acknowledged.entrySet()) {
            // read() validates length and CRC32C; the body must be exactly what the client sent,
            // plus the Date the default header repair adds (the batch messages have none).
            QueuedMessages.Copy stored = QueuedMessages.read(relay.dataDir(), ack.getValue());
            byte[] expected = AddedHeaders.expected(Files.readAllBytes(sent.resolve(ack.getKey() + ".eml")),
                    stored.body(), ack.getValue(), RelayProcess.HOSTNAME, true, false);
            assertThat(new String(stored.body(), StandardCharsets.ISO_8859_1))
                    .as("message %d (%s)", ack.getKey(), ack.getValue())
                    .isEqualTo(new String(expected, StandardCharsets.ISO_8859_1));
            Envelope env = stored.envelope();
            assertThat(env.identity()).isEqualTo(USER);
            assertThat(env.mailFrom()).isEqualTo(MAILBOX);
            assertThat(env.recipients()).containsExactly(RCPT);
        }

        // And a graceful stop after the restart: SIGTERM runs the shutdown hook to the end.
        relay.stop();
        assertThat(relay.output()).contains("relay stopped");
    }
}
