package dev.oauthrelay.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.server.config.ConfigLoader;
import dev.oauthrelay.server.config.RelayConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The credential lines of {@code relay check}: one per upstream account, a warning with the fix when it is due. */
class CredentialLinesTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2027-01-03T09:00:00Z"), ZoneOffset.UTC);

    @Test
    void eachAccountsCredentialGetsALineAndOnlyExpiringOrUnknownOnesAWarning() throws Exception {
        RelayConfig relay = ConfigLoader.parse("""
                relay {
                  oauth { tenant-id = "11111111-2222-3333-4444-555555555555", client-id = c, client-secret = s3cr3t-value,
                          client-secret-expires = 2027-06-01 }
                  upstream-accounts = [
                    { name = fabrikam, tenant-id = "99999999-8888-7777-6666-555555555555", client-id = f,
                      client-secret = other-s3cr3t, client-secret-expires = 2027-01-15 },
                    { name = tailspin, tenant-id = "99999999-8888-7777-6666-555555555555", client-id = t,
                      client-secret = third-s3cr3t } ]
                }
                """, Map.of());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CheckReport report = new CheckReport(new PrintStream(out, true, StandardCharsets.UTF_8));

        CredentialLines.report(report, relay, CLOCK);

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("""
                [ ok ] credential default: the client secret of upstream account default expires on 2027-06-01 (in 149 days)
                [warn] credential fabrikam: the client secret of upstream account fabrikam expires on 2027-01-15 (in 12 days)
                       fix: create a new client secret in Entra ID > App registrations > (the app) > Certificates & secrets,\
                 put its value into relay.upstream-accounts[0].client-secret (or the file\
                 relay.upstream-accounts[0].client-secret-file names) and its expiry date into\
                 relay.upstream-accounts[0].client-secret-expires, and restart the relay
                [warn] credential tailspin: the expiry of the client secret of upstream account tailspin is unknown
                       fix: set relay.upstream-accounts[1].client-secret-expires to the expiry Entra ID shows for the\
                 secret (App registrations > Certificates & secrets), so the relay can warn before it runs out
                """);
        assertThat(report.allPassed()).as("a warning, not a failure").isTrue();
    }
}
