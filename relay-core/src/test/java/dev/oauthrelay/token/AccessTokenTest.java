package dev.oauthrelay.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class AccessTokenTest {

    @Test
    void toStringNeverShowsTheToken() {
        AccessToken t = new AccessToken("eyJhbGciOi.secret-token-value.sig", Instant.parse("2026-03-01T10:00:00Z"));
        assertThat(t.toString()).doesNotContain("secret-token-value").doesNotContain("eyJ").contains("2026-03-01T10:00:00Z");
    }
}
