package dev.oauthrelay.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.server.listener.SmtpTestClient;
import dev.oauthrelay.server.listener.TestRelay;
import dev.oauthrelay.server.metrics.AdminHttp;
import dev.oauthrelay.server.standin.StandInExchange;
import dev.oauthrelay.server.standin.StandInExchange.ReceivedMessage;
import dev.oauthrelay.server.standin.StandInTokenEndpoint;
import dev.oauthrelay.server.standin.StandIns;
import dev.oauthrelay.spool.QueueId;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One relay, two tenants: the printer's mailbox belongs to the stand-ins' tenant (relay.oauth),
 * the trusted scanner's to a second tenant with its own Entra stand-in and app registration
 * (relay.upstream-accounts). The Exchange stand-in accepts a token only for a mailbox of the
 * tenant that issued it, as Exchange Online does.
 */
class MultipleUpstreamAccountsTest extends DeliveryTestSupport {

    private static final String TENANT2 = "99999999-8888-7777-6666-555555555555";
    private static final String CLIENT2 = "00000000-0000-0000-0000-00000000fab1";
    private static final String SECRET2 = "second-tenant-secret-fab1";
    private static final String FABRIKAM_SCANNER = "scanner@fabrikam.example";
    private static final String RCPT = "bob@example.net";

    private StandInTokenEndpoint fabrikamEntra;
    private StandInExchange exchange;

    @BeforeEach
    void startSecondTenant() throws Exception {
        fabrikamEntra = StandInTokenEndpoint.start(dir.resolve("entra-fabrikam"), TENANT2);
        fabrikamEntra.registerClient(CLIENT2, SECRET2);
        StandInTokenEndpoint contosoEntra = standIns.entra();
        exchange = StandInExchange.builder(dir.resolve("exchange-both"))
                .mailbox(StandIns.PRINTER)
                .mailbox(StandIns.NOTICES)
                .mailbox(FABRIKAM_SCANNER)
                .tokenValidator((mailbox, token) -> mailbox.endsWith("@fabrikam.example")
                        ? fabrikamEntra.isValidFor(token, StandInTokenEndpoint.DEFAULT_SCOPE)
                        : contosoEntra.isValidFor(token, StandInTokenEndpoint.DEFAULT_SCOPE))
                .start();
    }

    @AfterEach
    void stopSecondTenant() {
        if (relay != null) {
            relay.close();
            relay = null;
        }
        exchange.close();
        fabrikamEntra.close();
    }

    private String hocon(String fabrikamSecret) {
        return standIns.hocon() + """
                upstream { host = "%s", port = %d, trusted-certificates = "%s" }
                upstream-accounts = [ {
                  name = fabrikam
                  tenant-id = "%s"
                  client-id = "%s"
                  client-secret = "%s"
                  authority = "%s"
                  trusted-certificates = "%s"
                } ]
                trusted-networks = [ { cidr = "%s/32", mailbox = "%s", upstream-account = fabrikam } ]
                """.formatted(exchange.host(), exchange.port(), esc(exchange.certificateFile()), TENANT2, CLIENT2,
                fabrikamSecret, fabrikamEntra.authority(), esc(fabrikamEntra.certificatePath()),
                TestRelay.TRUSTED_HOST, FABRIKAM_SCANNER);
    }

    private String sendAsFabrikamScanner(String content) throws Exception {
        try (SmtpTestClient c = TestRelay.trustedHost(relay, "scanner-fab")) {
            String id = SmtpTestClient.queueId(c.sendMail(FABRIKAM_SCANNER, List.of(RCPT), content));
            c.command("QUIT");
            return id;
        }
    }

    private List<ReceivedMessage> receivedAs(String mailbox) {
        return exchange.messages().stream().filter(m -> m.mailbox().equalsIgnoreCase(mailbox)).toList();
    }

    @Test
    void eachMailboxIsSentWithItsOwnTenantsTokens() throws Exception {
        startRelay(hocon(SECRET2));
        sendAsPrinter(List.of(RCPT), message("from contoso", "body"));
        sendAsFabrikamScanner(message("from fabrikam", "body"));
        awaitDelivered(2);

        assertThat(receivedAs(StandIns.PRINTER)).hasSize(1);
        assertThat(receivedAs(FABRIKAM_SCANNER)).hasSize(1);
        assertThat(exchange.authAttempts()).as("each mailbox authenticated at its first try").isEqualTo(2);
        assertThat(standIns.entra().requestCount()).isPositive();
        assertThat(fabrikamEntra.requestCount()).isPositive();

        String metrics = AdminHttp.get(relay.adminPort(), "/metrics").body();
        assertThat(metrics).containsPattern("relay_token_expires_in_seconds\\{upstream_account=\"default\",use=\"smtp\"} [1-9]")
                .containsPattern("relay_token_expires_in_seconds\\{upstream_account=\"fabrikam\",use=\"smtp\"} [1-9]");
    }

    @Test
    void oneBrokenAccountHoldsOnlyItsOwnMailAndReadinessNamesIt() throws Exception {
        startRelay(hocon("not-the-secret"));
        sendAsPrinter(List.of(RCPT), message("from contoso", "body"));
        String held = sendAsFabrikamScanner(message("from fabrikam", "body"));
        awaitDelivered(1);
        until("the fabrikam message deferred", () -> delivery().deferredCount() >= 1);

        assertThat(receivedAs(StandIns.PRINTER)).hasSize(1);
        assertThat(receivedAs(FABRIKAM_SCANNER)).isEmpty();
        assertThat(queued()).containsExactly(QueueId.parse(held));
        assertThat(relay.spool().readState(QueueId.parse(held)).orElseThrow().lastError())
                .startsWith("TOKEN").contains("AADSTS7000215").doesNotContain("not-the-secret");

        String ready = AdminHttp.get(relay.adminPort(), "/health/ready").body();
        assertThat(ready).contains("\"token\":{\"status\":\"DOWN\"", "default (SMTP): token valid until",
                "fabrikam (SMTP): no valid token; the last fetch failed: ", "AADSTS7000215");
    }

    private static String esc(Path p) {
        return p.toAbsolutePath().toString().replace("\\", "\\\\");
    }
}
