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
 * wrong passwords, PLAIN and LOGIN), token fetches and XOAUTH2 deliveries. Afterwards no log line,
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
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
