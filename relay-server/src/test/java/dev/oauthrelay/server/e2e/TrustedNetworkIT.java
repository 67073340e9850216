package dev.oauthrelay.server.e2e;

import static dev.oauthrelay.server.e2e.RelayProcess.SCANNER_MAILBOX;
import static dev.oauthrelay.server.e2e.RelayProcess.TRUSTED_CIDR;
import static dev.oauthrelay.server.e2e.RelayProcess.TRUSTED_CLIENT;
import static dev.oauthrelay.server.e2e.RelayProcess.UNTRUSTED_CLIENT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.spool.Envelope;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scan-to-email from a trusted network without AUTH, on the plain-text listener. swaks binds to
 * another loopback address ({@code --local-interface}) to play a host on or off that network.
 */
class TrustedNetworkIT {

    private static final String FIXTURE = "mfp-scan-to-email.eml";

    @TempDir
    Path dir;

    @RegisterExtension
    final RelayExtension relays = new RelayExtension();

    @Test
    void hostOnTrustedNetworkSendsWithoutAuthAsTheNetworksMailbox() {
        RelayProcess relay = relays.start(dir);

        Clients.Result swaks = Clients.swaks(
                "--server", "127.0.0.1:" + relay.port(RelayProcess.PLAIN),
                "--local-interface", TRUSTED_CLIENT,
                "--ehlo", "MFP-2F-EAST",
                "--from", "scanner@mfp.local", "--to", "jdoe@contoso.com",
                "--data", "@" + Clients.fixture(FIXTURE));

        assertThat(swaks.exitCode()).as("%s", swaks).isZero();
        assertThat(swaks.stdout())
                .doesNotContain("AUTH", "STARTTLS")
                .contains("250 2.1.0 Sender OK, will be sent as <" + SCANNER_MAILBOX + ">");
        String id = swaks.queueId();

        QueuedMessages.Copy stored = QueuedMessages.read(relay.dataDir(), id);
        // swaks ends the CRLF file's content with "\r\n.\r\n": one extra empty line (see SwaksSubmissionIT).
        // The default header repair quotes the display name and adds the missing Date and Message-ID.
        byte[] sent = (new String(Clients.fixtureBytes(FIXTURE), StandardCharsets.ISO_8859_1) + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        assertThat(new String(stored.body(), StandardCharsets.ISO_8859_1)).isEqualTo(new String(
                AddedHeaders.expectedForFixture(FIXTURE, sent, stored.body(), id, RelayProcess.HOSTNAME),
                StandardCharsets.ISO_8859_1));
        Envelope env = stored.envelope();
        assertThat(env.identityKind()).isEqualTo(Envelope.KIND_TRUSTED_NETWORK);
        assertThat(env.identity()).isEqualTo(TRUSTED_CIDR);
        assertThat(env.mailbox()).isEqualTo(SCANNER_MAILBOX);
        assertThat(env.mailFrom()).as("sender rewritten to the mailbox").isEqualTo(SCANNER_MAILBOX);
        assertThat(env.recipients()).containsExactly("jdoe@contoso.com");
        assertThat(env.clientAddress()).isEqualTo(TRUSTED_CLIENT);
        assertThat(env.heloName()).isEqualTo("MFP-2F-EAST");
        assertThat(env.tlsProtocol()).isEqualTo("none");
        assertThat(stored.receivedHeader())
                .startsWith("Received: from MFP-2F-EAST ([" + TRUSTED_CLIENT + "])\r\n")
                .contains("with ESMTP id " + id + ";")
                .doesNotContain("jdoe@contoso.com");
    }

    @Test
    void hostOutsideTrustedNetworksIsRefusedAtMailFromAndNothingIsStored() {
        RelayProcess relay = relays.start(dir);

        Clients.Result swaks = Clients.swaks(
                "--server", "127.0.0.1:" + relay.port(RelayProcess.PLAIN),
                "--local-interface", UNTRUSTED_CLIENT,
                "--from", "scanner@mfp.local", "--to", "jdoe@contoso.com",
                "--data", "@" + Clients.fixture(FIXTURE));

        // swaks exit code 23: the server refused MAIL FROM.
        assertThat(swaks.exitCode()).as("%s", swaks).isEqualTo(23);
        assertThat(swaks.stdout())
                .contains("greets [" + UNTRUSTED_CLIENT + "]")
                .contains(" -> MAIL FROM:<scanner@mfp.local>")
                .contains("530 5.7.0 Authentication required")
                .doesNotContain("RCPT TO", "DATA");
        assertThat(swaks.queueIds()).isEmpty();
        assertThat(QueuedMessages.ids(relay.dataDir())).isEmpty();
        assertThat(QueuedMessages.unfinished(relay.dataDir())).isEmpty();
    }
}
