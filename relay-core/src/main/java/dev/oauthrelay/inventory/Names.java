package dev.oauthrelay.inventory;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;

/** Distinct names, least recently used first, at most {@code max}; using one again makes it the newest. */
final class Names {

    private final int max;
    private final LinkedHashSet<String> values = new LinkedHashSet<>();

    Names(int max) {
        this.max = max;
    }

    void add(String name) {
        String value = name;
        if (value.length() > DeviceInventory.MAX_NAME_LENGTH) {
            int end = DeviceInventory.MAX_NAME_LENGTH;
            // Never cut a surrogate pair in half: a lone surrogate has no UTF-8 form.
            value = value.substring(0, Character.isHighSurrogate(value.charAt(end - 1)) ? end - 1 : end);
        }
        values.remove(value);
        values.add(value);
        Iterator<String> oldest = values.iterator();
        while (values.size() > max) {
            oldest.next();
            oldest.remove();
        }
    }

    List<String> list() {
        return List.copyOf(values);
    }
}
