package dev.oauthrelay.server.config;

import dev.oauthrelay.policy.DeviceAccount;
import dev.oauthrelay.policy.HeaderRepairOptions;
import dev.oauthrelay.policy.Identity;
import dev.oauthrelay.policy.SenderMismatch;
import dev.oauthrelay.policy.TrustedNetwork;
import dev.oauthrelay.session.TlsMode;
import dev.oauthrelay.session.data.DataDecoder;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class ConfigLoaderTest {

    /** Bcrypt-shaped, with a marker that must never show up in an error message. */
    private static final String HASH = "$2b$12$SECRETsaltSECRETsalt12SECREThashSECREThashSECREThash1";

    private static final String ACCOUNT = """
            { username = "printer", password-hash = "%s", mailbox = "printer@contoso.com" }
            """.formatted(HASH);

    /** A valid config that the table cases add to or override. */
    private static final String BASE = "relay.accounts = [" + ACCOUNT + "]\n";

    private static final Map<String, String> NO_ENV = Map.of();

    @Test
    void referenceConfAloneGivesTheDocumentedDefaults() throws Exception {
        RelayConfig c = ConfigLoader.load(Optional.empty(), NO_ENV);

        assertThat(c.hostname()).isEqualTo("localhost");
        assertThat(c.dataDir()).isEqualTo(Path.of("relay-data"));
        assertThat(c.listeners()).containsExactly(
                new ListenerConfig("submission", "0.0.0.0", 2525, TlsMode.STARTTLS, false));
        assertThat(c.tls().certificate()).isEmpty();
        assertThat(c.tls().privateKey()).isEmpty();
        assertThat(c.tls().selfSigned()).isTrue();
        assertThat(c.tls().reloadInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.tls().protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(c.accounts()).isEmpty();
        assertThat(c.trustedNetworks()).isEmpty();
        assertThat(c.limits()).isEqualTo(new LimitsConfig(2048, 35L * 1024 * 1024, 100, 10,
                Duration.ofMinutes(5), 500, 20, 100L * 1024 * 1024));
    }

    @Test
    void hostnameDefaultsToTheHostnameVariable() throws Exception {
        assertThat(ConfigLoader.parse("", Map.of("HOSTNAME", "relay-7f9c")).hostname()).isEqualTo("relay-7f9c");
    }

    @Test
    void exampleConfigFromTheRepositoryLoads() throws Exception {
        RelayConfig c = ConfigLoader.load(Optional.of(exampleConfig()), Map.of("RELAY_OAUTH_CLIENT_SECRET", "x"));

        assertThat(c.oauth()).hasValueSatisfying(o -> assertThat(o.clientSecret()).contains("x"));
        assertThat(c.delivery().notifyMailbox()).contains("relay@contoso.com");
        assertThat(c.listeners()).extracting(ListenerConfig::port, ListenerConfig::tls)
                .containsExactly(tuple(2525, TlsMode.STARTTLS),
                        tuple(465, TlsMode.IMPLICIT));
        assertThat(c.accounts()).hasSize(1);
        DeviceAccount printer = c.accounts().get(0);
        assertThat(printer.identity().kind()).isEqualTo(Identity.Kind.ACCOUNT);
        assertThat(printer.identity().onMismatch()).isEqualTo(SenderMismatch.REJECT);
        assertThat(c.trustedNetworks()).hasSize(1);
        TrustedNetwork scanners = c.trustedNetworks().get(0);
        assertThat(scanners.identity().kind()).isEqualTo(Identity.Kind.TRUSTED_NETWORK);
        assertThat(scanners.identity().onMismatch()).isEqualTo(SenderMismatch.REWRITE);
        assertThat(scanners.dataLineEndings()).contains(DataDecoder.Mode.NORMALIZE);
        assertThat(scanners.identity().headerRepair()).isEqualTo(new HeaderRepairOptions(true, true, true, true));
        assertThat(printer.identity().headerRepair()).isEqualTo(HeaderRepairOptions.DEFAULTS);
        assertThat(c.listeners()).allSatisfy(l -> assertThat(l.dataLineEndings()).isEqualTo(DataDecoder.Mode.STRICT));
        assertThat(c.limits().maxMessageSize()).isEqualTo(50L * 1024 * 1024);
        assertThat(c.limits().maxErrors()).isEqualTo(10); // not overridden: the default
    }

    @Test
    void exampleConfigTakesThePasswordHashFromTheEnvironment() throws Exception {
        RelayConfig c = ConfigLoader.load(Optional.of(exampleConfig()),
                Map.of("PRINTER_PASSWORD_HASH", HASH, "RELAY_OAUTH_CLIENT_SECRET", "x"));
        assertThat(c.accounts().get(0).passwordHash()).isEqualTo(HASH);
    }

    @Test
    void exampleConfigWithoutTheClientSecretSaysWhereToPutIt() {
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(exampleConfig()), NO_ENV))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("relay.oauth.client-secret")
                .hasMessageContaining("RELAY_OAUTH_CLIENT_SECRET");
    }

    @Test
    void listElementDefaultsApplyToUserElements() throws Exception {
        RelayConfig c = ConfigLoader.parse("""
                relay.listeners = [ { port = 587 }, { name = "local", address = "127.0.0.1", port = 0, tls = none,
                                      allow-plaintext-auth = true } ]
                relay.accounts = [ { username = "scanner", password-hash = "%s", mailbox = "scanner@contoso.com" } ]
                relay.trusted-networks = [ { cidr = "fd00:20::/64", mailbox = "alarm@contoso.com" } ]
                """.formatted(HASH), NO_ENV);

        assertThat(c.listeners()).containsExactly(
                new ListenerConfig("listener-0", "0.0.0.0", 587, TlsMode.STARTTLS, false),
                new ListenerConfig("local", "127.0.0.1", 0, TlsMode.NONE, true));
        Identity account = c.accounts().get(0).identity();
        assertThat(account).isEqualTo(new Identity("scanner", Identity.Kind.ACCOUNT, "scanner@contoso.com",
                List.of("scanner@contoso.com"), SenderMismatch.REJECT));
        TrustedNetwork network = c.trustedNetworks().get(0);
        assertThat(network.cidr().toString()).isEqualTo("fd00:20::/64");
        assertThat(network.identity()).isEqualTo(new Identity("fd00:20::/64", Identity.Kind.TRUSTED_NETWORK,
                "alarm@contoso.com", List.of("alarm@contoso.com"), SenderMismatch.REJECT));
    }

    @Test
    void dataLineEndingsAreReadForListenersAndTrustedNetworks() throws Exception {
        RelayConfig c = ConfigLoader.parse("""
                relay.listeners = [ { port = 587 }, { port = 2525, data-line-endings = NORMALIZE },
                                    { port = 2526, data-line-endings = strict } ]
                relay.trusted-networks = [ { cidr = "10.0.0.0/8", mailbox = "s@contoso.com" },
                                           { cidr = "10.9.0.0/16", mailbox = "p@contoso.com", data-line-endings = normalize } ]
                """, NO_ENV);

        assertThat(c.listeners()).extracting(ListenerConfig::dataLineEndings)
                .containsExactly(DataDecoder.Mode.STRICT, DataDecoder.Mode.NORMALIZE, DataDecoder.Mode.STRICT);
        assertThat(c.trustedNetworks()).extracting(TrustedNetwork::dataLineEndings)
                .containsExactly(Optional.empty(), Optional.of(DataDecoder.Mode.NORMALIZE));
    }

    @Test
    void headerRepairDefaultsComeFromRelayHeaderRepairAndEachIdentityMayChangeThem() throws Exception {
        RelayConfig c = ConfigLoader.parse("""
                relay.header-repair.add-message-id = false
                relay.accounts = [ { username = "mfp", password-hash = "%s", mailbox = "mfp@contoso.com",
                                     header-repair { rewrite-from = true, add-date = false } },
                                   { username = "app", password-hash = "%s", mailbox = "app@contoso.com" } ]
                relay.trusted-networks = [ { cidr = "10.0.0.0/8", mailbox = "s@contoso.com",
                                             header-repair { quote-display-name = false, add-message-id = true } } ]
                """.formatted(HASH, HASH), NO_ENV);
        assertThat(c.accounts().get(0).identity().headerRepair()).isEqualTo(new HeaderRepairOptions(false, false, true, true));
        assertThat(c.accounts().get(1).identity().headerRepair()).isEqualTo(new HeaderRepairOptions(true, false, true, false));
        assertThat(c.trustedNetworks().get(0).identity().headerRepair())
                .isEqualTo(new HeaderRepairOptions(true, true, false, false));

        RelayConfig defaults = ConfigLoader.parse("relay.trusted-networks = [ { cidr = \"10.0.0.0/8\", mailbox = \"s@contoso.com\" } ]",
                NO_ENV);
        assertThat(defaults.trustedNetworks().get(0).identity().headerRepair()).isEqualTo(HeaderRepairOptions.DEFAULTS);
        assertThat(HeaderRepairOptions.DEFAULTS).isEqualTo(new HeaderRepairOptions(true, true, true, false));
    }

    @Test
    void senderPatternsAndMismatchAreRead() throws Exception {
        RelayConfig c = ConfigLoader.parse("""
                relay.accounts = [ { username = "app", password-hash = "%s", mailbox = "app@contoso.com",
                                     allowed-senders = ["app@contoso.com", "@fabrikam.com", "*"], sender-mismatch = REWRITE } ]
                """.formatted(HASH), NO_ENV);
        Identity id = c.accounts().get(0).identity();
        assertThat(id.allowedSenders()).containsExactly("app@contoso.com", "@fabrikam.com", "*");
        assertThat(id.onMismatch()).isEqualTo(SenderMismatch.REWRITE);
    }

    @Test
    void forcedEnvironmentVariablesOverrideScalarsDurationsAndSizes() throws Exception {
        Map<String, String> env = Map.of(
                "CONFIG_FORCE_relay_hostname", "relay.contoso.com",
                "CONFIG_FORCE_relay_limits_idle__timeout", "90s",
                "CONFIG_FORCE_relay_limits_max__message__size", "10MiB",
                "CONFIG_FORCE_relay_limits_max__errors", "3",
                "CONFIG_FORCE_relay_tls_protocols", "[\"TLSv1.3\"]",
                "CONFIG_FORCE_relay_listeners", "[{ port = 0, tls = implicit }]",
                "CONFIG_FORCE_unrelated_app_key", "ignored");
        RelayConfig c = ConfigLoader.parse("relay.hostname = from-file\nrelay.limits.max-errors = 7", env);

        assertThat(c.hostname()).isEqualTo("relay.contoso.com"); // env wins over the file
        assertThat(c.limits().idleTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.limits().maxMessageSize()).isEqualTo(10L * 1024 * 1024);
        assertThat(c.limits().maxErrors()).isEqualTo(3);
        assertThat(c.tls().protocols()).containsExactly("TLSv1.3");
        assertThat(c.listeners()).containsExactly(new ListenerConfig("listener-0", "0.0.0.0", 0, TlsMode.IMPLICIT, false));
    }

    @Test
    void forcedEnvironmentValuesAreLiteralTextUnlessListOrObject() throws Exception {
        // '#' would start a HOCON comment; a forced value is taken as it is.
        RelayConfig c = ConfigLoader.parse("", Map.of("CONFIG_FORCE_relay_data__dir", "/srv/relay #1"));
        assertThat(c.dataDir()).isEqualTo(Path.of("/srv/relay #1"));
    }

    @Test
    void environmentVariableNameMapping() {
        assertThat(Overrides.envVariableToPath("CONFIG_FORCE_relay_limits_max__errors")).isEqualTo("relay.limits.max-errors");
        assertThat(Overrides.envVariableToPath("CONFIG_FORCE_a_b___c")).isEqualTo("a.b_c");
        assertThat(Overrides.envVariableToPath("CONFIG_FORCE_a__")).isEqualTo("a-");
    }

    @Test
    void badForcedVariablesAreReportedByName() {
        assertThat(messageOf(() -> ConfigLoader.parse("", Map.of("CONFIG_FORCE_relay____hostname", "x"))))
                .contains("CONFIG_FORCE_relay____hostname", "underscores");
        assertThat(messageOf(() -> ConfigLoader.parse("", Map.of("CONFIG_FORCE_RELAY_HOSTNAME", "x"))))
                .contains("CONFIG_FORCE_RELAY_HOSTNAME", "CONFIG_FORCE_relay_hostname");
        assertThat(messageOf(() -> ConfigLoader.parse("", Map.of("CONFIG_FORCE_relay_limits_idle__timeout", "300"))))
                .contains("relay.limits.idle-timeout", "unit is required");
        assertThat(messageOf(() -> ConfigLoader.parse("", Map.of("CONFIG_FORCE_relay_limits_max__errors", "zero"))))
                .contains("relay.limits.max-errors", "\"zero\"", "environment variable CONFIG_FORCE_relay_limits_max__errors");
    }

    @Test
    void substitutionsInTheFileAreResolvedFromTheEnvironmentMap(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("relay.conf");
        Files.writeString(file, """
                relay {
                  hostname = ${?RELAY_HOSTNAME}
                  data-dir = ${?STATE_DIRECTORY}"/spool"
                  limits.max-errors = ${?MAX_ERRORS}
                  accounts = [ { username = "printer", password-hash = ${PRINTER_HASH}, mailbox = "printer@contoso.com" } ]
                }
                """);
        RelayConfig c = ConfigLoader.load(Optional.of(file), Map.of(
                "RELAY_HOSTNAME", "mx.contoso.com", "STATE_DIRECTORY", "/var/lib/relay", "PRINTER_HASH", HASH));

        assertThat(c.hostname()).isEqualTo("mx.contoso.com");
        assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/relay/spool"));
        assertThat(c.limits().maxErrors()).isEqualTo(10); // ${?MAX_ERRORS} unset: the default stays
        assertThat(c.accounts().get(0).passwordHash()).isEqualTo(HASH);
    }

    @Test
    void requiredSubstitutionThatIsNotSetIsReported() {
        assertThat(messageOf(() -> ConfigLoader.parse("relay.hostname = ${RELAY_HOSTNAME}", NO_ENV)))
                .contains("RELAY_HOSTNAME", "${?NAME}");
    }

    @Test
    void substitutionsDoNotReadTheRealProcessEnvironment() throws Exception {
        // PATH is set in every test environment, but only the map passed in counts.
        RelayConfig c = ConfigLoader.parse("relay.data-dir = ${?PATH}", NO_ENV);
        assertThat(c.dataDir()).isEqualTo(Path.of("relay-data"));
    }

    @Test
    void systemPropertiesOverrideKnownKeysAndIgnoreOthers() throws Exception {
        Properties properties = new Properties();
        properties.setProperty("relay.limits.max-errors", "4");
        properties.setProperty("relay.jar", "/tmp/oauth-smtp-relay.jar"); // set by the failsafe config
        RelayConfig c = ConfigLoader.load(Optional.empty(), NO_ENV, properties);
        assertThat(c.limits().maxErrors()).isEqualTo(4);
    }

    @Test
    void missingFileIsAnError(@TempDir Path dir) {
        assertThat(messageOf(() -> ConfigLoader.load(Optional.of(dir.resolve("nope.conf")), NO_ENV)))
                .contains("nope.conf", "does not exist");
    }

    @Test
    void syntaxErrorNamesTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("broken.conf");
        Files.writeString(file, "relay { hostname = \n");
        assertThat(messageOf(() -> ConfigLoader.load(Optional.of(file), NO_ENV))).contains("broken.conf");
    }

    @Test
    void unknownKeysAreRejectedWithASuggestion() {
        assertThat(messageOf(() -> ConfigLoader.parse("relay.limts.max-errors = 3", NO_ENV)))
                .contains("relay.limts: unknown key", "did you mean relay.limits?");
        assertThat(messageOf(() -> ConfigLoader.parse("relay.limits.max-error = 3", NO_ENV)))
                .contains("relay.limits.max-error: unknown key", "did you mean relay.limits.max-errors?");
        assertThat(messageOf(() -> ConfigLoader.parse("relay.listeners = [{ port = 25, allow-plaintext = true }]", NO_ENV)))
                .contains("relay.listeners[0].allow-plaintext: unknown key", "allow-plaintext-auth");
    }

    @Test
    void topLevelKeysOutsideRelayMayHoldHelperValues() throws Exception {
        RelayConfig c = ConfigLoader.parse("domain = \"contoso.com\"\nrelay.hostname = \"relay.\"${domain}", NO_ENV);
        assertThat(c.hostname()).isEqualTo("relay.contoso.com");
    }

    @Test
    void allProblemsAreReportedTogether() {
        InvalidConfigException e = catchThrowableOfType(InvalidConfigException.class,
                () -> ConfigLoader.parse("relay.limits { max-errors = 0, max-recipients = 0 }\nrelay.hostnam = x", NO_ENV));
        assertThat(e.problems()).hasSize(3);
        assertThat(e.getMessage()).contains("relay.limits.max-errors", "relay.limits.max-recipients", "relay.hostnam");
    }

    static Stream<Arguments> invalidConfigs() {
        return Stream.of(
                // listeners
                arguments("relay.listeners = [{ port = 70000 }]", "relay.listeners[0].port", "70000"),
                arguments("relay.listeners = [{ port = -1 }]", "relay.listeners[0].port", "1..65535"),
                arguments("relay.listeners = [{ port = \"smtp\" }]", "relay.listeners[0].port", "\"smtp\""),
                arguments("relay.listeners = [{ name = \"a\" }]", "relay.listeners[0].port", "missing"),
                arguments("relay.listeners = [{ port = 25 }, { port = 26, tls = ssl }]", "relay.listeners[1].tls", "starttls"),
                arguments("relay.listeners = [{ name = a, port = 25 }, { name = a, port = 26 }]", "relay.listeners[1].name", "unique"),
                arguments("relay.listeners = [{ port = 25 }, { port = 25 }]", "relay.listeners[1].port", "0.0.0.0:25"),
                arguments("relay.listeners = [{ port = 25, address = \"::\" }, { port = 25, address = \"0:0:0:0:0:0:0:0\" }]",
                        "relay.listeners[1].port", "already used"),
                arguments("relay.listeners = []", "relay.listeners", "at least one"),
                arguments("relay.listeners = [2525]", "relay.listeners[0]", "a number"),
                arguments("relay.listeners = { port = 25 }", "relay.listeners", "a list"),
                arguments("relay.listeners = [{ port = 25, address = \"300.1.1.1\" }]", "relay.listeners[0].address", "300.1.1.1"),
                arguments("relay.listeners = [{ port = 25, allow-plaintext-auth = maybe }]",
                        "relay.listeners[0].allow-plaintext-auth", "true or false"),
                arguments("relay.listeners = [{ port = 25, data-line-endings = lenient }]",
                        "relay.listeners[0].data-line-endings", "strict or normalize"),
                arguments("relay.listeners = [{ port = 25, data-line-endings = [strict] }]",
                        "relay.listeners[0].data-line-endings", "strict or normalize"),
                // tls
                arguments("relay.tls.certificate = /etc/cert.pem", "relay.tls.private-key", "is missing"),
                arguments("relay.tls.private-key = /etc/key.pem", "relay.tls.certificate", "is missing"),
                arguments("relay.tls.protocols = [\"TLSv1.3\", \"TLSv1.1\"]", "relay.tls.protocols[1]", "\"TLSv1.1\""),
                arguments("relay.tls.protocols = []", "relay.tls.protocols", "non-empty"),
                arguments("relay.tls.reload-interval = 0s", "relay.tls.reload-interval", "at least 1s"),
                arguments("relay.tls.reload-interval = often", "relay.tls.reload-interval", "\"often\""),
                arguments("relay.tls = on", "relay.tls", "an object"),
                // accounts
                arguments("relay.accounts = [{ username = x, mailbox = \"x@contoso.com\" }]",
                        "relay.accounts[0].password-hash", "missing"),
                arguments("relay.accounts = [{ username = x, password-hash = \"md5:abc\", mailbox = \"x@contoso.com\" }]",
                        "relay.accounts[0].password-hash", "bcrypt"),
                arguments("relay.accounts = [{ password-hash = \"" + HASH + "\", mailbox = \"x@contoso.com\" }]",
                        "relay.accounts[0].username", "missing"),
                arguments("relay.accounts = [" + ACCOUNT + ", { username = PRINTER, password-hash = \"" + HASH
                        + "\", mailbox = \"p@contoso.com\" }]", "relay.accounts[1].username", "relay.accounts[0]"),
                arguments("relay.accounts = [{ username = x, password-hash = \"" + HASH + "\", mailbox = printer }]",
                        "relay.accounts[0].mailbox", "\"printer\""),
                arguments("relay.accounts = [{ username = x, password-hash = \"" + HASH + "\", mailbox = \"@contoso.com\" }]",
                        "relay.accounts[0].mailbox", "mailbox address"),
                arguments("relay.accounts = [{ username = x, password-hash = \"" + HASH
                        + "\", mailbox = \"x@contoso.com\", allowed-senders = [\"x@contoso.com\", \"contoso.com\"] }]",
                        "relay.accounts[0].allowed-senders[1]", "\"contoso.com\""),
                arguments("relay.accounts = [{ username = x, password-hash = \"" + HASH
                        + "\", mailbox = \"x@contoso.com\", allowed-senders = [] }]", "relay.accounts[0].allowed-senders", "non-empty"),
                arguments("relay.accounts = [{ username = x, password-hash = \"" + HASH
                        + "\", mailbox = \"x@contoso.com\", allowed-senders = \"x@contoso.com\" }]",
                        "relay.accounts[0].allowed-senders", "list"),
                arguments("relay.accounts = [{ username = x, password-hash = \"" + HASH
                        + "\", mailbox = \"x@contoso.com\", sender-mismatch = drop }]", "relay.accounts[0].sender-mismatch", "reject or rewrite"),
                // trusted networks
                arguments("relay.trusted-networks = [{ cidr = \"10.0.0.0/33\", mailbox = \"s@contoso.com\" }]",
                        "relay.trusted-networks[0].cidr", "10.0.0.0/33"),
                arguments("relay.trusted-networks = [{ cidr = \"scanners\", mailbox = \"s@contoso.com\" }]",
                        "relay.trusted-networks[0].cidr", "\"scanners\""),
                arguments("relay.trusted-networks = [{ cidr = \"10.0.0.0/8\" }]", "relay.trusted-networks[0].mailbox", "missing"),
                arguments("relay.trusted-networks = [{ cidr = \"10.0.0.0/8\", mailbox = \"s@contoso.com\" }, "
                        + "{ cidr = \"10.1.2.3/8\", mailbox = \"t@contoso.com\" }]", "relay.trusted-networks[1].cidr", "same network"),
                arguments("relay.trusted-networks = [{ cidr = \"10.0.0.0/8\", mailbox = \"s@contoso.com\", sender-mismatch = allow }]",
                        "relay.trusted-networks[0].sender-mismatch", "\"allow\""),
                arguments("relay.trusted-networks = [{ cidr = \"10.0.0.0/8\", mailbox = \"s@contoso.com\", header-repair { rewrite-from = yes-please } }]",
                        "relay.trusted-networks[0].header-repair.rewrite-from", "true or false"),
                arguments("relay.trusted-networks = [{ cidr = \"10.0.0.0/8\", mailbox = \"s@contoso.com\", header-repair { add-dates = true } }]",
                        "relay.trusted-networks[0].header-repair.add-dates", "did you mean relay.trusted-networks[0].header-repair.add-date?"),
                arguments("relay.trusted-networks = [{ cidr = \"10.0.0.0/8\", mailbox = \"s@contoso.com\", header-repair = true }]",
                        "relay.trusted-networks[0].header-repair", "an object"),
                arguments("relay.header-repair.quote-display-names = true",
                        "relay.header-repair.quote-display-names", "did you mean relay.header-repair.quote-display-name?"),
                arguments("relay.header-repair.add-date = sometimes", "relay.header-repair.add-date", "true or false"),
                arguments("relay.trusted-networks = [{ cidr = \"10.0.0.0/8\", mailbox = \"s@contoso.com\", data-line-endings = crlf }]",
                        "relay.trusted-networks[0].data-line-endings", "\"crlf\""),
                arguments("relay.accounts = [{ username = x, password-hash = \"" + HASH
                        + "\", mailbox = \"x@contoso.com\", data-line-endings = normalize }]",
                        "relay.accounts[0].data-line-endings", "unknown key"),
                // limits
                arguments("relay.limits.max-line-length = 511", "relay.limits.max-line-length", "at least 512"),
                arguments("relay.limits.max-message-size = 0", "relay.limits.max-message-size", "positive"),
                arguments("relay.limits.max-message-size = huge", "relay.limits.max-message-size", "\"huge\""),
                arguments("relay.limits.max-recipients = 0", "relay.limits.max-recipients", "positive"),
                arguments("relay.limits.max-errors = -3", "relay.limits.max-errors", "-3"),
                arguments("relay.limits.max-errors = 2.5", "relay.limits.max-errors", "2.5"),
                arguments("relay.limits.idle-timeout = 500ms", "relay.limits.idle-timeout", "at least 1s"),
                arguments("relay.limits.idle-timeout = 300", "relay.limits.idle-timeout", "unit is required"),
                arguments("relay.limits.max-connections = 0", "relay.limits.max-connections", "positive"),
                arguments("relay.limits.max-connections-per-address = 0", "relay.limits.max-connections-per-address", "positive"),
                arguments("relay.limits.min-free-space = -1", "relay.limits.min-free-space", "0 or more"),
                // top level
                arguments("relay.hostname = \"my relay\"", "relay.hostname", "\"my relay\""),
                arguments("relay.hostname = null", "relay.hostname", "missing"),
                arguments("relay.data-dir = \"\"", "relay.data-dir", "directory"),
                arguments("relay.limts { max-errors = 3 }", "relay.limts", "unknown key"));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("invalidConfigs")
    void eachValidationErrorNamesItsKey(String hocon, String key, String detail) {
        InvalidConfigException e = catchThrowableOfType(InvalidConfigException.class,
                () -> ConfigLoader.parse(BASE + hocon, NO_ENV));
        assertThat(e).as("expected the config to be refused").isNotNull();
        assertThat(e.problems()).as(e.getMessage())
                .anySatisfy(p -> assertThat(p).matches(Pattern.quote(key) + "(: | is missing).*").contains(detail))
                .noneSatisfy(p -> assertThat(p).contains("SECRET"));
    }

    static Stream<String> configsAroundSecrets() {
        return Stream.of(
            // wrong shape of a valid hash, a plaintext password where the hash belongs, and errors around them
            "relay.accounts = [{ username = x, password-hash = \"hunter2-plaintext\", mailbox = \"x@contoso.com\" }]",
            "relay.accounts = [{ username = x, password-hash = [\"hunter2-plaintext\"], mailbox = \"x@contoso.com\" }]",
            "relay.accounts = [{ username = x, password-hash = { p = \"hunter2-plaintext\" }, mailbox = \"x@contoso.com\" }]",
            "relay.accounts = [\"printer:hunter2-plaintext\"]",
            "relay.accounts = { username = x, password-hash = \"hunter2-plaintext\" }",
            "relay.accounts = [{ username = x, password = \"hunter2-plaintext\", mailbox = \"x@contoso.com\" }]",
            "relay.accounts = [" + ACCOUNT + ", " + ACCOUNT + "]",
            "relay.accounts = [{ username = x, password-hash = \"" + HASH + "\", mailbox = nobody }]",
            "relay.accounts = [{ username = x, password-hash = \"" + HASH + "\", mailbox = \"x@contoso.com\", sender-mismatch = no }]",
            "relay.accounts = [{ username = x, password-hash = \"" + HASH + "x\", mailbox = \"x@contoso.com\" }]",
            "relay.accounts = [{ username = x, password-hash = \"" + HASH + "\" ");
    }

    @ParameterizedTest
    @MethodSource("configsAroundSecrets")
    void passwordHashNeverAppearsInAnErrorMessage(String hocon) {
        String message = messageOf(() -> ConfigLoader.parse(hocon, NO_ENV));
        assertThat(message).doesNotContain("SECRET").doesNotContain("hunter2");
    }

    @Test
    void passwordHashNeverAppearsInAnErrorFromAnEnvironmentOverride() {
        String message = messageOf(() -> ConfigLoader.parse("", Map.of(
                "CONFIG_FORCE_relay_accounts", "[{ username = x, password-hash = \"hunter2-plaintext\" ")));
        assertThat(message).contains("CONFIG_FORCE_relay_accounts").doesNotContain("hunter2");
    }

    @Test
    void passwordHashIsNotInTheConfigsToString() throws Exception {
        assertThat(ConfigLoader.parse(BASE, NO_ENV).toString()).doesNotContain("SECRET").contains("printer@contoso.com");
    }

    private static String messageOf(ThrowingCallable call) {
        InvalidConfigException e = catchThrowableOfType(InvalidConfigException.class, call);
        assertThat(e).as("expected InvalidConfigException").isNotNull();
        return e.getMessage();
    }

    /** config/relay.conf, found from the test's working directory (relay-server) upwards. */
    private static Path exampleConfig() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("config").resolve("relay.conf");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("config/relay.conf not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void syntaxErrorInConfigTextIsReported() {
        assertThatThrownBy(() -> ConfigLoader.parse("relay {", NO_ENV)).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("config text");
    }
}
