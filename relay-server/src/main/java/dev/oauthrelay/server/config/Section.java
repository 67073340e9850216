package dev.oauthrelay.server.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * One object of the resolved configuration ({@code relay}, {@code relay.limits},
 * {@code relay.listeners[1]}) with typed getters that turn every Typesafe failure into a problem
 * naming the full key path. Getters return {@code null} when the key is missing or its value is
 * unusable; the caller then uses its default and the collected problems stop the load later.
 */
final class Section {

    private static final int MAX_SHOWN = 80;
    private static final Pattern BARE_NUMBER = Pattern.compile("\\s*[0-9.]+\\s*");

    private final Config config;
    private final String path;
    private final Problems problems;

    Section(Config config, String path, Problems problems) {
        this.config = config;
        this.path = path;
        this.problems = problems;
    }

    String path() {
        return path;
    }

    String key(String key) {
        return path + "." + key;
    }

    boolean has(String key) {
        return config.hasPath(key);
    }

    /** Whether {@code key} holds a list with no elements. */
    boolean isEmptyList(String key) {
        return config.hasPath(key) && config.getValue(key) instanceof ConfigList list && list.isEmpty();
    }

    /** A nested object, or {@code null} (problem recorded) if it is missing or not an object. */
    Section section(String key) {
        if (!config.hasPath(key)) {
            problems.add(key(key) + " is missing: expected an object { ... }");
            return null;
        }
        ConfigValue value = config.getValue(key);
        if (value.valueType() != ConfigValueType.OBJECT) {
            reject(key, "an object { ... }", false);
            return null;
        }
        return new Section(((ConfigObject) value).toConfig(), key(key), problems);
    }

    /**
     * An optional nested object whose keys must be among {@code allowedKeys} (unknown keys are
     * reported); {@code null} if the key is missing, or if it is not an object (reported).
     */
    Section optionalSection(String key, Set<String> allowedKeys) {
        if (!config.hasPath(key)) {
            return null;
        }
        ConfigValue value = config.getValue(key);
        if (value.valueType() != ConfigValueType.OBJECT) {
            reject(key, "an object { ... }", false);
            return null;
        }
        KnownKeys.checkElement((ConfigObject) value, key(key), allowedKeys, problems);
        return new Section(((ConfigObject) value).toConfig(), key(key), problems);
    }

    /**
     * The elements of a list of objects, each checked against {@code allowedKeys}; elements that
     * are not objects are reported and left out. {@code null} if the key is missing or no list.
     */
    List<Section> objectList(String key, String what, Set<String> allowedKeys) {
        ConfigList list = get(key, "a list of " + what + " objects [ { ... } ]", true, false, Config::getList);
        if (list == null) {
            return null;
        }
        List<Section> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            ConfigValue element = list.get(i);
            String elementPath = key(key) + "[" + i + "]";
            if (element.valueType() != ConfigValueType.OBJECT) {
                // Only the type, never the value: an account element may hold a password.
                problems.add(elementPath + ": expected " + what + " object { ... }, found "
                        + typeName(element.valueType()) + origin(element));
                continue;
            }
            ConfigObject object = (ConfigObject) element;
            Section section = new Section(object.toConfig(), elementPath, problems);
            KnownKeys.checkElement(object, elementPath, allowedKeys, problems);
            out.add(section);
        }
        return out;
    }

    String string(String key, String expect, boolean required) {
        return string(key, expect, required, false);
    }

    /** A string; {@code secret} keeps the value out of any message. */
    String string(String key, String expect, boolean required, boolean secret) {
        return get(key, expect, required, secret, Config::getString);
    }

    Double number(String key, String expect, boolean required) {
        return get(key, expect, required, false, Config::getDouble);
    }

    Boolean bool(String key, String expect, boolean required) {
        return get(key, expect, required, false, Config::getBoolean);
    }

    /** A whole number that fits in an int; unlike Typesafe's getInt, 2.5 is refused rather than cut to 2. */
    Integer integer(String key, String expect, boolean required) {
        Number n = get(key, expect, required, false, Config::getNumber);
        if (n == null) {
            return null;
        }
        if (!(n instanceof Integer || n instanceof Long) || n.longValue() != n.intValue()) {
            reject(key, expect, false);
            return null;
        }
        return n.intValue();
    }

    /** A size in bytes: a number, or a number with a unit such as 35MiB. */
    Long bytes(String key, String expect, boolean required) {
        return get(key, expect, required, false, Config::getBytes);
    }

    /**
     * A duration with a unit, such as 30s. A bare number is refused: Typesafe would read it as
     * milliseconds, so "idle-timeout = 300" would silently mean 0.3 seconds.
     */
    Duration duration(String key, String expect, boolean required) {
        if (config.hasPath(key)) {
            ConfigValue value = config.getValue(key);
            if (value.valueType() == ConfigValueType.NUMBER
                    || (value.valueType() == ConfigValueType.STRING && BARE_NUMBER.matcher((String) value.unwrapped()).matches())) {
                reject(key, expect + " (the unit is required)", false);
                return null;
            }
        }
        return get(key, expect, required, false, Config::getDuration);
    }

    List<String> stringList(String key, String expect, boolean required) {
        return get(key, expect, required, false, Config::getStringList);
    }

    /** Records that the value at {@code key} is not what was expected. */
    void reject(String key, String expect, boolean secret) {
        String found = secret ? "a value that is not shown because it may be a secret" : describe(config.getValue(key));
        problems.add(key(key) + ": expected " + expect + ", found " + found + origin(config.getValue(key)));
    }

    /** Records that element {@code index} of the string list at {@code key} is not what was expected. */
    void rejectItem(String key, int index, String expect) {
        ConfigValue item = config.getList(key).get(index);
        problems.add(key(key) + "[" + index + "]: expected " + expect + ", found " + describe(item) + origin(item));
    }

    /** Records a problem about {@code key} that is not about its shape, e.g. a conflict with another key. */
    void problem(String key, String text) {
        ConfigValue value = config.hasPath(key) ? config.getValue(key) : null;
        problems.add(key(key) + ": " + text + (value == null ? "" : origin(value)));
    }

    private <T> T get(String key, String expect, boolean required, boolean secret,
                      BiFunction<Config, String, T> getter) {
        if (!config.hasPath(key)) {
            if (required) {
                problems.add(key(key) + " is missing: expected " + expect + origin(config.root()));
            }
            return null;
        }
        try {
            return getter.apply(config, key);
        } catch (ConfigException e) {
            reject(key, expect, secret);
            return null;
        }
    }

    /** A short, single-line rendering of a value; lists and objects only by type, as they may hold secrets. */
    static String describe(ConfigValue value) {
        ConfigValueType type = value.valueType();
        if (type == ConfigValueType.LIST || type == ConfigValueType.OBJECT || type == ConfigValueType.NULL) {
            return typeName(type);
        }
        String rendered = value.render(ConfigRenderOptions.concise());
        return rendered.length() <= MAX_SHOWN ? rendered : rendered.substring(0, MAX_SHOWN) + "...";
    }

    static String typeName(ConfigValueType type) {
        return switch (type) {
            case OBJECT -> "an object";
            case LIST -> "a list";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case STRING -> "a string";
        };
    }

    /** Where a value was set, e.g. " (relay.conf: 12)"; empty for merged or built values. */
    static String origin(ConfigValue value) {
        String description = value.origin().description();
        if (description == null || description.startsWith("merge of") || description.startsWith("empty")
                || description.equals("hardcoded value")) {
            return "";
        }
        return " (" + description + ")";
    }
}
