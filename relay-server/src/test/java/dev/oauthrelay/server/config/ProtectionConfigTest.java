package dev.oauthrelay.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oauthrelay.auth.AuthThrottle;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** relay.limits.auth-failures-per-session, relay.limits.greeting-delay and relay.auth-throttle. */
class ProtectionConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() throws Exception {
        ProtectionConfig p = ConfigLoader.load(Optional.empty(), Map.of()).protection();
        assertThat(p.authFailuresPerSession()).isEqualTo(3);
        assertThat(p.greetingDelay()).isEqualTo(Duration.ofMillis(500));
        assertThat(p.authThrottle()).isEqualTo(AuthThrottle.Settings.DEFAULTS);
    }

    @Test
    void everyKeyCanBeSet() throws Exception {
        ProtectionConfig p = ConfigLoader.parse("""
                relay.limits { auth-failures-per-session = 5, greeting-delay = 0s }
                relay.auth-throttle { delay-after = 2, max-delay = 0s, lockout-after = 20, lockout = 1h,
                                      window = 30m, max-tracked = 500 }
                """, Map.of()).protection();
        assertThat(p).isEqualTo(new ProtectionConfig(5, Duration.ZERO, new AuthThrottle.Settings(2, Duration.ZERO, 20,
                Duration.ofHours(1), Duration.ofMinutes(30), 500)));
    }

    @Test
    void badValuesAreNamedTogether() {
        assertThatThrownBy(() -> ConfigLoader.parse("""
                relay.limits { auth-failures-per-session = 0, greeting-delay = 1m }
                relay.auth-throttle { delay-after = 0, max-delay = -1s, lockout-after = 0, lockout = 0s,
                                      window = 100ms, max-tracked = 0 }
                relay.auth-throttle.lockot = 5m
                """, Map.of()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContainingAll("relay.limits.auth-failures-per-session", "relay.limits.greeting-delay",
                        "relay.auth-throttle.delay-after", "relay.auth-throttle.max-delay",
                        "relay.auth-throttle.lockout-after", "relay.auth-throttle.lockout",
                        "relay.auth-throttle.window", "relay.auth-throttle.max-tracked",
                        "did you mean relay.auth-throttle.lockout?");
    }
}
