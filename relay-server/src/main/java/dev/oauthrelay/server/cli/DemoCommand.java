package dev.oauthrelay.server.cli;

import dev.oauthrelay.auth.PasswordHasher;
import dev.oauthrelay.server.Relay;
import dev.oauthrelay.server.config.ConfigLoader;
import dev.oauthrelay.server.config.RelayConfig;
import dev.oauthrelay.server.standin.StandInExchange;
import dev.oauthrelay.server.standin.StandInTokenEndpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code relay demo}: the whole path on one machine, no Microsoft tenant needed. It starts local
 * stand-ins for Entra ID (an HTTPS token endpoint, reached through the real MSAL4J) and for
 * Exchange Online (an SMTP server that requires STARTTLS and checks the XOAUTH2 token), runs the
 * relay against them on loopback with one demo device account, sends itself one message through
 * everything, and prints how to send more.
 */
@Command(name = "demo", description = "Run the relay against local stand-ins for Microsoft (loopback only).")
final class DemoCommand implements Callable<Integer> {

    static final String USER = "demo";
    static final String PASSWORD = "demo-password";
    static final String MAILBOX = "demo@example.com";
    private static final String CLIENT_ID = "00000000-0000-0000-0000-00000000de00";
    /** The stand-in's client secret; a demo value, handed to the relay through its configuration. */
    private static final String CLIENT_SECRET = "demo-client-secret";

    @Option(names = "--port", defaultValue = "2525", description = "STARTTLS port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--tls-port", defaultValue = "2465", description = "Implicit TLS port (default ${DEFAULT-VALUE}).")
    int tlsPort;

    @Option(names = "--admin-port", defaultValue = "8025",
            description = "Admin HTTP port: metrics and health (default ${DEFAULT-VALUE}; 0: any free port).")
    int adminPort;

    @Option(names = "--data-dir", defaultValue = "relay-demo-data", description = "Spool and stand-in data (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        Path delivered = dataDir.resolve("delivered");
        StandInTokenEndpoint entra = StandInTokenEndpoint.start(dataDir.resolve("stand-in/entra"));
        entra.registerClient(CLIENT_ID, CLIENT_SECRET);
        StandInExchange exchange = StandInExchange.builder(dataDir.resolve("stand-in/exchange"))
                .mailbox(MAILBOX)
                .tokenValidator((mailbox, token) -> entra.acceptsForSmtp(mailbox, token))
                .messageDirectory(delivered)
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            exchange.close();
            entra.close();
        }, "demo-stand-ins"));
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
                  admin.port = %d
                  upstream { host = "localhost", port = %d, trusted-certificates = "%s" }
                  oauth {
                    tenant-id = "%s", client-id = "%s", client-secret = "%s"
                    authority = "%s", trusted-certificates = "%s"
                  }
                  delivery.retry { initial-delay = 5s, max-delay = 1m }
                }
                """.formatted(esc(dataDir), port, tlsPort, USER, hash, MAILBOX, adminPort, exchange.port(),
                esc(exchange.certificateFile()), entra.tenantId(), CLIENT_ID, CLIENT_SECRET, entra.authority(),
                esc(entra.certificatePath()));
        RelayConfig config = ConfigLoader.parse(hocon, System.getenv());
        return RunCommand.runUntilStopped(config, relay -> sendOneAndExplain(relay, exchange, delivered));
    }

    /** Where {@code /metrics} and {@code /health/ready} are, or why they are not served. */
    private static String adminUrls(Relay relay) {
        String metrics = adminUrl(relay, "/metrics");
        return metrics.startsWith("http") ? metrics + "  " + adminUrl(relay, "/health/ready") : metrics;
    }

    /** The admin port's {@code path}, or why it is not served. */
    private static String adminUrl(Relay relay, String path) {
        try {
            return "http://127.0.0.1:" + relay.adminPort() + path;
        } catch (IllegalStateException e) {
            return "not served (" + e.getMessage() + ")";
        }
    }

    private static String esc(Path p) {
        return p.toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private void sendOneAndExplain(Relay relay, StandInExchange exchange, Path delivered) {
        int submission = relay.port("submission");
        int smtps = relay.port("smtps");
        String result;
        try {
            int before = exchange.messages().size();
            String reply = new DemoClient().send(submission, dataDir.resolve("tls/self-signed.crt"), USER, PASSWORD,
                    MAILBOX, "someone@example.com", """
                            From: Demo Printer <demo@example.com>\r
                            To: someone@example.com\r
                            Subject: Hello from the OAuth SMTP Relay demo\r
                            \r
                            This message went device -> relay -> spool -> XOAUTH2 upstream.\r
                            """);
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            while (exchange.messages().size() == before && Instant.now().isBefore(deadline)) {
                Thread.sleep(100);
            }
            result = exchange.messages().size() > before
                    ? "Test message: accepted by the relay (" + reply + ")\n  and delivered to the Exchange stand-in"
                    + " with XOAUTH2 as " + MAILBOX + "."
                    : "Test message: accepted (" + reply + ") but not delivered within 30 s; see the log above.";
        } catch (Exception e) {
            result = "Test message could not be sent: " + e.getMessage();
        }
        System.out.printf("""

                OAuth SMTP Relay demo is running (no Microsoft tenant needed). Stop it with Ctrl-C.
                  STARTTLS listener   127.0.0.1:%1$d
                  implicit TLS        127.0.0.1:%2$d
                  device account      %3$s / %4$s  (sends as %5$s)
                  upstream            Exchange Online stand-in on localhost:%6$d (STARTTLS + XOAUTH2),
                                      tokens from an Entra ID stand-in through MSAL4J
                  metrics and health  %9$s
                  status page         %10$s

                %7$s

                Send more as a device would:
                  swaks --server 127.0.0.1:%1$d --tls --auth LOGIN --auth-user %3$s --auth-password %4$s \\
                        --from %5$s --to someone@example.com
                  curl -k --ssl-reqd smtp://127.0.0.1:%1$d --user %3$s:%4$s \\
                        --mail-from %5$s --mail-rcpt someone@example.com --upload-file message.eml

                Delivered messages appear as .eml files in %8$s
                (the relay's certificate is self-signed, hence curl's -k).
                %n""", submission, smtps, USER, PASSWORD, MAILBOX, exchange.port(), result, delivered.toAbsolutePath(),
                adminUrls(relay), adminUrl(relay, "/"));
        System.out.flush();
    }
}
