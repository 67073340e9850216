package dev.oauthrelay.server.config;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;

import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typo protection: every key under {@code relay} must be one that {@code reference.conf} defines,
 * or, inside a list element, one of the element's fields. An unknown key is an error rather
 * than a warning, because a misspelt limit or password key would otherwise be ignored silently
 * and the relay would run with a setting the user believes they changed.
 */
final class KnownKeys {

    private KnownKeys() {
    }

    /** Reports keys in {@code actual} (recursively) that {@code reference} does not define. */
    static void checkTree(ConfigObject actual, ConfigObject reference, String path, Problems problems) {
        for (String key : new TreeSet<>(actual.keySet())) {
            ConfigValue known = reference.get(key);
            String keyPath = path + "." + key;
            if (known == null) {
                problems.add(unknown(keyPath, key, path, reference.keySet()));
            } else if (known instanceof ConfigObject knownObject && actual.get(key) instanceof ConfigObject object) {
                checkTree(object, knownObject, keyPath, problems);
            }
        }
    }

    /** Reports fields of one list element that are not in {@code allowed}. */
    static void checkElement(ConfigObject element, String path, Set<String> allowed, Problems problems) {
        for (String key : new TreeSet<>(element.keySet())) {
            if (!allowed.contains(key)) {
                problems.add(unknown(path + "." + key, key, path, allowed));
            }
        }
    }

    /** Paths of all values (not objects) below {@code object}, e.g. {@code relay.limits.max-errors}. */
    static Set<String> leafPaths(ConfigObject object, String path) {
        Set<String> out = new TreeSet<>();
        object.forEach((key, value) -> {
            String keyPath = path + "." + key;
            if (value instanceof ConfigObject child) {
                out.addAll(leafPaths(child, keyPath));
            } else {
                out.add(keyPath);
            }
        });
        return out;
    }

    private static String unknown(String keyPath, String key, String parent, Collection<String> known) {
        String suggestion = closest(key, known);
        return keyPath + ": unknown key" + (suggestion == null
                ? "; known keys under " + parent + " are " + String.join(", ", new TreeSet<>(known))
                : "; did you mean " + parent + "." + suggestion + "?");
    }

    /** The known key within a small edit distance of {@code key}, if there is one. */
    private static String closest(String key, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = distance(key.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return bestDistance <= Math.max(2, key.length() / 4) ? best : null;
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
