package dev.oauthrelay.server.e2e;

import static dev.oauthrelay.server.e2e.RelayProcess.SCANNER_MAILBOX;
import static dev.oauthrelay.server.e2e.RelayProcess.TRUSTED_CLIENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.oauthrelay.server.standin.StandInExchange.ReceivedMessage;
import dev.oauthrelay.server.standin.StandIns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two relay instances behind one real HAProxy (round robin, PROXY protocol v2), delivering to the
 * Exchange Online stand-in. The scanner is on a trusted network that only its own address
 * (127.0.0.2) matches, so every message proves the relays saw the device's address and not the
 * balancer's. One instance is stopped half-way: new mail goes to the other, and every message
 * that got a 250 arrives upstream exactly once.
 */
class LoadBalancedPairIT {

    private static final int PER_PHASE = 6;

    @TempDir
    Path dir;

    @RegisterExtension
    final RelayExtension relays = new RelayExtension();

    private RelayProcess startRelay(String name, StandIns standIns) throws Exception {
        return relays.start(Files.createDirectories(dir.resolve(name)), "", standIns.hocon() + """
                listeners = [
                  # First: RelayProcess waits for the standard three, which are bound (and logged) after this one.
                  { name = proxied, address = "127.0.0.1", port = 0, tls = none, proxy-protocol = true }
                  { name = submission, address = "127.0.0.1", port = 0, tls = starttls }
                  { name = smtps, address = "127.0.0.1", port = 0, tls = implicit }
                  { name = plain, address = "127.0.0.1", port = 0, tls = none }
                ]
                trusted-proxies = ["127.0.0.1"]
                """);
    }

    /** Sends one scan through the balancer as the device at 127.0.0.2; returns the queue id. */
    private static String scan(HaProxy lb, int n) {
        Clients.Result swaks = Clients.swaks(
                "--server", "127.0.0.1:" + lb.port("lb"),
                "--local-interface", TRUSTED_CLIENT,
                "--ehlo", "MFP-3F",
                "--from", "scanner@mfp.local", "--to", "jdoe@contoso.com",
                "--header", "Subject: scan " + n,
                "--header", "Message-ID: <scan-" + n + "@mfp.local>",
                "--body", "page " + n);
        assertThat(swaks.exitCode()).as("%s", swaks).isZero();
        assertThat(swaks.stdout()).contains("greets [" + TRUSTED_CLIENT + "]");
        return swaks.queueId();
    }

    @Test
    void stoppingOneInstanceLosesNothingAndTheOtherTakesOver() throws Exception {
        try (StandIns standIns = StandIns.start(dir.resolve("stand-ins"))) {
            RelayProcess a = startRelay("a", standIns);
            RelayProcess b = startRelay("b", standIns);
            Map<String, Integer> sentBy = new HashMap<>(); // queue id -> scan number
            try (HaProxy lb = HaProxy.start(dir, Map.of("lb",
                    new HaProxy.Route(List.of(a.port("proxied"), b.port("proxied")), "send-proxy-v2")))) {
                for (int n = 0; n < PER_PHASE; n++) {
                    sentBy.put(scan(lb, n), n);
                }
                assertThat(a.output()).as("round robin reached instance a").contains("queued id=");
                assertThat(b.output()).as("round robin reached instance b").contains("queued id=");

                assertThat(a.stop()).as("graceful stop of instance a").isIn(0, 143);
                for (int n = PER_PHASE; n < 2 * PER_PHASE; n++) {
                    sentBy.put(scan(lb, n), n); // every connection now ends up at b
                }
            }
            assertThat(sentBy).hasSize(2 * PER_PHASE);

            // Whatever a had not delivered before it stopped is still in its spool: a restart sends it.
            a.start();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(standIns.exchange().messages()).hasSizeGreaterThanOrEqualTo(2 * PER_PHASE));
            List<String> deliveredIds = new ArrayList<>();
            for (ReceivedMessage m : standIns.exchange().messages()) {
                String content = m.contentAsString();
                String id = sentBy.keySet().stream().filter(q -> content.contains(" id " + q + ";"))
                        .findFirst().orElseThrow(() -> new AssertionError("unexpected message:\n" + content));
                deliveredIds.add(id);
                assertThat(content).as("trusted-network decision on the device's address")
                        .startsWith("Received: from MFP-3F ([" + TRUSTED_CLIENT + "])")
                        .contains("Message-ID: <scan-" + sentBy.get(id) + "@mfp.local>");
                assertThat(m.mailbox()).isEqualTo(SCANNER_MAILBOX);
            }
            assertThat(deliveredIds).as("each acknowledged message exactly once").hasSize(2 * PER_PHASE)
                    .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(sentBy.keySet());
            a.stop();
            b.stop();
        }
    }
}
