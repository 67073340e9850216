package dev.oauthrelay.server.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValueFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Loads and validates the relay configuration.
 *
 * <p>Layers, strongest first: {@code CONFIG_FORCE_relay_*} environment variables, then
 * {@code -Drelay.*} system properties (only in {@link #load(Optional)}), then the user's file or
 * text, then {@code reference.conf}. Substitutions such as <code>${?SMTP_HOSTNAME}</code> are
 * resolved after merging, against the config itself and then the given environment map, and
 * never against the real process environment unless that is the map passed in: tests stay
 * independent of the machine they run on.
 */
public final class ConfigLoader {

    static final String ROOT = "relay";

    private static final Logger log = LoggerFactory.getLogger(ConfigLoader.class);

    private ConfigLoader() {
    }

    /** Loads file (if present) over reference.conf, applies environment overrides, resolves, validates. */
    public static RelayConfig load(Optional<Path> file, Map<String, String> env) throws InvalidConfigException {
        return load(file, env, new Properties());
    }

    /**
     * As {@link #load(Optional, Map)} with the process environment, plus {@code -Drelay.*} system
     * property overrides. This is the form {@code main} uses.
     */
    public static RelayConfig load(Optional<Path> file) throws InvalidConfigException {
        return load(file, System.getenv(), System.getProperties());
    }

    /** Same but from a config text (used for an embedded demo config). */
    public static RelayConfig parse(String hocon, Map<String, String> env) throws InvalidConfigException {
        Config user;
        try {
            user = ConfigFactory.parseString(hocon, ConfigParseOptions.defaults().setOriginDescription("config text"));
        } catch (ConfigException e) {
            throw new InvalidConfigException("config text: " + e.getMessage());
        }
        return build(user, env, new Properties());
    }

    static RelayConfig load(Optional<Path> file, Map<String, String> env, Properties systemProperties)
            throws InvalidConfigException {
        Config user = file.isPresent() ? parseFile(file.get()) : ConfigFactory.empty();
        return build(user, env, systemProperties);
    }

    private static Config parseFile(Path file) throws InvalidConfigException {
        // A file that was asked for but is missing is an error: starting on defaults instead would
        // run a relay with no accounts, and the cause would be far from the symptom.
        if (!Files.isRegularFile(file)) {
            throw new InvalidConfigException("config file " + file + " does not exist or is not a regular file");
        }
        try {
            return ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
        } catch (ConfigException e) {
            throw new InvalidConfigException("config file " + file + ": " + e.getMessage());
        }
    }

    private static RelayConfig build(Config user, Map<String, String> env, Properties systemProperties)
            throws InvalidConfigException {
        Config reference = ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), "reference.conf");
        // Resolved without any environment, so its key set is stable; the unresolved one is
        // merged below, so that its own substitutions (${?HOSTNAME}) see the environment map.
        Config referenceKeys = reference.resolve(ConfigResolveOptions.noSystem().setAllowUnresolved(true));
        if (!referenceKeys.hasPath(ROOT)) {
            throw new IllegalStateException("reference.conf with a relay block is not on the classpath");
        }
        warnAboutForeignTopLevelKeys(user);

        Problems problems = new Problems();
        Config envOverrides = Overrides.fromEnvironment(env, problems);
        Config propertyOverrides = Overrides.fromSystemProperties(systemProperties,
                KnownKeys.leafPaths(referenceKeys.getObject(ROOT), ROOT), problems);
        problems.throwIfAny();

        // The environment map is the weakest layer, so a substitution finds the config's own keys
        // first (${relay.data-dir}, helper values) and then environment variables. Its keys are
        // single keys, not paths: ${?HOSTNAME} finds HOSTNAME. The real process environment is
        // never consulted (noSystem), only the map: tests stay independent of the machine.
        Config merged = envOverrides.withFallback(propertyOverrides).withFallback(user).withFallback(reference)
                .withFallback(ConfigValueFactory.fromMap(env).toConfig());
        Config resolved;
        try {
            // Other top-level blocks (another library's reference.conf, say) may stay unresolved:
            // only the relay block has to resolve completely, and the second pass says what is missing.
            resolved = merged.resolve(ConfigResolveOptions.noSystem().setAllowUnresolved(true))
                    .withOnlyPath(ROOT).resolve(ConfigResolveOptions.noSystem());
        } catch (ConfigException.UnresolvedSubstitution e) {
            throw new InvalidConfigException(e.getMessage()
                    + "; if it names an environment variable, set it, or write ${?NAME} to make the substitution optional");
        } catch (ConfigException e) {
            // Not e.getMessage(): some resolver errors print the whole config, password hashes included.
            throw new InvalidConfigException("cannot resolve the substitutions in the configuration ("
                    + e.getClass().getSimpleName() + (e.origin() == null ? "" : ", " + e.origin().description()) + ")");
        }
        return RelayConfigBinder.bind(resolved, referenceKeys, problems);
    }

    /**
     * Only {@code relay} is read. Other top-level keys may be helper values for substitutions,
     * so they are not an error, but a misspelt {@code relay} would leave the whole file unused:
     * say so in the log.
     */
    private static void warnAboutForeignTopLevelKeys(Config user) {
        Set<String> others = new TreeSet<>(user.root().keySet());
        others.remove(ROOT);
        if (!others.isEmpty()) {
            log.warn("Configuration has top-level keys {} that the relay does not read; its settings go under '{}'",
                    others, ROOT);
        }
    }
}
