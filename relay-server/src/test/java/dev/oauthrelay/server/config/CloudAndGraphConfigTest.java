package dev.oauthrelay.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oauthrelay.policy.DeviceAccount;
import dev.oauthrelay.policy.TrustedNetwork;
import dev.oauthrelay.policy.UpstreamChoice;
import dev.oauthrelay.server.graph.GraphSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** relay.cloud, relay.graph, relay.delivery.upstream and an identity's upstream. */
class CloudAndGraphConfigTest {

    static final String TENANT = "11111111-2222-3333-4444-555555555555";
    static final String APP = "oauth { tenant-id = \"" + TENANT + "\", client-id = c, client-secret = x }";
    static final String HASH = "$2y$04$abcdefghijklmnopqrstuu5Wm0GGwz1ZwQ7Ei1RCzTT8aZ8wY0qmK";

    private static RelayConfig parse(String relayBody) throws InvalidConfigException {
        return ConfigLoader.parse("relay { " + relayBody + " }", Map.of());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "global   | login.microsoftonline.com | smtp.office365.com      | https://outlook.office365.com/.default | graph.microsoft.com",
            "gcc-high | login.microsoftonline.us  | smtp.office365.us       | https://outlook.office365.us/.default  | graph.microsoft.us",
            "dod      | login.microsoftonline.us  | smtp.office365.us       | https://outlook.office365.us/.default  | dod-graph.microsoft.us",
            "china    | login.chinacloudapi.cn    | smtp.partner.outlook.cn | https://partner.outlook.cn/.default    | microsoftgraph.chinacloudapi.cn",
    })
    void aCloudSetsAuthoritySmtpAndGraphTogether(String cloud, String login, String smtp, String smtpScope,
                                                 String graph) throws Exception {
        RelayConfig c = parse("cloud = " + cloud + "\n" + APP);
        assertThat(c.oauth().orElseThrow().authority()).isEqualTo("https://" + login + "/" + TENANT + "/");
        assertThat(c.oauth().orElseThrow().scope()).isEqualTo(smtpScope);
        assertThat(c.upstream().host()).isEqualTo(smtp);
        assertThat(c.graph().host()).isEqualTo(graph);
        assertThat(c.graph().scope()).isEqualTo("https://" + graph + "/.default");
        assertThat(c.graph().baseUri()).hasToString("https://" + graph + "/v1.0");
    }

    @Test
    void eachSettingOfTheCloudCanBeOverridden() throws Exception {
        RelayConfig c = parse("cloud = gcc-high\n" + APP + "\n"
                + "oauth.authority = \"https://login.example.net/" + TENANT + "/\", oauth.scope = \"https://smtp.example.net/.default\"\n"
                + "upstream.host = smtp.example.net\n"
                + "graph { host = graph.example.net, port = 8443 }");
        assertThat(c.oauth().orElseThrow().authority()).isEqualTo("https://login.example.net/" + TENANT + "/");
        assertThat(c.oauth().orElseThrow().scope()).isEqualTo("https://smtp.example.net/.default");
        assertThat(c.upstream().host()).isEqualTo("smtp.example.net");
        assertThat(c.graph().host()).isEqualTo("graph.example.net");
        assertThat(c.graph().scope()).as("follows the host it is for").isEqualTo("https://graph.example.net/.default");
        assertThat(c.graph().baseUri()).hasToString("https://graph.example.net:8443/v1.0");

        RelayConfig scoped = parse("cloud = dod, graph.scope = \"https://graph.example.net/.default\"");
        assertThat(scoped.graph().host()).isEqualTo("dod-graph.microsoft.us");
        assertThat(scoped.graph().scope()).isEqualTo("https://graph.example.net/.default");
    }

    @Test
    void graphDefaultsAndUpstreamDefaultAreAsDocumented() throws Exception {
        RelayConfig c = parse("");
        GraphSettings g = c.graph();
        assertThat(g.port()).isEqualTo(443);
        assertThat(g.trustedCertificates()).isEmpty();
        assertThat(g.maxConcurrentPerMailbox()).isEqualTo(4);
        assertThat(g.connectTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(g.requestTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(g.maxRequestSize()).isEqualTo(3_000_000L).isEqualTo(GraphSettings.DEFAULT_MAX_REQUEST_SIZE);
        assertThat(g.uploadChunkSize()).isEqualTo(3 * 1024 * 1024);
        assertThat(g.rememberSmtpDisabled()).isEqualTo(Duration.ofHours(1));
        assertThat(c.delivery().defaultUpstream()).isEqualTo(UpstreamChoice.SMTP);
    }

    @Test
    void eachAccountAndNetworkChoosesItsUpstreamOrTakesTheDefault() throws Exception {
        RelayConfig c = parse("delivery.upstream = smtp-then-graph\n"
                + "accounts = [\n"
                + "  { username = printer, password-hash = \"" + HASH + "\", mailbox = \"printer@contoso.com\" }\n"
                + "  { username = scanner, password-hash = \"" + HASH + "\", mailbox = \"scanner@contoso.com\", upstream = graph }\n"
                + "]\n"
                + "trusted-networks = [ { cidr = \"10.0.0.0/24\", mailbox = \"alarm@contoso.com\", upstream = smtp } ]");
        assertThat(c.delivery().defaultUpstream()).isEqualTo(UpstreamChoice.SMTP_THEN_GRAPH);
        assertThat(c.accounts()).extracting(DeviceAccount::username, a -> a.identity().upstream())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("printer", UpstreamChoice.SMTP_THEN_GRAPH),
                        org.assertj.core.groups.Tuple.tuple("scanner", UpstreamChoice.GRAPH));
        assertThat(c.trustedNetworks()).extracting(n -> n.identity().upstream()).containsExactly(UpstreamChoice.SMTP);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "unknown cloud | cloud = azure-germany | relay.cloud",
            "unknown default upstream | delivery.upstream = imap | relay.delivery.upstream",
            "unknown account upstream | accounts = [ { username = p, password-hash = \"" + HASH
                    + "\", mailbox = \"p@contoso.com\", upstream = ews } ] | relay.accounts[0].upstream",
            "unknown network upstream | trusted-networks = [ { cidr = \"10.0.0.0/8\", mailbox = \"p@contoso.com\", upstream = 1 } ] | relay.trusted-networks[0].upstream",
            "graph host with a path | graph.host = \"graph.example.net/v1.0\" | relay.graph.host",
            "graph port | graph.port = 0 | relay.graph.port",
            "zero per mailbox | graph.max-concurrent-per-mailbox = 0 | relay.graph.max-concurrent-per-mailbox",
            "tiny request size | graph.max-request-size = 100 | relay.graph.max-request-size",
            "huge chunk | graph.upload-chunk-size = 3GiB | relay.graph.upload-chunk-size",
            "timeout without unit | graph.request-timeout = 300 | relay.graph.request-timeout",
            "typo | graph.max-request-sise = 1MB | relay.graph.max-request-sise",
    })
    void eachProblemNamesItsKey(String name, String body, String key) {
        assertThatThrownBy(() -> parse(body))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining(key);
    }

    @Test
    void trustedNetworksMayChooseGraphToo() throws Exception {
        RelayConfig c = parse("trusted-networks = [ { cidr = \"10.0.0.0/24\", mailbox = \"alarm@contoso.com\", upstream = graph } ]");
        assertThat(c.trustedNetworks()).extracting(TrustedNetwork::identity).singleElement()
                .satisfies(i -> assertThat(i.upstream()).isEqualTo(UpstreamChoice.GRAPH));
    }
}
