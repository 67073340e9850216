package dev.oauthrelay.server.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oauthrelay.server.standin.StandInTokenEndpoint;
import dev.oauthrelay.token.AccessToken;
import dev.oauthrelay.token.TokenUnavailableException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MSAL4J, for real, against the stand-in token endpoint on loopback. */
class MsalTokenSourceTest {

    static final String CLIENT_ID = "aaaaaaaa-0000-0000-0000-000000000001";
    static final String SECRET = "s3cr3t~Value.With-Odd_chars";

    private static ClientCertificates.Generated rsa;

    @TempDir
    Path dir;

    private StandInTokenEndpoint endpoint;

    @BeforeAll
    static void generateCertificate() throws Exception {
        rsa = ClientCertificates.rsa("relay-test-app");
    }

    @BeforeEach
    void startEndpoint() {
        endpoint = StandInTokenEndpoint.start(dir);
        endpoint.registerClient(CLIENT_ID, SECRET);
        endpoint.registerClient(CLIENT_ID, rsa.certificate());
    }

    @AfterEach
    void stopEndpoint() {
        endpoint.close();
    }

    private OAuthSettings secretSettings(String secret) {
        return new OAuthSettings(endpoint.tenantId(), CLIENT_ID, Optional.of(secret), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), endpoint.authority(),
                OAuthSettings.EXCHANGE_ONLINE_SCOPE, Optional.of(endpoint.certificatePath()));
    }

    private static AccessToken fetch(MsalTokenSource source) throws Exception {
        return source.fetch().get(30, TimeUnit.SECONDS);
    }

    private static TokenUnavailableException failure(MsalTokenSource source) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> source.fetch().get(30, TimeUnit.SECONDS));
        assertThat(thrown).isInstanceOf(ExecutionException.class).cause().isInstanceOf(TokenUnavailableException.class);
        return (TokenUnavailableException) thrown.getCause();
    }

    @Test
    void clientSecretGetsATokenWithOneRequestAndNothingElse() throws Exception {
        try (MsalTokenSource source = new MsalTokenSource(secretSettings(SECRET))) {
            AccessToken token = fetch(source);

            assertThat(endpoint.isValid(token.value())).isTrue();
            assertThat(token.expiresOn()).isAfter(Instant.now().plus(Duration.ofMinutes(55)));
            // No instance discovery, no openid-configuration: just the token request.
            assertThat(endpoint.requests()).containsExactly("POST /" + endpoint.tenantId() + "/oauth2/v2.0/token");

            TokenClaims claims = TokenClaims.parse(token);
            assertThat(claims.appId()).isEqualTo(CLIENT_ID);
            assertThat(claims.tenantId()).isEqualTo(endpoint.tenantId());
            assertThat(claims.roles()).containsExactly(TokenClaims.SEND_AS_APP_ROLE);
            assertThat(claims.expiresOn()).isBetween(token.expiresOn().minusSeconds(60), token.expiresOn().plusSeconds(60));
        }
    }

    @Test
    void everyFetchAsksTheEndpointBecauseWeCacheOurselves() throws Exception {
        try (MsalTokenSource source = new MsalTokenSource(secretSettings(SECRET))) {
            AccessToken first = fetch(source);
            AccessToken second = fetch(source);
            assertThat(second.value()).isNotEqualTo(first.value());
            assertThat(endpoint.requestCount()).isEqualTo(2);
        }
    }

    @Test
    void certificateFromPemFiles() throws Exception {
        Path cert = rsa.writePem(dir, "client");
        OAuthSettings settings = new OAuthSettings(endpoint.tenantId(), CLIENT_ID, Optional.empty(),
                Optional.of(cert), Optional.of(dir.resolve("client.key")), Optional.empty(), Optional.empty(),
                endpoint.authority(), OAuthSettings.EXCHANGE_ONLINE_SCOPE, Optional.of(endpoint.certificatePath()));
        try (MsalTokenSource source = new MsalTokenSource(settings)) {
            assertThat(endpoint.isValid(fetch(source).value())).isTrue();
        }
    }

    @Test
    void certificateFromPkcs12() throws Exception {
        Path p12 = rsa.writePkcs12(dir, "client", "p12-pass");
        OAuthSettings settings = new OAuthSettings(endpoint.tenantId(), CLIENT_ID, Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of(p12), Optional.of("p12-pass"),
                endpoint.authority(), OAuthSettings.EXCHANGE_ONLINE_SCOPE, Optional.of(endpoint.certificatePath()));
        try (MsalTokenSource source = new MsalTokenSource(settings)) {
            assertThat(endpoint.isValid(fetch(source).value())).isTrue();
        }
    }

    @Test
    void certificateNotRegisteredOnTheApp() throws Exception {
        ClientCertificates.Generated other = ClientCertificates.rsa("someone-else");
        Path cert = other.writePem(dir, "other");
        OAuthSettings settings = new OAuthSettings(endpoint.tenantId(), CLIENT_ID, Optional.empty(),
                Optional.of(cert), Optional.of(dir.resolve("other.key")), Optional.empty(), Optional.empty(),
                endpoint.authority(), OAuthSettings.EXCHANGE_ONLINE_SCOPE, Optional.of(endpoint.certificatePath()));
        try (MsalTokenSource source = new MsalTokenSource(settings)) {
            assertThat(failure(source)).hasMessageContaining("AADSTS700027");
        }
    }

    @Test
    void ecCertificateIsRefusedUpFrontBecauseMsalSignsRs256Only() throws Exception {
        Path cert = ClientCertificates.ec("ec-app").writePem(dir, "ec");
        OAuthSettings settings = new OAuthSettings(endpoint.tenantId(), CLIENT_ID, Optional.empty(),
                Optional.of(cert), Optional.of(dir.resolve("ec.key")), Optional.empty(), Optional.empty(),
                endpoint.authority(), OAuthSettings.EXCHANGE_ONLINE_SCOPE, Optional.empty());
        assertThatThrownBy(() -> new MsalTokenSource(settings))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RSA");
    }

    @Test
    void wrongPkcs12PasswordIsAConfigurationErrorWithoutThePassword() throws Exception {
        Path p12 = rsa.writePkcs12(dir, "client", "right-password");
        OAuthSettings settings = new OAuthSettings(endpoint.tenantId(), CLIENT_ID, Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of(p12), Optional.of("wrong-password"),
                endpoint.authority(), OAuthSettings.EXCHANGE_ONLINE_SCOPE, Optional.empty());
        assertThatThrownBy(() -> new MsalTokenSource(settings))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("client.p12")
                .message().doesNotContain("wrong-password").doesNotContain("right-password");
    }

    @Test
    void wrongSecretNamesTheAadstsCodeButNeverTheSecret() throws Exception {
        String wrong = "wrong-secret-value-123";
        try (MsalTokenSource source = new MsalTokenSource(secretSettings(wrong))) {
            TokenUnavailableException e = failure(source);
            assertThat(e).hasMessageContaining("AADSTS7000215").hasMessageContaining("invalid_client");
            assertThat(e.getMessage()).doesNotContain(wrong).doesNotContain(SECRET);
            assertThat(endpoint.requestCount()).as("invalid_client is not retried").isEqualTo(1);
        }
    }

    @Test
    void unknownApplication() throws Exception {
        OAuthSettings settings = new OAuthSettings(endpoint.tenantId(), "bbbbbbbb-0000-0000-0000-000000000002",
                Optional.of(SECRET), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                endpoint.authority(), OAuthSettings.EXCHANGE_ONLINE_SCOPE, Optional.of(endpoint.certificatePath()));
        try (MsalTokenSource source = new MsalTokenSource(settings)) {
            assertThat(failure(source)).hasMessageContaining("AADSTS700016");
        }
    }

    @Test
    void wrongScope() throws Exception {
        OAuthSettings settings = new OAuthSettings(endpoint.tenantId(), CLIENT_ID, Optional.of(SECRET),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), endpoint.authority(),
                "https://graph.microsoft.com/.default", Optional.of(endpoint.certificatePath()));
        try (MsalTokenSource source = new MsalTokenSource(settings)) {
            assertThat(failure(source)).hasMessageContaining("invalid_scope").hasMessageContaining("AADSTS70011");
        }
    }

    @Test
    void cannedEntraErrorIsPassedOn() throws Exception {
        endpoint.failNext(401, "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000222: The provided"
                + " client secret keys for app '" + CLIENT_ID + "' are expired.\",\"error_codes\":[7000222]}");
        try (MsalTokenSource source = new MsalTokenSource(secretSettings(SECRET))) {
            assertThat(failure(source)).hasMessageContaining("AADSTS7000222").hasMessageContaining("expired");
            assertThat(endpoint.isValid(fetch(source).value())).as("only the next request fails").isTrue();
        }
    }

    @Test
    void endpointDownIsTokenUnavailable() throws Exception {
        endpoint.setDown(true);
        try (MsalTokenSource source = new MsalTokenSource(secretSettings(SECRET))) {
            assertThat(failure(source)).hasMessageContaining("cannot reach the token endpoint");
            endpoint.setDown(false);
            assertThat(endpoint.isValid(fetch(source).value())).isTrue();
        }
    }

    @Test
    void untrustedEndpointCertificateFailsWithoutTheTrustBundle() throws Exception {
        OAuthSettings settings = new OAuthSettings(endpoint.tenantId(), CLIENT_ID, Optional.of(SECRET),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), endpoint.authority(),
                OAuthSettings.EXCHANGE_ONLINE_SCOPE, Optional.empty());
        try (MsalTokenSource source = new MsalTokenSource(settings)) {
            assertThat(failure(source)).hasMessageContaining("TLS");
            assertThat(endpoint.requestCount()).isZero();
        }
    }

    @Test
    void microsoftHostsAreRecognised() {
        assertThat(MsalTokenSource.isMicrosoftHost("https://login.microsoftonline.com/x/")).isTrue();
        assertThat(MsalTokenSource.isMicrosoftHost("https://LOGIN.microsoftonline.us/x/")).isTrue();
        assertThat(MsalTokenSource.isMicrosoftHost("https://localhost:8443/x/")).isFalse();
    }
}
