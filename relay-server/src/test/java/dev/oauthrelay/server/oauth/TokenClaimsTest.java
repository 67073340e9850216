package dev.oauthrelay.server.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.token.AccessToken;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class TokenClaimsTest {

    private static final Instant EXPIRES = Instant.parse("2026-03-01T11:00:00Z");

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsAnExchangeOnlineV1Token() {
        String payload = "{\"aud\":\"https://outlook.office365.com\",\"appid\":\"app-1\",\"tid\":\"tenant-1\","
                + "\"roles\":[\"SMTP.SendAsApp\",\"full_access_as_app\"],\"exp\":1772362800,\"nested\":{\"a\":[1,2]}}";
        TokenClaims claims = TokenClaims.parse(new AccessToken(b64("{\"alg\":\"RS256\"}") + "." + b64(payload) + ".c2ln", EXPIRES));
        assertThat(claims.appId()).isEqualTo("app-1");
        assertThat(claims.tenantId()).isEqualTo("tenant-1");
        assertThat(claims.roles()).containsExactly("SMTP.SendAsApp", "full_access_as_app");
        assertThat(claims.hasRole(TokenClaims.SEND_AS_APP_ROLE)).isTrue();
        assertThat(claims.expiresOn()).isEqualTo(Instant.ofEpochSecond(1772362800L));
    }

    @Test
    void v2TokensNameTheAppInAzp() {
        TokenClaims claims = TokenClaims.parse(new AccessToken(b64("{}") + "." + b64("{\"azp\":\"app-2\",\"tid\":\"t\"}") + ".x", EXPIRES));
        assertThat(claims.appId()).isEqualTo("app-2");
        assertThat(claims.roles()).isEmpty();
        assertThat(claims.expiresOn()).isEqualTo(EXPIRES);
    }

    @Test
    void opaqueTokensGiveEmptyValues() {
        for (String opaque : new String[] {"EwBwA8l6BAAU-opaque", "a.b.c", "a.!!!.c", "a." + b64("[1,2]") + ".c"}) {
            TokenClaims claims = TokenClaims.parse(new AccessToken(opaque, EXPIRES));
            assertThat(claims.appId()).isEmpty();
            assertThat(claims.tenantId()).isEmpty();
            assertThat(claims.roles()).isEmpty();
            assertThat(claims.expiresOn()).isEqualTo(EXPIRES);
        }
    }
}
