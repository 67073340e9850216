package dev.oauthrelay.server.e2e;

import static dev.oauthrelay.server.e2e.RelayProcess.MAILBOX;
import static dev.oauthrelay.server.e2e.RelayProcess.PASSWORD;
import static dev.oauthrelay.server.e2e.RelayProcess.USER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.spool.Envelope;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Python's smtplib, as monitoring scripts send: STARTTLS, login, SMTPUTF8 and 8BITMIME, a large attachment. */
class PythonSmtplibIT {

    private static final int ATTACHMENT_BYTES = 20 * 1024 * 1024;

    @TempDir
    Path dir;

    @RegisterExtension
    final RelayExtension relays = new RelayExtension();

    @Test
    void utf8MessageWithTwentyMegabyteAttachmentIsQueuedByteForByte() throws Exception {
        RelayProcess relay = relays.start(dir);
        Path sent = dir.resolve("sent.eml");

        Clients.Result python = Clients.python("send_utf8_with_attachment.py",
                String.valueOf(relay.port(RelayProcess.SUBMISSION)), USER, PASSWORD, MAILBOX, sent.toString(),
                String.valueOf(ATTACHMENT_BYTES), "pruefung@contoso.com", "archiv@fabrikam.example");

        assertThat(python.exitCode()).as("%s", python).isZero();
        assertThat(python.stdout()).containsPattern("DATA reply: 250 2\\.0\\.0 Ok: queued as [0-9A-Z]{16}");
        String id = python.queueId();

        // The script generated the message with CRLF line ends only (it checks), so smtplib's
        // changes on the wire are dot-stuffing and the end marker alone: the relay must store the
        // file's bytes exactly.
        QueuedMessages.Digest stored = QueuedMessages.digest(relay.dataDir(), id);
        long sentSize = Files.size(sent);
        String head;
        try (InputStream in = Files.newInputStream(sent)) {
            head = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
        }
        assertThat(head).as("the message exercises 8-bit headers and body and dot-stuffing")
                .contains("Subject: Prüfbericht", "Grüße", "\r\n.Diese Zeile", "\r\n.\r\n");
        assertThat(sentSize).isGreaterThan(ATTACHMENT_BYTES * 4L / 3);
        assertThat(stored.size()).isEqualTo(sentSize);
        assertThat(stored.sha256()).isEqualTo(QueuedMessages.sha256(sent));

        Envelope env = stored.envelope();
        assertThat(env.id().value()).isEqualTo(id);
        assertThat(env.identity()).isEqualTo(USER);
        assertThat(env.identityKind()).isEqualTo(Envelope.KIND_ACCOUNT);
        assertThat(env.mailbox()).isEqualTo(MAILBOX);
        assertThat(env.mailFrom()).isEqualTo(MAILBOX);
        assertThat(env.recipients()).containsExactly("pruefung@contoso.com", "archiv@fabrikam.example");
        // smtplib adds SIZE itself (the relay advertises it) and writes it in lower case.
        assertThat(env.mailParameters()).containsExactlyInAnyOrder("SIZE=" + sentSize, "BODY=8BITMIME", "SMTPUTF8");
        assertThat(env.clientAddress()).isEqualTo("127.0.0.1");
        assertThat(env.heloName()).isEqualTo("mfp-2og");
        assertThat(env.tlsProtocol()).isIn("TLSv1.3", "TLSv1.2");
        assertThat(stored.receivedHeader())
                .startsWith("Received: from mfp-2og ([127.0.0.1])\r\n")
                .contains("with UTF8SMTPSA id " + id)
                .doesNotContain("pruefung@contoso.com", "archiv@fabrikam.example", "for <");
        assertThat(QueuedMessages.ids(relay.dataDir())).containsExactly(id);
    }
}
