package dev.oauthrelay.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.oauthrelay.server.standin.StandIns;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full run with every logger at DEBUG (Netty, MSAL4J, the relay): device logins (right and
 * wrong passwords, PLAIN and LOGIN), token fetches, XOAUTH2 deliveries and, in a second run, Graph
 * deliveries with a draft and an upload session. Afterwards no log line,
 * no spool file and no process argument contains a password, the client secret or any issued
 * token, in clear or in the base64 forms SASL uses.
 */
class SecretsNeverLoggedIT {

    @TempDir
    Path dir;

    @RegisterExtension
    final RelayExtension relays = new RelayExtension();

    @Test
    void noSecretAppearsAtAnyLogLevelInTheSpoolOrTheProcessArguments() throws Exception {
        String wrongPassword = "Wr0ng-Pa55word-xyzzy";
        try (StandIns standIns = StandIns.start(dir.resolve("stand-ins"))) {
            String debug = "-Dlogback.configurationFile=" + Clients.resource("/logback-debug-everything.xml");
            RelayProcess relay = relays.start(dir, debug, standIns.hocon());
            String cmdline = Files.readString(Path.of("/proc/" + relay.pid() + "/cmdline")).replace('\0', ' ');

            for (String mech : List.of("LOGIN", "PLAIN")) {
                Clients.Result ok = Clients.swaks("--server", "127.0.0.1:" + relay.port(RelayProcess.SUBMISSION),
                        "--tls", "--auth", mech, "--auth-user", RelayProcess.USER,
                        "--auth-password", RelayProcess.PASSWORD, "--from", RelayProcess.MAILBOX,
                        "--to", "someone@example.org");
                assertThat(ok.exitCode()).as("%s", ok).isZero();
                Clients.Result bad = Clients.swaks("--server", "127.0.0.1:" + relay.port(RelayProcess.SUBMISSION),
                        "--tls", "--auth", mech, "--auth-user", RelayProcess.USER, "--auth-password", wrongPassword,
                        "--from", RelayProcess.MAILBOX, "--to", "someone@example.org");
                assertThat(bad.exitCode()).as("%s", bad).isNotZero();
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> standIns.exchange().messages().size() == 2);
            List<String> tokens = new ArrayList<>(standIns.entra().issuedTokens());
            assertThat(tokens).isNotEmpty();

            List<String> secrets = new ArrayList<>(List.of(RelayProcess.PASSWORD, wrongPassword, StandIns.CLIENT_SECRET));
            secrets.add(b64(RelayProcess.PASSWORD));
            secrets.add(b64(wrongPassword));
            secrets.add(b64("\0" + RelayProcess.USER + "\0" + RelayProcess.PASSWORD));
            secrets.add(b64("\0" + RelayProcess.USER + "\0" + wrongPassword));
            for (String token : tokens) {
                secrets.add(token);
                secrets.add(token.substring(token.lastIndexOf('.') + 1)); // the random part alone
                secrets.add(b64("user=" + RelayProcess.MAILBOX + "\u0001auth=Bearer " + token + "\u0001\u0001"));
            }

            relay.stop();
            assertNowhere(relay, cmdline, secrets);
        }
    }

    /**
     * The Graph path at DEBUG: SMTP AUTH refused with 5.7.139 (an XOAUTH2 line with a token went
     * out), then sendMail, and a message large enough for a draft and an upload session, whose
     * upload URL carries a credential of its own. No token and no upload URL credential is logged.
     */
    @Test
    void noGraphTokenOrUploadUrlCredentialAppearsAtAnyLogLevel() throws Exception {
        try (StandIns standIns = StandIns.start(dir.resolve("stand-ins"))) {
            standIns.exchange().smtpAuthDisabled(true);
            String debug = "-Dlogback.configurationFile=" + Clients.resource("/logback-debug-everything.xml");
            RelayProcess relay = relays.start(dir, debug,
                    standIns.settings().upstream("smtp-then-graph").graphSizes("64KiB", "1MiB").render());
            String cmdline = Files.readString(Path.of("/proc/" + relay.pid() + "/cmdline")).replace('\0', ' ');

            byte[] attachment = new byte[2_200_000];
            new java.util.Random(1).nextBytes(attachment);
            String large = "From: " + RelayProcess.MAILBOX + "\r\nTo: someone@example.org\r\nSubject: large\r\n"
                    + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
                    + "--b\r\nContent-Type: text/plain\r\n\r\nscan attached\r\n"
                    + "--b\r\nContent-Type: application/pdf; name=scan.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                    + Base64.getMimeEncoder().encodeToString(attachment) + "\r\n--b--\r\n";
            try (var c = dev.oauthrelay.server.listener.SmtpTestClient.implicitTls(relay.port(RelayProcess.SMTPS))) {
                c.expect(c.reply(), "220");
                c.expect(c.command("EHLO secrets"), "250");
                c.expect(c.command("AUTH PLAIN " + b64("\0" + RelayProcess.USER + "\0" + RelayProcess.PASSWORD)), "235");
                c.expect(c.sendMail(RelayProcess.MAILBOX, List.of("someone@example.org"),
                        "From: " + RelayProcess.MAILBOX + "\r\nTo: someone@example.org\r\nSubject: small\r\n\r\nhi\r\n"), "250");
                c.expect(c.sendMail(RelayProcess.MAILBOX, List.of("someone@example.org"), large), "250");
                c.command("QUIT");
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> standIns.graph().messages().size() == 2);
            assertThat(standIns.graph().messages()).anyMatch(m -> m.viaDraft());
            assertThat(standIns.exchange().authAttempts()).as("SMTP was tried with a token first").isPositive();

            List<String> secrets = new ArrayList<>(List.of(RelayProcess.PASSWORD, StandIns.CLIENT_SECRET));
            secrets.add(b64("\0" + RelayProcess.USER + "\0" + RelayProcess.PASSWORD));
            secrets.addAll(standIns.graph().uploadSecrets());
            assertThat(standIns.graph().uploadSecrets()).isNotEmpty();
            List<String> tokens = new ArrayList<>(standIns.entra().issuedTokens());
            assertThat(tokens).hasSizeGreaterThanOrEqualTo(2); // one for SMTP, one for Graph
            for (String token : tokens) {
                secrets.add(token);
                secrets.add(token.substring(token.lastIndexOf('.') + 1));
                secrets.add(b64("user=" + RelayProcess.MAILBOX + "\u0001auth=Bearer " + token + "\u0001\u0001"));
            }

            relay.stop();
            assertNowhere(relay, cmdline, secrets);
        }
    }

    /** None of the secrets in the relay's log (which must be at DEBUG), its arguments or its data directory. */
    private static void assertNowhere(RelayProcess relay, String cmdline, List<String> secrets) throws Exception {
        String log = relay.output();
        assertThat(log).as("DEBUG logging was really on").contains("DEBUG");
        for (String secret : secrets) {
            assertThat(log).as("log").doesNotContain(secret);
            assertThat(cmdline).as("process arguments").doesNotContain(secret);
            try (Stream<Path> files = Files.walk(relay.dataDir())) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
                            .as("spool file %s", f).doesNotContain(secret);
                }
            }
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
