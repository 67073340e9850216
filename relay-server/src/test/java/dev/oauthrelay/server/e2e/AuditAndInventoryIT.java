package dev.oauthrelay.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.oauthrelay.inventory.Device;
import dev.oauthrelay.server.inventory.DevicesFile;
import dev.oauthrelay.server.inventory.DevicesJson;
import dev.oauthrelay.server.logging.LogLines;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay as a process with {@code RELAY_LOG_FORMAT=json} (as a system property here, since
 * the test clears RELAY_ variables): every log line is JSON and the audit log names each message;
 * {@code relay devices} lists the device that sent it while the relay runs and after it stopped.
 */
class AuditAndInventoryIT {

    @TempDir
    Path dir;

    @RegisterExtension
    final RelayExtension relays = new RelayExtension();

    private List<String> devicesCommand(RelayProcess relay, String format, int expectedLines) {
        Clients.Result r = Clients.run(List.of(RelayProcess.launcher().toString(), "devices", "--config",
                relay.configFile().toString(), "--format", format), null);
        assertThat(r.exitCode()).as("%s", r).isZero();
        List<String> lines = r.stdout().lines().toList();
        assertThat(lines).as("%s", r).hasSize(expectedLines);
        return lines;
    }

    @Test
    void jsonLogsAuditTheMessageAndTheDevicesCommandListsItsSender() throws Exception {
        RelayProcess relay = relays.start(dir, "-DRELAY_LOG_FORMAT=json", "inventory.save-interval = 1s");
        int mark = relay.outputLength();
        Clients.Result sent = Clients.swaks("--server", "127.0.0.1:" + relay.port(RelayProcess.SUBMISSION),
                "--tls", "--auth", "LOGIN", "--auth-user", RelayProcess.USER, "--auth-password", RelayProcess.PASSWORD,
                "--ehlo", "mfp-4th-floor", "--from", RelayProcess.MAILBOX, "--to", "someone@example.org");
        assertThat(sent.exitCode()).as("%s", sent).isZero();
        String id = sent.queueId();

        await().atMost(Duration.ofSeconds(60)).until(() -> DevicesFile.read(DevicesFile.in(relay.dataDir()))
                .map(d -> d.devices().stream().anyMatch(x -> x.messages() == 1)).orElse(false));
        DevicesJson.Document running = DevicesJson.read(String.join("\n", devicesCommand(relay, "json", 1)));
        Device printer = running.devices().get(0);
        assertThat(printer.address()).isEqualTo("127.0.0.1");
        assertThat(printer.accounts()).containsExactly(RelayProcess.USER);
        assertThat(printer.heloNames()).containsExactly("mfp-4th-floor");
        assertThat(printer.senders()).containsExactly(RelayProcess.MAILBOX);
        assertThat(printer.tlsProtocols()).singleElement().asString().startsWith("TLSv1.");

        relay.stop();
        assertThat(devicesCommand(relay, "table", 3).get(1)).startsWith("127.0.0.1").contains(RelayProcess.USER,
                "mfp-4th-floor", RelayProcess.MAILBOX);
        assertThat(devicesCommand(relay, "csv", 2).get(0)).startsWith("address,firstSeen,lastSeen,accounts,");

        List<String> logLines = relay.outputSince(mark).lines().filter(l -> l.startsWith("[err] "))
                .map(l -> l.substring("[err] ".length())).toList();
        assertThat(logLines).isNotEmpty();
        List<Map<String, Object>> json = logLines.stream().map(LogLines::json).toList();
        Optional<Map<String, Object>> received = json.stream()
                .filter(l -> "audit".equals(l.get("logger")) && "received".equals(l.get("message"))).findFirst();
        assertThat(received).hasValueSatisfying(r -> assertThat(r).containsEntry("id", id)
                .containsEntry("identity", RelayProcess.USER).containsEntry("helo", "mfp-4th-floor")
                .containsEntry("client", "127.0.0.1").containsEntry("to", List.of("someone@example.org"))
                .containsKeys("time", "message-id", "size", "tls"));
    }
}
