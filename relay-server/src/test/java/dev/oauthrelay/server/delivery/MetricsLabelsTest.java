package dev.oauthrelay.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.server.listener.SmtpTestClient;
import dev.oauthrelay.server.listener.TestRelay;
import dev.oauthrelay.server.metrics.AdminHttp;
import dev.oauthrelay.server.metrics.PrometheusText;
import dev.oauthrelay.server.standin.StandIns;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Metric labels come from bounded sets: the same traffic from more clients, with other usernames,
 * senders and recipients, adds no time series, and no label anywhere on {@code /metrics} carries an
 * address, a device account or mailbox name, or a queue id. (The upstream accounts of the token
 * and credential gauges are named in the configuration, a set the operator bounds, and are no
 * device's; {@code credential} is client-secret, certificate or refresh-token.)
 */
class MetricsLabelsTest extends DeliveryTestSupport {

    private static final Pattern IPV4 = Pattern.compile(".*\\b\\d{1,3}(\\.\\d{1,3}){3}\\b.*");
    private static final Pattern IPV6 = Pattern.compile(".*[0-9a-fA-F]{0,4}:[0-9a-fA-F]{0,4}:.*");
    private static final Set<String> RELAY_LABELS = Set.of("listener", "command", "code", "protocol", "reason", "le",
            "upstream_account", "use", "credential");

    private final List<String> queueIds = new ArrayList<>();
    private final List<String> names = new ArrayList<>(List.of(TestRelay.USER, TestRelay.MAILBOX, TestRelay.TRUSTED_HOST));

    /** One client's worth of traffic from {@code from}: a message, a wrong password, a refused sender. */
    private void traffic(String from, int round) throws Exception {
        InetAddress client = InetAddress.getByName(from);
        String guessed = "guess" + round + "@contoso.com";
        String recipient = "r" + round + "@fabrikam.example";
        names.addAll(List.of(from, guessed, recipient));
        try (SmtpTestClient c = new SmtpTestClient(relay.port("smtps"), client)) {
            c.upgradeToTls();
            c.expect(c.reply(), "220");
            c.expect(c.command("EHLO printer-" + round), "250");
            String wrong = Base64.getEncoder().encodeToString(("\0" + guessed + "\0nope").getBytes(StandardCharsets.UTF_8));
            c.expect(c.command("AUTH PLAIN " + wrong), "535");
            c.expect(c.command("AUTH PLAIN " + TestRelay.authPlain()), "235");
            c.expect(c.command("MAIL FROM:<someone-else" + round + "@contoso.com>"), "5");
            c.command("RSET");
            queueIds.add(SmtpTestClient.queueId(c.sendMail(TestRelay.MAILBOX, List.of(recipient),
                    message("labels " + round, "body"))));
            c.command("QUIT");
        }
        try (SmtpTestClient c = new SmtpTestClient(relay.port("plain"), client)) {
            c.expect(c.reply(), "220");
            c.expect(c.command("HELO " + from), "250");
            c.expect(c.command("MAIL FROM:<" + guessed + ">"), "530");
            c.command("QUIT");
        }
        awaitDelivered(round);
        eventually().until(() -> AdminHttp.metrics(relay.adminPort()).value("relay_smtp_in_sessions_active") == 0);
    }

    private static Set<String> relaySeries(PrometheusText m) {
        return m.samples().stream().filter(s -> s.name().startsWith("relay_")).map(PrometheusText.Sample::series)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void moreClientsAddNoSeriesAndNoLabelNamesAClientAnAccountOrAMessage() throws Exception {
        startRelay(standIns.hocon() + "oauth.client-secret-expires = 2030-01-15\n"); // the credential gauge too
        traffic("127.0.0.1", 1);
        Set<String> afterOneClient = relaySeries(AdminHttp.metrics(relay.adminPort()));

        traffic("127.0.0.3", 2);
        traffic("127.0.0.4", 3);
        String text = AdminHttp.get(relay.adminPort(), "/metrics").body();
        assertThat(text).doesNotContain(StandIns.CLIENT_SECRET, TestRelay.PASSWORD);
        assertThat(standIns.entra().issuedTokens()).isNotEmpty().noneMatch(text::contains);
        PrometheusText m = PrometheusText.parse(text);

        assertThat(m.value("relay_smtp_in_auth_failures_total", "reason", "bad_credentials")).isEqualTo(3);
        assertThat(m.value("relay_delivery_delivered_total")).isEqualTo(3);
        assertThat(relaySeries(m)).as("series after three clients").isEqualTo(afterOneClient);
        for (PrometheusText.Sample s : m.samples()) {
            if (s.name().startsWith("relay_")) {
                assertThat(RELAY_LABELS).as("label names of %s", s.series()).containsAll(s.labels().keySet());
            }
            for (String value : s.labels().values()) {
                assertThat(value).as("a label of %s", s.series()).doesNotContain("@")
                        .doesNotMatch(IPV4).doesNotMatch(IPV6).isNotIn(names).isNotIn(queueIds);
            }
        }
    }
}
