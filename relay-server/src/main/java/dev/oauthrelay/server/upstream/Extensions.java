package dev.oauthrelay.server.upstream;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The service extensions in an EHLO reply (RFC 5321 section 4.1.1.1): one keyword per line after
 * the first, with optional parameters. Keywords compare case-insensitively.
 */
record Extensions(Map<String, List<String>> keywords) {

    static final Extensions NONE = new Extensions(Map.of());

    Extensions {
        keywords = Map.copyOf(keywords);
    }

    static Extensions parse(Reply ehlo) {
        Map<String, List<String>> map = new HashMap<>();
        List<String> lines = ehlo.lines();
        for (int i = 1; i < lines.size(); i++) { // the first line is the server's name and greeting
            String[] words = lines.get(i).trim().split("[ =]+");
            if (words.length == 0 || words[0].isEmpty()) {
                continue;
            }
            map.put(words[0].toUpperCase(Locale.ROOT), List.of(Arrays.copyOfRange(words, 1, words.length)));
        }
        return new Extensions(map);
    }

    boolean has(String keyword) {
        return keywords.containsKey(keyword);
    }

    /** The SASL mechanisms of the AUTH keyword (RFC 4954 section 3), upper case. */
    Set<String> authMechanisms() {
        return keywords.getOrDefault("AUTH", List.of()).stream()
                .map(m -> m.toUpperCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }
}
