package dev.oauthrelay.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.oauthrelay.policy.Cidr;
import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code proxy-protocol} and {@code legacy-tls} on listeners, and {@code relay.trusted-proxies}. */
class ProxyAndLegacyTlsConfigTest {

    private static final Map<String, String> NO_ENV = Map.of();

    @Test
    void offByDefault() throws Exception {
        RelayConfig c = ConfigLoader.load(Optional.empty(), NO_ENV);
        assertThat(c.listeners()).allSatisfy(l -> {
            assertThat(l.proxyProtocol()).isFalse();
            assertThat(l.legacyTls()).isFalse();
        });
        assertThat(c.trustedProxies()).isEmpty();
    }

    @Test
    void readPerListener() throws Exception {
        RelayConfig c = ConfigLoader.parse("""
                relay.listeners = [
                  { name = lb, port = 25, proxy-protocol = true }
                  { name = printers, port = 2525, tls = implicit, legacy-tls = true }
                  { name = both, port = 465, tls = implicit, proxy-protocol = true, legacy-tls = true }
                ]
                relay.trusted-proxies = ["10.0.0.10", "fd00:1::/64"]
                """, NO_ENV);
        assertThat(c.listeners()).extracting(ListenerConfig::name, ListenerConfig::proxyProtocol, ListenerConfig::legacyTls)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("lb", true, false),
                        org.assertj.core.groups.Tuple.tuple("printers", false, true),
                        org.assertj.core.groups.Tuple.tuple("both", true, true));
        assertThat(c.trustedProxies()).containsExactly(Cidr.parse("10.0.0.10/32"), Cidr.parse("fd00:1::/64"));
        assertThat(c.trustedProxies().get(0).contains(InetAddress.getByName("10.0.0.10"))).isTrue();
    }

    static Stream<Arguments> invalidConfigs() {
        return Stream.of(
                arguments("relay.listeners = [{ port = 25, proxy-protocol = true }]", "relay.trusted-proxies", "is empty"),
                arguments("relay.listeners = [{ port = 25, proxy-protocol = yes-please }]",
                        "relay.listeners[0].proxy-protocol", "true or false"),
                arguments("relay.listeners = [{ port = 25, legacy-tls = 1.0 }]", "relay.listeners[0].legacy-tls", "true or false"),
                arguments("relay.listeners = [{ port = 25, tls = none, legacy-tls = true }]",
                        "relay.listeners[0].legacy-tls", "starttls or implicit"),
                arguments("relay.listeners = [{ port = 25, proxy-protocoll = true }]",
                        "relay.listeners[0].proxy-protocoll", "did you mean"),
                arguments("relay.trusted-proxies = [\"10.0.0.0/40\"]", "relay.trusted-proxies[0]", "10.0.0.0/40"),
                arguments("relay.trusted-proxies = [\"lb.example.com\"]", "relay.trusted-proxies[0]", "lb.example.com"),
                arguments("relay.trusted-proxies = \"10.0.0.1\"", "relay.trusted-proxies", "a list"),
                arguments("relay.trusted-proxys = []", "relay.trusted-proxys", "did you mean"));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("invalidConfigs")
    void eachValidationErrorNamesItsKey(String hocon, String key, String detail) {
        InvalidConfigException e = catchThrowableOfType(InvalidConfigException.class,
                () -> ConfigLoader.parse(hocon, NO_ENV));
        assertThat(e).as("expected the config to be refused").isNotNull();
        assertThat(e.problems()).as(e.getMessage())
                .anySatisfy(p -> assertThat(p).matches(Pattern.quote(key) + "(: | is missing).*").contains(detail));
    }
}
