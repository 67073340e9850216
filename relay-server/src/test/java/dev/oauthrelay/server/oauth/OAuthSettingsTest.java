package dev.oauthrelay.server.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OAuthSettingsTest {

    @Test
    void toStringNeverShowsTheSecretOrThePkcs12Password() {
        OAuthSettings secret = OAuthSettings.withSecret("tenant-1", "client-1", "Very~Secret.Value");
        assertThat(secret.toString()).doesNotContain("Very~Secret.Value").contains("client secret").contains("client-1");

        OAuthSettings p12 = new OAuthSettings("tenant-1", "client-1", Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of(Path.of("/etc/relay/app.p12")), Optional.of("p12-Passw0rd"),
                OAuthSettings.defaultAuthority("tenant-1"), OAuthSettings.EXCHANGE_ONLINE_SCOPE, Optional.empty());
        assertThat(p12.toString()).doesNotContain("p12-Passw0rd").contains("app.p12");
    }

    @Test
    void authorityGetsATrailingSlash() {
        OAuthSettings s = OAuthSettings.withSecret("t", "c", "x").withAuthority("https://login.microsoftonline.us/t");
        assertThat(s.authority()).isEqualTo("https://login.microsoftonline.us/t/");
    }

    @Test
    void exactlyOneCredential() {
        assertThatThrownBy(() -> new OAuthSettings("t", "c", Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), "https://login.microsoftonline.com/t/", "s", Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exactly one");
        assertThatThrownBy(() -> new OAuthSettings("t", "c", Optional.of("secret"), Optional.empty(), Optional.empty(),
                Optional.of(Path.of("a.p12")), Optional.empty(), "https://login.microsoftonline.com/t/", "s", Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).message().doesNotContain("secret\"");
        assertThatThrownBy(() -> new OAuthSettings("t", "c", Optional.empty(), Optional.of(Path.of("a.crt")),
                Optional.empty(), Optional.empty(), Optional.empty(), "https://login.microsoftonline.com/t/", "s",
                Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("private key");
    }

    @Test
    void authorityMustBeHttps() {
        assertThatThrownBy(() -> OAuthSettings.withSecret("t", "c", "x").withAuthority("http://localhost:8080/t/"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
