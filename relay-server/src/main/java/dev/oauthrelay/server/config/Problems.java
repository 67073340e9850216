package dev.oauthrelay.server.config;

import java.util.ArrayList;
import java.util.List;

/** Collects configuration problems so that all of them are reported together. */
final class Problems {

    private final List<String> list = new ArrayList<>();

    void add(String problem) {
        list.add(problem);
    }

    boolean isEmpty() {
        return list.isEmpty();
    }

    /** Throws if any problem was recorded. */
    void throwIfAny() throws InvalidConfigException {
        if (!list.isEmpty()) {
            throw new InvalidConfigException(List.copyOf(list));
        }
    }
}
