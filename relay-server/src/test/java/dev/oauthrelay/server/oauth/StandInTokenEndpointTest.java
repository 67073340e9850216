package dev.oauthrelay.server.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.server.standin.StandInTokenEndpoint;
import dev.oauthrelay.server.tls.PemFiles;
import dev.oauthrelay.token.AccessToken;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stand-in's own behaviour: raw HTTP for the cases MSAL4J would never produce. */
class StandInTokenEndpointTest {

    private static final String CLIENT = "cccccccc-0000-0000-0000-000000000003";
    private static ClientCertificates.Generated rsa;

    @TempDir
    Path dir;

    private StandInTokenEndpoint endpoint;
    private HttpClient http;

    @BeforeAll
    static void generate() throws Exception {
        rsa = ClientCertificates.rsa("stand-in-test");
    }

    @BeforeEach
    void start() throws Exception {
        endpoint = StandInTokenEndpoint.start(dir);
        endpoint.registerClient(CLIENT, "the-secret");
        endpoint.registerClient(CLIENT, rsa.certificate());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("standin", PemFiles.readCertificateChain(endpoint.certificatePath()).get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        http = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    private HttpResponse<String> post(String url, Map<String, String> form) throws Exception {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(10))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private Map<String, String> assertionForm(String assertion) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("client_id", CLIENT);
        form.put("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        form.put("client_assertion", assertion);
        form.put("scope", OAuthSettings.EXCHANGE_ONLINE_SCOPE);
        return form;
    }

    private static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private String assertion(String aud, Instant exp) throws Exception {
        String x5t = b64(MessageDigest.getInstance("SHA-256").digest(rsa.certificate().getEncoded()));
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"x5t#S256\":\"" + x5t + "\"}";
        String claims = "{\"aud\":\"" + aud + "\",\"iss\":\"" + CLIENT + "\",\"sub\":\"" + CLIENT + "\",\"jti\":\""
                + UUID.randomUUID() + "\",\"nbf\":" + (exp.getEpochSecond() - 600) + ",\"exp\":" + exp.getEpochSecond() + "}";
        String signingInput = b64(header.getBytes(StandardCharsets.UTF_8)) + "." + b64(claims.getBytes(StandardCharsets.UTF_8));
        Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(rsa.keyPair().getPrivate());
        signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + b64(signer.sign());
    }

    @Test
    void handMadeAssertionIsAccepted() throws Exception {
        HttpResponse<String> r = post(endpoint.tokenEndpoint(),
                assertionForm(assertion(endpoint.tokenEndpoint(), Instant.now().plusSeconds(600))));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"token_type\":\"Bearer\"", "\"expires_in\":3599", "\"ext_expires_in\":3599", "\"access_token\":\"");
    }

    @Test
    void assertionForAnotherAudienceIsRefused() throws Exception {
        HttpResponse<String> r = post(endpoint.tokenEndpoint(),
                assertionForm(assertion("https://login.microsoftonline.com/other/oauth2/v2.0/token", Instant.now().plusSeconds(600))));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("\"error\":\"invalid_client\"", "aud");
    }

    @Test
    void expiredAssertionIsRefused() throws Exception {
        HttpResponse<String> r = post(endpoint.tokenEndpoint(),
                assertionForm(assertion(endpoint.tokenEndpoint(), Instant.now().minus(Duration.ofMinutes(10)))));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("AADSTS700024", "\"error_codes\":[700024]");
    }

    @Test
    void tamperedAssertionIsRefused() throws Exception {
        String good = assertion(endpoint.tokenEndpoint(), Instant.now().plusSeconds(600));
        String[] parts = good.split("\\.");
        String forged = parts[0] + "." + b64(("{\"aud\":\"" + endpoint.tokenEndpoint() + "\",\"iss\":\"" + CLIENT
                + "\",\"sub\":\"" + CLIENT + "\",\"exp\":" + (Instant.now().getEpochSecond() + 9999) + "}")
                .getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        HttpResponse<String> r = post(endpoint.tokenEndpoint(), assertionForm(forged));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("AADSTS700027");
    }

    @Test
    void errorsHaveEntrasShape() throws Exception {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("client_id", CLIENT);
        form.put("client_secret", "not-it");
        form.put("scope", OAuthSettings.EXCHANGE_ONLINE_SCOPE);
        HttpResponse<String> r = post(endpoint.tokenEndpoint(), form);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(r.body()).contains("\"error\":\"invalid_client\"", "\"error_description\":\"AADSTS7000215: ",
                "Trace ID: ", "Correlation ID: ", "\"error_codes\":[7000215]", "\"trace_id\"", "\"correlation_id\"")
                .doesNotContain("not-it");
    }

    @Test
    void unknownTenantAndOtherPaths() throws Exception {
        HttpResponse<String> r = post("https://localhost:" + endpoint.port() + "/other-tenant/oauth2/v2.0/token", Map.of());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("AADSTS90002");

        HttpResponse<String> discovery = http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + endpoint.port()
                + "/" + endpoint.tenantId() + "/v2.0/.well-known/openid-configuration")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(discovery.statusCode()).isEqualTo(404);
        assertThat(endpoint.requestCount()).isEqualTo(2);
    }

    @Test
    void revokedAndForeignTokensAreNotValid() throws Exception {
        OAuthSettings settings = new OAuthSettings(endpoint.tenantId(), CLIENT, Optional.of("the-secret"),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), endpoint.authority(),
                OAuthSettings.EXCHANGE_ONLINE_SCOPE, Optional.of(endpoint.certificatePath()));
        endpoint.setTokenLifetime(Duration.ofMinutes(5));
        try (MsalTokenSource source = new MsalTokenSource(settings)) {
            AccessToken token = source.fetch().get(30, TimeUnit.SECONDS);
            assertThat(token.expiresOn()).isBefore(Instant.now().plus(Duration.ofMinutes(6)));
            assertThat(endpoint.isValid(token.value())).isTrue();
            endpoint.revoke(token.value());
            assertThat(endpoint.isValid(token.value())).isFalse();
            assertThat(endpoint.isValid(token.value() + "x")).isFalse();
            assertThat(TokenClaims.parse(token).appId()).isEqualTo(CLIENT);
        }
    }

    @Test
    void a503IsRetriedOnceByMsal() throws Exception {
        OAuthSettings settings = new OAuthSettings(endpoint.tenantId(), CLIENT, Optional.of("the-secret"),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), endpoint.authority(),
                OAuthSettings.EXCHANGE_ONLINE_SCOPE, Optional.of(endpoint.certificatePath()));
        endpoint.failNext(503, "{\"error\":\"temporarily_unavailable\"}");
        try (MsalTokenSource source = new MsalTokenSource(settings)) {
            AccessToken token = source.fetch().get(30, TimeUnit.SECONDS);
            assertThat(endpoint.isValid(token.value())).isTrue();
            assertThat(endpoint.requestCount()).isEqualTo(2);
        }
    }
}
