package dev.oauthrelay.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.server.metrics.AdminHttp;
import dev.oauthrelay.server.metrics.PrometheusText;
import dev.oauthrelay.server.oauth.ClientCertificates;
import dev.oauthrelay.server.standin.StandIns;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/**
 * Credential expiry on a real relay against the stand-ins: a configured client secret expiry, a
 * certificate's notAfter and Entra ID's AADSTS7000222 each show in {@code /metrics}, in the
 * readiness check {@code credentials} (DOWN, yet the relay stays ready) and on the status page.
 */
class CredentialExpiryTest extends DeliveryTestSupport {

    private static final String GAUGE = "relay_credential_expires_in_seconds";

    private HttpResponse<String> ready() {
        return AdminHttp.get(relay.adminPort(), "/health/ready");
    }

    private String statusPage() {
        return AdminHttp.get(relay.adminPort(), "/status").body();
    }

    private double gauge(String credential) {
        return AdminHttp.metrics(relay.adminPort()).value(GAUGE, "upstream_account", "default", "credential", credential);
    }

    private void awaitFirstToken() {
        until("the first token", () -> relay.tokens().orElseThrow().accounts().get(0).smtp().validUntil().isPresent());
    }

    @Test
    void aSecretExpiringWithinTheWarningPeriodShowsEverywhereWithoutTakingTheRelayOutOfRotation() throws Exception {
        LocalDate expires = LocalDate.now(ZoneOffset.UTC).plusDays(10);
        startRelay(standIns.hocon() + "oauth.client-secret-expires = " + expires + "\n");
        awaitFirstToken();

        double seconds = gauge("client-secret");
        assertThat(seconds).isBetween((double) Duration.ofDays(9).toSeconds(), (double) Duration.ofDays(10).toSeconds());

        HttpResponse<String> r = ready();
        assertThat(r.statusCode()).as("an expiring secret does not make the relay unready").isEqualTo(200);
        assertThat(r.body()).startsWith("{\"status\":\"UP\"")
                .contains("\"credentials\":{\"status\":\"DOWN\",\"reason\":\"the client secret of upstream account"
                        + " default expires on " + expires + " (in ")
                .contains("put its value into relay.oauth.client-secret", "\"required\":false")
                .doesNotContain(StandIns.CLIENT_SECRET);

        String page = statusPage();
        assertThat(page).contains("<a href=\"#credentials\">Credentials</a>", "<section id=\"credentials\">",
                        "<span class=\"badge warn\">expiring</span>", expires + " 00:00:00 UTC",
                        "relay.oauth.client-secret-expires")
                .doesNotContain(StandIns.CLIENT_SECRET);
    }

    @Test
    void aSecretWellAheadIsUpAndASecretWithoutADateHasNoGauge() throws Exception {
        LocalDate far = LocalDate.now(ZoneOffset.UTC).plusDays(200);
        startRelay(standIns.hocon() + "oauth.client-secret-expires = " + far + "\n");
        awaitFirstToken();
        assertThat(ready().body()).contains("\"credentials\":{\"status\":\"UP\",\"reason\":\"client secret of default"
                + " expires " + far + "\"");
        stopRelay();

        startRelay();
        awaitFirstToken();
        assertThat(AdminHttp.metrics(relay.adminPort()).has(GAUGE)).as("no gauge while the expiry is unknown").isFalse();
        assertThat(ready().body()).contains("\"credentials\":{\"status\":\"UP\",\"reason\":\"client secret of default:"
                + " expiry unknown\"");
        assertThat(statusPage()).contains("<span class=\"badge\">unknown</span>", "set relay.oauth.client-secret-expires");
    }

    @Test
    void aCertificateCredentialShowsItsNotAfter() throws Exception {
        Instant notAfter = Instant.now().plus(Duration.ofDays(5)).truncatedTo(ChronoUnit.SECONDS);
        ClientCertificates.Generated cert = ClientCertificates.rsa("relay-expiry-test", notAfter);
        Path dir = Files.createDirectories(this.dir.resolve("client-cert"));
        Path certFile = cert.writePem(dir, "client");
        standIns.entra().registerClient(StandIns.CLIENT_ID, cert.certificate());
        startRelay(standIns.hocon() + "oauth { client-secret = null, certificate = \"" + certFile
                + "\", private-key = \"" + dir.resolve("client.key") + "\" }\n");
        awaitFirstToken();

        double seconds = gauge("certificate");
        assertThat(seconds).isBetween((double) Duration.ofDays(4).toSeconds(), (double) Duration.ofDays(5).toSeconds());
        assertThat(ready().statusCode()).isEqualTo(200);
        assertThat(ready().body()).contains("\"credentials\":{\"status\":\"DOWN\",\"reason\":\"the certificate of"
                + " upstream account default expires on ", "point relay.oauth.certificate and relay.oauth.private-key");
        assertThat(statusPage()).contains("<time datetime=\"" + notAfter + "\">", "relay.oauth.certificate");
    }

    @Test
    void entraRefusingTheSecretAsExpiredMarksItExpiredEvenWithoutADate() throws Exception {
        standIns.entra().expireSecret(StandIns.CLIENT_ID, true);
        startRelay();

        until("the credentials check names the expired secret", () -> ready().body().contains(
                "\"credentials\":{\"status\":\"DOWN\",\"reason\":\"the client secret of upstream account default has"
                        + " expired (Entra ID answered AADSTS7000222): create a new client secret"));
        assertThat(gauge("client-secret")).isZero();
        String page = statusPage();
        assertThat(page).contains("<span class=\"badge bad\">expired</span>", "Entra ID answered AADSTS7000222");
        assertThat(ready().body() + page + AdminHttp.get(relay.adminPort(), "/metrics").body())
                .doesNotContain(StandIns.CLIENT_SECRET);
    }
}
