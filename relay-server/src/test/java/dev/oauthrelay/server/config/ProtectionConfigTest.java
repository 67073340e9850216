package dev.oauthrelay.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oauthrelay.auth.AuthThrottle;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * relay.limits.auth-failures-per-session, greeting-delay, the slow-client limits (command-timeout,
 * min-data-rate, min-data-rate-window) and relay.auth-throttle.
 */
class ProtectionConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() throws Exception {
        ProtectionConfig p = ConfigLoader.load(Optional.empty(), Map.of()).protection();
        assertThat(p.authFailuresPerSession()).isEqualTo(3);
        assertThat(p.greetingDelay()).as("greets at once: a LAN of known devices").isZero();
        assertThat(p.slowClients()).isEqualTo(new SlowClientLimits(Duration.ofMinutes(5), 512, Duration.ofMinutes(5)));
        assertThat(p.authThrottle()).isEqualTo(AuthThrottle.Settings.DEFAULTS);
    }

    @Test
    void everyKeyCanBeSet() throws Exception {
        ProtectionConfig p = ConfigLoader.parse("""
                relay.limits { auth-failures-per-session = 5, greeting-delay = 0s, command-timeout = 30s,
                               min-data-rate = 1KiB, min-data-rate-window = 1m }
                relay.auth-throttle { delay-after = 2, max-delay = 0s, lockout-after = 20, lockout = 1h,
                                      window = 30m, max-tracked = 500 }
                """, Map.of()).protection();
        assertThat(p).isEqualTo(new ProtectionConfig(5, Duration.ZERO,
                new SlowClientLimits(Duration.ofSeconds(30), 1024, Duration.ofMinutes(1)),
                new AuthThrottle.Settings(2, Duration.ZERO, 20, Duration.ofHours(1), Duration.ofMinutes(30), 500)));
    }

    @Test
    void theSlowClientLimitsFollowTheIdleTimeoutUnlessSet() throws Exception {
        SlowClientLimits followed = ConfigLoader.parse("relay.limits.idle-timeout = 10m", Map.of()).protection().slowClients();
        assertThat(followed).isEqualTo(new SlowClientLimits(Duration.ofMinutes(10), 512, Duration.ofMinutes(10)));
        SlowClientLimits own = ConfigLoader.parse("relay.limits { idle-timeout = 10m, command-timeout = 1m }", Map.of())
                .protection().slowClients();
        assertThat(own.commandTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(own.minDataRateWindow()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void aMinimumDataRateOfZeroIsAllowedAndTurnsTheCheckOff() throws Exception {
        assertThat(ConfigLoader.parse("relay.limits.min-data-rate = 0", Map.of()).protection().slowClients().minDataRate())
                .isZero();
    }

    @Test
    void badValuesAreNamedTogether() {
        assertThatThrownBy(() -> ConfigLoader.parse("""
                relay.limits { auth-failures-per-session = 0, greeting-delay = 1m, command-timeout = 500ms,
                               min-data-rate = -1, min-data-rate-window = 30 }
                relay.auth-throttle { delay-after = 0, max-delay = -1s, lockout-after = 0, lockout = 0s,
                                      window = 100ms, max-tracked = 0 }
                relay.auth-throttle.lockot = 5m
                """, Map.of()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContainingAll("relay.limits.auth-failures-per-session", "relay.limits.greeting-delay",
                        "relay.limits.command-timeout", "relay.limits.min-data-rate:",
                        "relay.limits.min-data-rate-window", "unit is required",
                        "relay.auth-throttle.delay-after", "relay.auth-throttle.max-delay",
                        "relay.auth-throttle.lockout-after", "relay.auth-throttle.lockout",
                        "relay.auth-throttle.window", "relay.auth-throttle.max-tracked",
                        "did you mean relay.auth-throttle.lockout?");
    }
}
