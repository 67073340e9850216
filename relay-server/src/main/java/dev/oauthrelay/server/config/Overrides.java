package dev.oauthrelay.server.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Override layers that sit above the config file: {@code CONFIG_FORCE_*} environment variables
 * and {@code -Drelay.*} system properties.
 *
 * <p>The environment mapping is Typesafe's own ({@code ConfigFactory.systemEnvironmentOverrides()}),
 * re-implemented because Typesafe reads the real process environment and tests need to inject
 * a map: after the prefix, {@code _} stands for {@code .}, {@code __} for {@code -} and
 * {@code ___} for {@code _}; four or more underscores in a row are an error.
 */
final class Overrides {

    static final String ENV_PREFIX = "CONFIG_FORCE_";

    private static final Logger log = LoggerFactory.getLogger(Overrides.class);

    private Overrides() {
    }

    /**
     * The {@code CONFIG_FORCE_relay_*} variables of {@code env} as a config. Variables for other
     * top-level keys are left alone: they may belong to another Typesafe Config application
     * sharing the environment.
     */
    static Config fromEnvironment(Map<String, String> env, Problems problems) {
        Config out = ConfigFactory.empty();
        // Sorted, so that a broader override ("relay_tls") and a narrower one ("relay_tls_protocols")
        // combine the same way on every run.
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(ENV_PREFIX)) {
                continue;
            }
            String path;
            try {
                path = envVariableToPath(name);
            } catch (IllegalArgumentException ex) {
                problems.add("environment variable " + name + ": " + ex.getMessage());
                continue;
            }
            if (!path.equals("relay") && !path.startsWith("relay.")) {
                if (path.toLowerCase(Locale.ROOT).startsWith("relay")) {
                    // Typesafe keys are case-sensitive: CONFIG_FORCE_RELAY_HOSTNAME would be ignored.
                    problems.add("environment variable " + name + ": sets " + path
                            + ", which the relay does not read; keys are lower case, e.g. "
                            + ENV_PREFIX + "relay_hostname");
                }
                continue;
            }
            out = withValue(out, path, e.getValue(), "environment variable " + name, problems);
        }
        return out;
    }

    /**
     * The {@code -Drelay.*} system properties that name a known key. Other {@code relay.*}
     * properties are ignored with a warning rather than refused: the system property namespace
     * is shared with the JVM, build tools and test runners (the failsafe configuration, for one,
     * sets {@code relay.jar} and {@code relay.root}).
     */
    static Config fromSystemProperties(Properties properties, Set<String> knownPaths, Problems problems) {
        Config out = ConfigFactory.empty();
        for (String name : new TreeSet<>(properties.stringPropertyNames())) {
            if (!name.startsWith("relay.")) {
                continue;
            }
            if (!knownPaths.contains(name)) {
                log.warn("Ignoring system property {}: not a relay configuration key", name);
                continue;
            }
            out = withValue(out, name, properties.getProperty(name), "system property " + name, problems);
        }
        return out;
    }

    /** Typesafe's environment variable name to path mapping. */
    static String envVariableToPath(String name) {
        String rest = name.substring(ENV_PREFIX.length());
        StringBuilder path = new StringBuilder();
        int underscores = 0;
        for (int i = 0; i <= rest.length(); i++) {
            char c = i < rest.length() ? rest.charAt(i) : 0;
            if (c == '_') {
                underscores++;
                continue;
            }
            switch (underscores) {
                case 0 -> { }
                case 1 -> path.append('.');
                case 2 -> path.append('-');
                case 3 -> path.append('_');
                default -> throw new IllegalArgumentException(
                        underscores + " underscores in a row have no meaning; use _ for '.', __ for '-', ___ for '_'");
            }
            underscores = 0;
            if (c != 0) {
                path.append(c);
            }
        }
        return path.toString();
    }

    /**
     * An override value. One that starts with {@code [} or <code>{</code> is parsed as a HOCON list
     * or object. Anything else stays a literal string: Typesafe converts strings to numbers,
     * booleans, durations and sizes when a key asks for one, and keeping the text literal means a
     * {@code #}, {@code //} or <code>${</code> inside a path or hash is not taken for HOCON syntax.
     */
    static ConfigValue value(String raw, String origin) {
        String trimmed = raw.strip();
        if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
            return ConfigFactory.parseString("value = " + trimmed,
                    ConfigParseOptions.defaults().setOriginDescription(origin)).root().get("value");
        }
        return ConfigValueFactory.fromAnyRef(raw, origin);
    }

    private static Config withValue(Config config, String path, String raw, String origin, Problems problems) {
        try {
            return config.withValue(path, value(raw, origin));
        } catch (ConfigException.BadPath ex) {
            problems.add(origin + ": " + path + " is not a valid key path");
        } catch (ConfigException ex) {
            // The parser's detail quotes the text; leave it out where the value may be a secret.
            problems.add(origin + ": " + path + ": expected a HOCON list [ ... ] or object { ... }"
                    + (path.startsWith("relay.accounts") || path.equals("relay") ? "" : " (" + ex.getMessage() + ")"));
        }
        return config;
    }
}
