package dev.oauthrelay.server.cli;

import dev.oauthrelay.auth.PasswordHasher;
import dev.oauthrelay.server.Relay;
import dev.oauthrelay.server.config.ConfigLoader;
import dev.oauthrelay.server.config.RelayConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code relay demo}: the relay on an embedded configuration that needs no Microsoft tenant, on
 * loopback only, with one demo device account.
 */
@Command(name = "demo", description = "Run the relay on an embedded demo configuration (loopback only).")
final class DemoCommand implements Callable<Integer> {

    static final String USER = "demo";
    static final String PASSWORD = "demo-password";
    static final String MAILBOX = "demo@example.com";

    @Option(names = "--port", defaultValue = "2525", description = "STARTTLS port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--tls-port", defaultValue = "2465", description = "Implicit TLS port (default ${DEFAULT-VALUE}).")
    int tlsPort;

    @Option(names = "--data-dir", defaultValue = "relay-demo-data", description = "Spool directory (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        String hash = PasswordHasher.hash(PASSWORD.toCharArray());
        String hocon = """
                relay {
                  hostname = "relay.demo.local"
                  data-dir = "%s"
                  listeners = [
                    { name = submission, address = "127.0.0.1", port = %d, tls = starttls }
                    { name = smtps, address = "127.0.0.1", port = %d, tls = implicit }
                  ]
                  accounts = [ { username = "%s", password-hash = "%s", mailbox = "%s" } ]
                }
                """.formatted(dataDir.toString().replace("\\", "\\\\"), port, tlsPort, USER, hash, MAILBOX);
        RelayConfig config = ConfigLoader.parse(hocon, System.getenv());
        return RunCommand.runUntilStopped(config, this::printHowTo);
    }

    private void printHowTo(Relay relay) {
        int submission = relay.port("submission");
        int smtps = relay.port("smtps");
        System.out.printf("""

                OAuth SMTP Relay demo is running (no Microsoft tenant needed). Stop it with Ctrl-C.
                  STARTTLS listener   127.0.0.1:%1$d
                  implicit TLS        127.0.0.1:%2$d
                  device account      %3$s / %4$s  (sends as %5$s)

                Send a message as a device would:
                  swaks --server 127.0.0.1:%1$d --tls --auth LOGIN --auth-user %3$s --auth-password %4$s \\
                        --from %5$s --to someone@example.com
                  curl -k --ssl-reqd smtp://127.0.0.1:%1$d --user %3$s:%4$s \\
                        --mail-from %5$s --mail-rcpt someone@example.com --upload-file message.eml

                Accepted messages are queued durably in %6$s
                (the certificate is self-signed, hence curl's -k).
                %n""", submission, smtps, USER, PASSWORD, MAILBOX, relay.queueDir().toAbsolutePath());
        System.out.flush();
    }
}
