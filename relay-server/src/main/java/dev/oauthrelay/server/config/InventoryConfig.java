package dev.oauthrelay.server.config;

import java.time.Duration;
import java.util.Objects;

/**
 * {@code relay.inventory}: the device inventory kept in {@code <data-dir>/devices.json}.
 *
 * @param enabled           keep it at all
 * @param maxDevices        devices kept; beyond, the least recently seen is dropped
 * @param maxNamesPerDevice accounts, networks, HELO names, TLS versions and senders kept per device, each
 * @param saveInterval      how often changes are written to disk (and always when the relay stops)
 */
public record InventoryConfig(boolean enabled, int maxDevices, int maxNamesPerDevice, Duration saveInterval) {

    public InventoryConfig {
        Objects.requireNonNull(saveInterval, "saveInterval");
    }
}
