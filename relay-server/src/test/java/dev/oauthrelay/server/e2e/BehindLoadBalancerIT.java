package dev.oauthrelay.server.e2e;

import static dev.oauthrelay.server.e2e.RelayProcess.SCANNER_MAILBOX;
import static dev.oauthrelay.server.e2e.RelayProcess.TRUSTED_CLIENT;
import static dev.oauthrelay.server.e2e.RelayProcess.UNTRUSTED_CLIENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.oauthrelay.spool.Envelope;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay behind a real HAProxy speaking the PROXY protocol (v1 and v2), with swaks as the
 * device: the relay acts on the device's address, which it only knows from the PROXY header,
 * because every TCP connection it sees comes from HAProxy at 127.0.0.1.
 */
class BehindLoadBalancerIT {

    private static final String FIXTURE = "mfp-scan-to-email.eml";

    @TempDir
    Path dir;

    @RegisterExtension
    final RelayExtension relays = new RelayExtension();

    private RelayProcess startRelay() {
        return relays.start(dir, "", """
                listeners = [
                  # First: RelayProcess waits for the standard three, which are bound (and logged) after these.
                  { name = proxied, address = "127.0.0.1", port = 0, tls = none, proxy-protocol = true }
                  { name = proxied-smtps, address = "127.0.0.1", port = 0, tls = implicit, proxy-protocol = true }
                  { name = submission, address = "127.0.0.1", port = 0, tls = starttls }
                  { name = smtps, address = "127.0.0.1", port = 0, tls = implicit }
                  { name = plain, address = "127.0.0.1", port = 0, tls = none }
                ]
                trusted-proxies = ["127.0.0.1"]
                """);
    }

    @Test
    void devicesBehindHaProxyAreRecognisedByTheirOwnAddress() throws Exception {
        RelayProcess relay = startRelay();
        try (HaProxy lb = HaProxy.start(dir, Map.of(
                "v1", new HaProxy.Route(relay.port("proxied"), "send-proxy"),
                "v2", new HaProxy.Route(relay.port("proxied"), "send-proxy-v2"),
                "v2-smtps", new HaProxy.Route(relay.port("proxied-smtps"), "send-proxy-v2")))) {
            for (String route : new String[] {"v1", "v2", "v2-smtps"}) {
                Clients.Result swaks = Clients.swaks(
                        "--server", "127.0.0.1:" + lb.port(route),
                        "--local-interface", TRUSTED_CLIENT,
                        route.endsWith("smtps") ? "--tls-on-connect" : "--tls-optional",
                        "--ehlo", "MFP-2F-EAST",
                        "--from", "scanner@mfp.local", "--to", "jdoe@contoso.com",
                        "--data", "@" + Clients.fixture(FIXTURE));
                assertThat(swaks.exitCode()).as("%s%n%s", swaks, lb.output()).isZero();
                assertThat(swaks.stdout()).contains("greets [" + TRUSTED_CLIENT + "]");
                QueuedMessages.Copy stored = QueuedMessages.read(relay.dataDir(), swaks.queueId());
                Envelope env = stored.envelope();
                assertThat(env.clientAddress()).as(route).isEqualTo(TRUSTED_CLIENT);
                assertThat(env.mailbox()).isEqualTo(SCANNER_MAILBOX);
                assertThat(stored.receivedHeader()).startsWith("Received: from MFP-2F-EAST ([" + TRUSTED_CLIENT + "])");
            }

            // A device outside the trusted networks, through the same balancer: no free pass.
            Clients.Result untrusted = Clients.swaks(
                    "--server", "127.0.0.1:" + lb.port("v2"),
                    "--local-interface", UNTRUSTED_CLIENT,
                    "--from", "scanner@mfp.local", "--to", "jdoe@contoso.com",
                    "--data", "@" + Clients.fixture(FIXTURE));
            assertThat(untrusted.exitCode()).as("%s", untrusted).isEqualTo(23); // MAIL FROM refused
            assertThat(untrusted.stdout()).contains("greets [" + UNTRUSTED_CLIENT + "]");
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(relay.output()).contains("client=" + TRUSTED_CLIENT));
    }

    @Test
    void theProxiedListenerRefusesDirectConnections() {
        RelayProcess relay = startRelay();
        // From 127.0.0.2, which is not a trusted proxy (and sends no PROXY header either).
        Clients.Result direct = Clients.swaks(
                "--server", "127.0.0.1:" + relay.port("proxied"),
                "--local-interface", TRUSTED_CLIENT,
                "--from", "scanner@mfp.local", "--to", "jdoe@contoso.com",
                "--data", "@" + Clients.fixture(FIXTURE));
        assertThat(direct.exitCode()).as("%s", direct).isNotZero();
        assertThat(direct.stdout()).doesNotContain("<- 220");
        // The log line may still be on its way through the pipe.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(relay.output())
                .contains("client=" + TRUSTED_CLIENT + " refused: listener proxied accepts only trusted proxies"));
    }
}
