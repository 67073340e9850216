package dev.oauthrelay.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** relay.admin.health. */
class HealthConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() throws Exception {
        HealthConfig h = ConfigLoader.load(Optional.empty(), Map.of()).admin().health();
        assertThat(h).isEqualTo(HealthConfig.DEFAULTS).isEqualTo(new HealthConfig(Duration.ofMinutes(5), true));
    }

    @Test
    void everyKeyCanBeSet() throws Exception {
        HealthConfig h = ConfigLoader.parse("relay.admin.health { upstream-down-after = 0s, ready-needs-delivery = false }",
                Map.of()).admin().health();
        assertThat(h).isEqualTo(new HealthConfig(Duration.ZERO, false));
    }

    @Test
    void badValuesAreNamed() {
        assertThatThrownBy(() -> ConfigLoader.parse("""
                relay.admin.health { upstream-down-after = -1m, ready-needs-delivery = maybe, upstream-down-afte = 1m }
                """, Map.of()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContainingAll("relay.admin.health.upstream-down-after", "relay.admin.health.ready-needs-delivery",
                        "did you mean relay.admin.health.upstream-down-after?");
    }
}
