package dev.oauthrelay.server.e2e;

import static dev.oauthrelay.server.e2e.RelayProcess.MAILBOX;
import static dev.oauthrelay.server.e2e.RelayProcess.PASSWORD;
import static dev.oauthrelay.server.e2e.RelayProcess.USER;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Passwords never travel in plain text, and wrong ones get nowhere; nothing is stored either way. */
class AuthRefusalIT {

    @TempDir
    Path dir;

    @RegisterExtension
    final RelayExtension relays = new RelayExtension();

    @Test
    void authIsNotOfferedBeforeStarttlsAndRefusedIfTriedAnyway() {
        RelayProcess relay = relays.start(dir);
        int port = relay.port(RelayProcess.SUBMISSION);

        Clients.Result swaks = Clients.swaks("--server", "127.0.0.1:" + port,
                "--auth", "PLAIN", "--auth-user", USER, "--auth-password", PASSWORD,
                "--from", MAILBOX, "--to", "it-alerts@contoso.com");

        // swaks exit code 28: authentication failed (here: not advertised, so never attempted).
        assertThat(swaks.exitCode()).as("%s", swaks).isEqualTo(28);
        assertThat(swaks.stdout())
                .contains("250 STARTTLS")
                .doesNotContain("AUTH PLAIN", "235 ", "MAIL FROM");
        assertThat(swaks.stderr()).contains("Host did not advertise authentication");

        // A client that sends AUTH regardless gets 530, and without AUTH no MAIL FROM is accepted.
        String plain = Base64.getEncoder().encodeToString(("\0" + USER + "\0" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        Clients.Result raw = Clients.python("dialogue.py", String.valueOf(port),
                "EHLO legacy-printer", "AUTH PLAIN " + plain, "AUTH LOGIN", "MAIL FROM:<" + MAILBOX + ">", "QUIT");

        assertThat(raw.exitCode()).as("%s", raw).isZero();
        assertThat(raw.stdout())
                .contains("C: AUTH PLAIN " + plain + "\nS: 530 5.7.0 Must issue a STARTTLS command first")
                .contains("C: AUTH LOGIN\nS: 530 5.7.0 Must issue a STARTTLS command first")
                .contains("C: MAIL FROM:<" + MAILBOX + ">\nS: 530 5.7.0 Authentication required")
                .doesNotContain("235 ", "334 ");
        assertNothingStored(relay);
    }

    @Test
    void wrongPasswordIsRefusedWith535() {
        RelayProcess relay = relays.start(dir);

        Clients.Result swaks = Clients.swaks("--server", "127.0.0.1:" + relay.port(RelayProcess.SUBMISSION), "--tls",
                "--auth", "LOGIN", "--auth-user", USER, "--auth-password", "not-" + PASSWORD,
                "--from", MAILBOX, "--to", "it-alerts@contoso.com");

        assertThat(swaks.exitCode()).as("%s", swaks).isEqualTo(28);
        assertThat(swaks.stdout())
                .contains("250-AUTH PLAIN LOGIN")
                .contains("535 5.7.8 Authentication credentials invalid")
                .doesNotContain("235 ", "MAIL FROM");
        assertNothingStored(relay);
    }

    private static void assertNothingStored(RelayProcess relay) {
        assertThat(QueuedMessages.ids(relay.dataDir())).isEmpty();
        assertThat(QueuedMessages.unfinished(relay.dataDir())).isEmpty();
    }
}
