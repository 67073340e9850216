package dev.oauthrelay.server.config;

import java.time.Duration;

/** Binds {@code relay.inventory}. */
final class InventoryBinder {

    private InventoryBinder() {
    }

    static InventoryConfig inventory(Section s) {
        Boolean enabled = s.bool("enabled", "true or false", true);
        Integer maxDevices = DeliveryBinder.positive(s, "max-devices");
        Integer maxNames = DeliveryBinder.positive(s, "max-names-per-device");
        Duration save = s.duration("save-interval", "a duration of at least 1s, such as 30s", true);
        if (save != null && save.compareTo(Duration.ofSeconds(1)) < 0) {
            s.reject("save-interval", "a duration of at least 1s, such as 30s", false);
            save = null;
        }
        if (enabled == null || maxDevices == null || maxNames == null || save == null) {
            return null;
        }
        return new InventoryConfig(enabled, maxDevices, maxNames, save);
    }
}
