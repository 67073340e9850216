package dev.oauthrelay.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** relay.inventory. */
class InventoryConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() throws Exception {
        assertThat(ConfigLoader.load(Optional.empty(), Map.of()).inventory())
                .isEqualTo(new InventoryConfig(true, 10_000, 20, Duration.ofSeconds(30)));
    }

    @Test
    void everyKeyCanBeSet() throws Exception {
        InventoryConfig i = ConfigLoader.parse("""
                relay.inventory { enabled = false, max-devices = 50, max-names-per-device = 5, save-interval = 5m }
                """, Map.of()).inventory();
        assertThat(i).isEqualTo(new InventoryConfig(false, 50, 5, Duration.ofMinutes(5)));
    }

    @Test
    void badValuesAreNamedTogether() {
        assertThatThrownBy(() -> ConfigLoader.parse("""
                relay.inventory { enabled = maybe, max-devices = 0, max-names-per-device = -1, save-interval = 10ms }
                relay.inventory.max-device = 5
                """, Map.of()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContainingAll("relay.inventory.enabled", "relay.inventory.max-devices",
                        "relay.inventory.max-names-per-device", "relay.inventory.save-interval",
                        "did you mean relay.inventory.max-devices?");
    }
}
