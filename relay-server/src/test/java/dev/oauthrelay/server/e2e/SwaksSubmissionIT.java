package dev.oauthrelay.server.e2e;

import static dev.oauthrelay.server.e2e.RelayProcess.MAILBOX;
import static dev.oauthrelay.server.e2e.RelayProcess.PASSWORD;
import static dev.oauthrelay.server.e2e.RelayProcess.USER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.spool.Envelope;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** swaks, as a device with a password would send: AUTH LOGIN / PLAIN over STARTTLS and implicit TLS. */
class SwaksSubmissionIT {

    private static final String FIXTURE = "send-mailmessage.eml";

    @TempDir
    Path dir;

    @RegisterExtension
    final RelayExtension relays = new RelayExtension();

    @ParameterizedTest(name = "AUTH {0} over {1}")
    @CsvSource({"LOGIN, STARTTLS", "PLAIN, STARTTLS", "LOGIN, implicit TLS", "PLAIN, implicit TLS"})
    void authenticatedDeviceMessageIsQueuedByteForByte(String mechanism, String tls) {
        RelayProcess relay = relays.start(dir);
        boolean implicit = tls.equals("implicit TLS");

        Clients.Result swaks = Clients.swaks(
                "--server", "127.0.0.1:" + relay.port(implicit ? RelayProcess.SMTPS : RelayProcess.SUBMISSION),
                implicit ? "--tlsc" : "--tls",
                "--ehlo", "SRV-FILE01",
                "--auth", mechanism, "--auth-user", USER, "--auth-password", PASSWORD,
                "--from", MAILBOX, "--to", "it-alerts@contoso.com",
                "--data", "@" + Clients.fixture(FIXTURE));

        assertThat(swaks.exitCode()).as("%s", swaks).isZero();
        assertThat(swaks.stdout())
                .contains(implicit ? "TLS started" : "220 2.0.0 Ready to start TLS")
                .contains("250-AUTH PLAIN LOGIN")
                .contains("235 2.7.0 Authentication successful")
                .containsPattern("250 2\\.0\\.0 Ok: queued as [0-9A-Z]{16}");
        // The dot lines went out stuffed: swaks doubles them, the relay must undo it.
        assertThat(swaks.stdout()).contains("..hidden line that starts with a dot");
        String id = swaks.queueId();

        QueuedMessages.Copy stored = QueuedMessages.read(relay.dataDir(), id);
        // swaks' only change to a CRLF file given with --data @file: it sends "\r\n.\r\n" after the
        // content, which already ends in CRLF, so the message gains one empty line at the end.
        // (It also doubles leading dots on the wire and drops a trailing "." line, which the file
        // does not have.) The relay's default header repair adds the Message-ID the fixture lacks
        // (it has a Date). Everything else must arrive byte for byte.
        byte[] sent = concat(Clients.fixtureBytes(FIXTURE), "\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(stored.body(), StandardCharsets.ISO_8859_1))
                .isEqualTo(new String(AddedHeaders.expectedForFixture(FIXTURE, sent, stored.body(), id, RelayProcess.HOSTNAME),
                        StandardCharsets.ISO_8859_1));
        assertThat(new String(stored.body(), StandardCharsets.US_ASCII))
                .contains("\r\n.hidden line that starts with a dot\r\n.\r\nEnd of report.\r\n");

        Envelope env = stored.envelope();
        assertThat(env.id().value()).isEqualTo(id);
        assertThat(env.identity()).isEqualTo(USER);
        assertThat(env.identityKind()).isEqualTo(Envelope.KIND_ACCOUNT);
        assertThat(env.mailbox()).isEqualTo(MAILBOX);
        assertThat(env.mailFrom()).isEqualTo(MAILBOX);
        assertThat(env.recipients()).containsExactly("it-alerts@contoso.com");
        assertThat(env.clientAddress()).isEqualTo("127.0.0.1");
        assertThat(env.heloName()).isEqualTo("SRV-FILE01");
        assertThat(env.tlsProtocol()).isIn("TLSv1.3", "TLSv1.2");
        assertThat(stored.receivedHeader())
                .startsWith("Received: from SRV-FILE01 ([127.0.0.1])\r\n\tby " + RelayProcess.HOSTNAME)
                .contains("with ESMTPSA id " + id)
                .contains("(using " + env.tlsProtocol())
                .doesNotContain("it-alerts@contoso.com");
        assertThat(QueuedMessages.ids(relay.dataDir())).containsExactly(id);
    }

    static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
