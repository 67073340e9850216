package dev.oauthrelay.server.listener;

import dev.oauthrelay.auth.PasswordHasher;
import dev.oauthrelay.server.Relay;
import dev.oauthrelay.server.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Map;

/** Starts an in-process relay on loopback port 0 with a test configuration. */
final class TestRelay {

    static final String USER = "printer";
    static final String PASSWORD = "printer-secret";
    static final String MAILBOX = "printer@contoso.com";
    private static final String HASH = PasswordHasher.hash(PASSWORD.toCharArray(), 4);

    private TestRelay() {
    }

    /** {@code extra} is HOCON placed inside {@code relay { }} after the defaults (later keys win). */
    static Relay start(Path dataDir, String extra) throws Exception {
        String hocon = """
                relay {
                  hostname = "relay.test"
                  data-dir = "%s"
                  listeners = [
                    { name = submission, address = "127.0.0.1", port = 0, tls = starttls }
                    { name = smtps, address = "127.0.0.1", port = 0, tls = implicit }
                    { name = plain, address = "127.0.0.1", port = 0, tls = none }
                  ]
                  accounts = [ { username = "%s", password-hash = "%s", mailbox = "%s" } ]
                  trusted-networks = [ { cidr = "127.0.0.2/32", mailbox = "scanner@contoso.com" } ]
                  %s
                }
                """.formatted(dataDir.toString(), USER, HASH, MAILBOX, extra);
        return Relay.start(ConfigLoader.parse(hocon, Map.of()));
    }

    /** AUTH PLAIN initial response for the test account. */
    static String authPlain() {
        return java.util.Base64.getEncoder().encodeToString(("\0" + USER + "\0" + PASSWORD)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
