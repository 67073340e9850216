package dev.oauthrelay.server.e2e;

import static dev.oauthrelay.server.e2e.RelayProcess.MAILBOX;
import static dev.oauthrelay.server.e2e.RelayProcess.OTHER_SENDER;
import static dev.oauthrelay.server.e2e.RelayProcess.PASSWORD;
import static dev.oauthrelay.server.e2e.RelayProcess.USER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.oauthrelay.server.standin.StandInExchange.ReceivedMessage;
import dev.oauthrelay.server.standin.StandIns;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path with real clients: swaks, curl and Python's smtplib submit to the relay process,
 * which delivers to the Exchange Online stand-in (STARTTLS + XOAUTH2, tokens from the Entra ID
 * stand-in through MSAL4J), both running in this JVM. Each message must arrive exactly once,
 * byte for byte as the client sent it apart from the relay's Received header and the default
 * header repairs (missing Date and Message-ID added, an '@' display name quoted), as the mailbox
 * of the device's identity.
 */
class DeliveryEndToEndIT {

    @TempDir
    Path dir;

    @RegisterExtension
    final RelayExtension relays = new RelayExtension();

    StandIns standIns;
    RelayProcess relay;

    @BeforeEach
    void start() throws Exception {
        standIns = StandIns.start(dir.resolve("stand-ins"));
        Path relayDir = Files.createDirectories(dir.resolve("relay"));
        relay = relays.start(relayDir, "", standIns.hocon());
    }

    @AfterEach
    void stopStandIns() {
        relay.stop(); // before the stand-ins go away, so it does not log their absence as an outage
        standIns.close();
    }

    @Test
    void swaksWithStartTlsAndAuthLoginIsDeliveredOnceUnchanged() throws Exception {
        String fixture = "send-mailmessage.eml";
        Clients.Result swaks = Clients.swaks(
                "--server", "127.0.0.1:" + relay.port(RelayProcess.SUBMISSION), "--tls",
                "--ehlo", "SRV-FILE01",
                "--auth", "LOGIN", "--auth-user", USER, "--auth-password", PASSWORD,
                "--from", MAILBOX, "--to", "it-alerts@contoso.com",
                "--data", "@" + Clients.fixture(fixture));
        assertThat(swaks.exitCode()).as("%s", swaks).isZero();
        String id = swaks.queueId();

        ReceivedMessage m = deliveredOnce(id, "SRV-FILE01");
        // swaks ends a CRLF file's content with "\r\n.\r\n": one extra empty line (see SwaksSubmissionIT).
        // The default header repair adds the Message-ID the fixture lacks.
        byte[] sent = (new String(Clients.fixtureBytes(fixture), StandardCharsets.ISO_8859_1) + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        assertThat(bodyAfterReceived(m)).isEqualTo(new String(
                AddedHeaders.expectedForFixture(fixture, sent, afterReceived(m), id, RelayProcess.HOSTNAME),
                StandardCharsets.ISO_8859_1));
        assertThat(bodyAfterReceived(m)).contains("\r\n.hidden line that starts with a dot\r\n.\r\nEnd of report.\r\n");
        assertThat(m.mailbox()).isEqualTo(StandIns.PRINTER);
        assertThat(m.mailFrom()).isEqualTo(MAILBOX);
        assertThat(m.recipients()).containsExactly("it-alerts@contoso.com");
    }

    @Test
    void curlOverImplicitTlsWithAuthPlainIsDeliveredOnceRepairedAsTheMailbox() throws Exception {
        String fixture = "mfp-scan-to-email.eml";
        Clients.Result curl = Clients.curl(
                "smtps://127.0.0.1:" + relay.port(RelayProcess.SMTPS) + "/backup-host", "-k",
                "--user", USER + ":" + PASSWORD, "--login-options", "AUTH=PLAIN",
                "--mail-from", OTHER_SENDER,
                "--mail-rcpt", "it-alerts@contoso.com", "--mail-rcpt", "oncall@fabrikam.example",
                "--upload-file", Clients.fixture(fixture).toString());
        assertThat(curl.exitCode()).as("%s", curl).isZero();
        String id = curl.queueId();

        ReceivedMessage m = deliveredOnce(id, "backup-host");
        // Exchange Online refuses the scanner's unquoted '@' display name: the default header repair
        // quotes it and adds the missing Date and Message-ID. Nothing else changes.
        assertThat(bodyAfterReceived(m)).isEqualTo(new String(
                AddedHeaders.expectedForFixture(fixture, Clients.fixtureBytes(fixture), afterReceived(m), id,
                        RelayProcess.HOSTNAME), StandardCharsets.ISO_8859_1));
        assertThat(bodyAfterReceived(m)).startsWith(AddedHeaders.MFP_FROM_QUOTED);
        assertThat(m.mailbox()).as("XOAUTH2 user= is the identity's mailbox").isEqualTo(StandIns.PRINTER);
        assertThat(m.mailFrom()).as("a sender the mailbox may send as").isEqualTo(OTHER_SENDER);
        assertThat(m.recipients()).containsExactly("it-alerts@contoso.com", "oncall@fabrikam.example");
    }

    @Test
    void pythonSmtplibUtf8EightBitMessageIsDeliveredOnceUnchanged() throws Exception {
        Path sent = dir.resolve("sent.eml");
        Clients.Result python = Clients.python("send_utf8_with_attachment.py",
                String.valueOf(relay.port(RelayProcess.SUBMISSION)), USER, PASSWORD, MAILBOX, sent.toString(),
                "65536", "pruefung@contoso.com");
        assertThat(python.exitCode()).as("%s", python).isZero();
        String id = python.queueId();

        ReceivedMessage m = deliveredOnce(id, "mfp-2og");
        byte[] sentBytes = Files.readAllBytes(sent);
        assertThat(new String(sentBytes, StandardCharsets.UTF_8)).contains("Subject: Prüfbericht", "Grüße", "\r\n.\r\n");
        assertThat(afterReceived(m)).isEqualTo(sentBytes);
        assertThat(m.mailbox()).isEqualTo(StandIns.PRINTER);
        assertThat(m.mailFrom()).isEqualTo(MAILBOX);
        assertThat(m.recipients()).containsExactly("pruefung@contoso.com");
        // The device's declarations are passed on (the stand-in, like Exchange, offers both).
        assertThat(m.parameters()).contains("BODY=8BITMIME", "SMTPUTF8", "SIZE=" + m.content().length);
    }

    /**
     * Waits until the relay's queue is empty and the stand-in has the message, then checks it
     * arrived exactly once, answered, over TLS only, with the relay's Received header first.
     */
    private ReceivedMessage deliveredOnce(String id, String helo) throws IOException {
        await("delivery of " + id).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> QueuedMessages.ids(relay.dataDir()).isEmpty() && !standIns.exchange().messages().isEmpty());
        List<ReceivedMessage> received = standIns.exchange().messages();
        assertThat(received).as("copies at the upstream").hasSize(1);
        ReceivedMessage m = received.get(0);
        assertThat(m.answered()).isTrue();
        String header = QueuedMessages.receivedHeader(new ByteArrayInputStream(m.content()));
        assertThat(header)
                .startsWith("Received: from " + helo + " ([127.0.0.1])\r\n\tby " + RelayProcess.HOSTNAME)
                .contains(" id " + id + "\r\n");
        assertThat(standIns.exchange().transcripts()).noneMatch(t -> t.anyPlaintext("AUTH"));
        assertThat(standIns.entra().requestCount()).isEqualTo(1);
        assertThat(QueuedMessages.deadLettered(relay.dataDir())).isEmpty();
        assertThat(relay.output()).as("the relay's log").doesNotContain(StandIns.CLIENT_SECRET, PASSWORD);
        return m;
    }

    private static byte[] afterReceived(ReceivedMessage m) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(m.content());
        QueuedMessages.receivedHeader(in);
        return in.readAllBytes();
    }

    private static String bodyAfterReceived(ReceivedMessage m) throws IOException {
        return new String(afterReceived(m), StandardCharsets.ISO_8859_1);
    }
}
