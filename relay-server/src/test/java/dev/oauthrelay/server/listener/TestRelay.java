package dev.oauthrelay.server.listener;

import dev.oauthrelay.auth.PasswordHasher;
import dev.oauthrelay.server.Relay;
import dev.oauthrelay.server.config.ConfigLoader;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Map;

/**
 * Starts an in-process relay on loopback port 0 with a test configuration: listeners
 * {@code submission} (STARTTLS), {@code smtps} (implicit TLS) and {@code plain}; the device account
 * {@value #USER} sending as {@value #MAILBOX}; the trusted host {@value #TRUSTED_HOST} sending as
 * {@value #SCANNER_MAILBOX}. For delivery upstream, pass {@code StandIns.hocon()} as {@code extra}.
 */
public final class TestRelay {

    public static final String USER = "printer";
    public static final String PASSWORD = "printer-secret";
    public static final String MAILBOX = "printer@contoso.com";
    public static final String TRUSTED_HOST = "127.0.0.2";
    public static final String SCANNER_MAILBOX = "scanner@contoso.com";
    private static final String HASH = PasswordHasher.hash(PASSWORD.toCharArray(), 4);

    private TestRelay() {
    }

    /** {@code extra} is HOCON placed inside {@code relay { }} after the defaults (later keys win). */
    public static Relay start(Path dataDir, String extra) throws Exception {
        return start(dataDir, extra, dev.oauthrelay.observe.RelayEvents.NONE);
    }

    /** As {@link #start(Path, String)}, with {@code observer} told of every event of the data path. */
    public static Relay start(Path dataDir, String extra, dev.oauthrelay.observe.RelayEvents observer) throws Exception {
        String hocon = """
                relay {
                  hostname = "relay.test"
                  data-dir = "%s"
                  admin.port = 0
                  listeners = [
                    { name = submission, address = "127.0.0.1", port = 0, tls = starttls }
                    { name = smtps, address = "127.0.0.1", port = 0, tls = implicit }
                    { name = plain, address = "127.0.0.1", port = 0, tls = none }
                  ]
                  accounts = [ { username = "%s", password-hash = "%s", mailbox = "%s" } ]
                  trusted-networks = [ { cidr = "%s/32", mailbox = "%s" } ]
                  %s
                }
                """.formatted(dataDir.toString(), USER, HASH, MAILBOX, TRUSTED_HOST, SCANNER_MAILBOX, extra);
        return Relay.start(ConfigLoader.parse(hocon, Map.of()), observer);
    }

    /** AUTH PLAIN initial response for the test account. */
    public static String authPlain() {
        return java.util.Base64.getEncoder().encodeToString(("\0" + USER + "\0" + PASSWORD)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The test account logged in over implicit TLS ({@code smtps}), ready for MAIL FROM. */
    public static SmtpTestClient loggedIn(Relay relay, String helo) throws Exception {
        SmtpTestClient c = SmtpTestClient.implicitTls(relay.port("smtps"));
        try {
            c.expect(c.reply(), "220");
            c.expect(c.command("EHLO " + helo), "250");
            c.expect(c.command("AUTH PLAIN " + authPlain()), "235");
            return c;
        } catch (Exception e) {
            c.close();
            throw e;
        }
    }

    /** A host on the trusted network, on the {@code plain} listener without AUTH, ready for MAIL FROM. */
    public static SmtpTestClient trustedHost(Relay relay, String helo) throws IOException {
        SmtpTestClient c = new SmtpTestClient(relay.port("plain"), InetAddress.getByName(TRUSTED_HOST));
        try {
            c.expect(c.reply(), "220");
            c.expect(c.command("EHLO " + helo), "250");
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }
}
