package dev.oauthrelay.server.e2e;

import static dev.oauthrelay.server.e2e.RelayProcess.MAILBOX;
import static dev.oauthrelay.server.e2e.RelayProcess.OTHER_SENDER;
import static dev.oauthrelay.server.e2e.RelayProcess.PASSWORD;
import static dev.oauthrelay.server.e2e.RelayProcess.USER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.spool.Envelope;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * curl uploading a device fixture to two recipients, as scripts do: STARTTLS ({@code smtp://} with
 * {@code --ssl-reqd}) and implicit TLS ({@code smtps://}), with AUTH=LOGIN and AUTH=PLAIN.
 */
class CurlSubmissionIT {

    @TempDir
    Path dir;

    @RegisterExtension
    final RelayExtension relays = new RelayExtension();

    @ParameterizedTest(name = "{0} with AUTH={1}: {2}")
    @CsvSource({
            "smtp, LOGIN, send-mailmessage.eml",
            "smtp, PLAIN, utf8-notification.eml",
            "smtps, LOGIN, mfp-scan-to-email.eml",
            "smtps, PLAIN, send-mailmessage.eml"})
    void uploadedFileIsQueuedByteForByteForBothRecipients(String scheme, String mechanism, String fixture) {
        RelayProcess relay = relays.start(dir);
        boolean implicit = scheme.equals("smtps");
        int port = relay.port(implicit ? RelayProcess.SMTPS : RelayProcess.SUBMISSION);

        Clients.Result curl = Clients.curl(
                scheme + "://127.0.0.1:" + port + "/backup-host",
                "--ssl-reqd", "-k",
                "--user", USER + ":" + PASSWORD,
                "--login-options", "AUTH=" + mechanism,
                "--mail-from", OTHER_SENDER,
                "--mail-rcpt", "it-alerts@contoso.com",
                "--mail-rcpt", "oncall@fabrikam.example",
                "--upload-file", Clients.fixture(fixture).toString());

        assertThat(curl.exitCode()).as("%s", curl).isZero();
        // curl -v shows the server's replies as "< ..." lines on stderr.
        assertThat(curl.stderr())
                .contains("< 235 2.7.0 Authentication successful")
                .contains("> AUTH " + mechanism)
                .contains("< 250 2.1.5 Recipient OK");
        if (!implicit) {
            assertThat(curl.stderr()).contains("< 220 2.0.0 Ready to start TLS");
        }
        String id = curl.queueId();

        QueuedMessages.Copy stored = QueuedMessages.read(relay.dataDir(), id);
        // The fixtures have CRLF line ends and curl converts nothing without --crlf; it dot-stuffs on
        // the wire and ends with ".\r\n" after the final CRLF. So the message arrives as sent, apart
        // from what the default header repair adds or quotes (see AddedHeaders.expectedForFixture).
        assertThat(new String(stored.body(), StandardCharsets.ISO_8859_1))
                .isEqualTo(new String(AddedHeaders.expectedForFixture(fixture, Clients.fixtureBytes(fixture), stored.body(),
                        id, RelayProcess.HOSTNAME), StandardCharsets.ISO_8859_1));

        Envelope env = stored.envelope();
        assertThat(env.identity()).isEqualTo(USER);
        assertThat(env.identityKind()).isEqualTo(Envelope.KIND_ACCOUNT);
        assertThat(env.mailbox()).isEqualTo(MAILBOX);
        assertThat(env.mailFrom()).isEqualTo(OTHER_SENDER);
        assertThat(env.recipients()).containsExactly("it-alerts@contoso.com", "oncall@fabrikam.example");
        assertThat(env.mailParameters()).containsExactly("SIZE=" + Clients.fixtureBytes(fixture).length);
        assertThat(env.heloName()).isEqualTo("backup-host");
        assertThat(env.tlsProtocol()).isIn("TLSv1.3", "TLSv1.2");
        assertThat(stored.receivedHeader())
                .contains("with ESMTPSA id " + id)
                .doesNotContain("it-alerts@contoso.com", "oncall@fabrikam.example");
        assertThat(QueuedMessages.ids(relay.dataDir())).containsExactly(id);
    }
}
