package dev.oauthrelay.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oauthrelay.server.upstream.TlsMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** relay.upstream, relay.oauth and relay.delivery. */
class DeliveryConfigTest {

    static final String TENANT = "11111111-2222-3333-4444-555555555555";
    static final String CLIENT = "66666666-7777-8888-9999-000000000000";
    static final String SECRET = "s3cr3t~Value.With-Chars";

    private static RelayConfig parse(String relayBody, Map<String, String> env) throws InvalidConfigException {
        return ConfigLoader.parse("relay { " + relayBody + " }", env);
    }

    @Test
    void defaultsPointAtExchangeOnlineAndLeaveDeliveryOffWithoutAnApp() throws Exception {
        RelayConfig c = parse("", Map.of());
        assertThat(c.upstream().host()).isEqualTo("smtp.office365.com");
        assertThat(c.upstream().port()).isEqualTo(587);
        assertThat(c.upstream().tls()).isEqualTo(TlsMode.STARTTLS);
        assertThat(c.upstream().maxConnectionsPerMailbox()).isEqualTo(3);
        assertThat(c.upstream().dataTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.oauth()).isEmpty();
        assertThat(c.delivery().retry().maxAge()).isEqualTo(Duration.ofDays(5));
        assertThat(c.delivery().maxConcurrent()).isEqualTo(20);
        assertThat(c.delivery().notifyMailbox()).isEmpty();
    }

    @Test
    void secretComesFromTheEnvironmentAndTheAuthorityFromTheTenant() throws Exception {
        RelayConfig c = parse("oauth { tenant-id = \"" + TENANT + "\", client-id = \"" + CLIENT + "\" }",
                Map.of("RELAY_OAUTH_CLIENT_SECRET", SECRET));
        assertThat(c.oauth()).hasValueSatisfying(o -> {
            assertThat(o.clientSecret()).contains(SECRET);
            assertThat(o.authority()).isEqualTo("https://login.microsoftonline.com/" + TENANT + "/");
            assertThat(o.scope()).isEqualTo("https://outlook.office365.com/.default");
            assertThat(o.toString()).doesNotContain(SECRET);
        });
        assertThat(c.toString()).doesNotContain(SECRET);
    }

    @Test
    void secretComesFromAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("secret");
        Files.writeString(file, SECRET + "\n");
        RelayConfig c = parse("oauth { tenant-id = \"" + TENANT + "\", client-id = \"" + CLIENT
                + "\", client-secret-file = \"" + file + "\" }", Map.of());
        assertThat(c.oauth().orElseThrow().clientSecret()).contains(SECRET);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no credential | oauth { tenant-id = t, client-id = c } | relay.oauth.client-secret",
            "two credentials | oauth { tenant-id = t, client-id = c, client-secret = x, pkcs12 = /x.p12 } | relay.oauth.client-secret",
            "client without tenant | oauth { client-id = c, client-secret = x } | relay.oauth.tenant-id",
            "certificate without key | oauth { tenant-id = t, client-id = c, certificate = /c.pem } | relay.oauth.private-key",
            "plain http authority | oauth { tenant-id = t, client-id = c, client-secret = x, authority = \"http://x/\" } | relay.oauth.authority",
            "missing secret file | oauth { tenant-id = t, client-id = c, client-secret-file = /nonexistent/secret } | relay.oauth.client-secret-file",
            "plaintext upstream | upstream { tls = none } | relay.upstream.tls",
            "upstream port | upstream { port = 70000 } | relay.upstream.port",
            "zero timeout | upstream { data-timeout = 0s } | relay.upstream.data-timeout",
            "jitter of one | delivery { retry { jitter = 1 } } | relay.delivery.retry.jitter",
            "multiplier below one | delivery { retry { multiplier = 0.5 } } | relay.delivery.retry.multiplier",
            "max below initial | delivery { retry { initial-delay = 2h, max-delay = 1h } } | relay.delivery.retry.max-delay",
            "admin without mailbox | delivery { notify { admin = \"admin@contoso.com\" } } | relay.delivery.notify.mailbox",
            "bad notify address | delivery { notify { mailbox = \"not an address\" } } | relay.delivery.notify.mailbox",
            "typo | delivery { max-concurent = 3 } | relay.delivery.max-concurent",
            "zero per minute | delivery { per-mailbox { messages-per-minute = 0 } } | relay.delivery.per-mailbox.messages-per-minute",
            "negative per day | delivery { per-mailbox { recipients-per-day = -1 } } | relay.delivery.per-mailbox.recipients-per-day",
            "zero chunk | delivery { per-mailbox { max-recipients-per-message = 0 } } | relay.delivery.per-mailbox.max-recipients-per-message",
            "zero backoff | delivery { per-mailbox { throttle-backoff = 0s } } | relay.delivery.per-mailbox.throttle-backoff",
            "zero pause after | delivery { per-mailbox { pause-after-failures = 0 } } | relay.delivery.per-mailbox.pause-after-failures",
    })
    void eachProblemNamesItsKey(String name, String body, String key) {
        assertThatThrownBy(() -> parse(body, Map.of()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining(key);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"localhost", "127.0.0.1", "127.10.20.30", "'[::1]'", "::1"})
    void plaintextUpstreamIsAllowedToALoopbackSinkOnly(String host) throws Exception {
        RelayConfig c = parse("upstream { host = \"" + host + "\", port = 2526, tls = none }", Map.of());
        assertThat(c.upstream().tls()).isEqualTo(TlsMode.NONE);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"smtp.office365.com", "10.0.0.1", "128.0.0.1", "127.0.0.1.example.com", "localhost.evil.com"})
    void plaintextUpstreamToAnyOtherHostIsAConfigError(String host) {
        assertThatThrownBy(() -> parse("upstream { host = \"" + host + "\", tls = none }", Map.of()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("relay.upstream.tls")
                .hasMessageContaining("loopback");
    }

    @Test
    void secretNeverAppearsInAnErrorMessage() {
        assertThatThrownBy(() -> parse("oauth { tenant-id = t, client-id = c, client-secret = \"" + SECRET
                + "\", pkcs12 = /x.p12, authority = \"ftp://x\" }", Map.of()))
                .isInstanceOf(InvalidConfigException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
        assertThatThrownBy(() -> parse("oauth { tenant-id = t, client-id = c, client-secret = [\"" + SECRET + "\"] }", Map.of()))
                .isInstanceOf(InvalidConfigException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET).contains("relay.oauth.client-secret"));
    }

    @Test
    void notificationsAndRetryAreConfigurable() throws Exception {
        RelayConfig c = parse("delivery { retry { initial-delay = 30s, multiplier = 3, max-delay = 2h, jitter = 0, max-age = 2d },"
                + " notify { mailbox = \"relay@contoso.com\", admin = \"it@contoso.com\", original-sender = true } }", Map.of());
        assertThat(c.delivery().retry().initialDelay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.delivery().retry().multiplier()).isEqualTo(3.0);
        assertThat(c.delivery().notifyMailbox()).contains("relay@contoso.com");
        assertThat(c.delivery().notifyAdmin()).contains("it@contoso.com");
        assertThat(c.delivery().notifySender()).isTrue();
    }

    @Test
    void perMailboxLimitsDefaultToExchangeOnlinesAndAreConfigurable() throws Exception {
        assertThat(parse("", Map.of()).delivery().perMailbox())
                .isEqualTo(dev.oauthrelay.delivery.MailboxPacer.Limits.EXCHANGE_ONLINE);
        RelayConfig c = parse("delivery { per-mailbox { messages-per-minute = 10, recipients-per-day = 2000,"
                + " max-recipients-per-message = 100, throttle-backoff = 2m, pause-after-failures = 5,"
                + " pause-duration = 30m } }", Map.of());
        assertThat(c.delivery().perMailbox()).isEqualTo(new dev.oauthrelay.delivery.MailboxPacer.Limits(10, 2000, 100,
                Duration.ofMinutes(2), 5, Duration.ofMinutes(30)));
    }
}
