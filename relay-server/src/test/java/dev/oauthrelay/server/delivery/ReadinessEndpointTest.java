package dev.oauthrelay.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.server.listener.TestRelay;
import dev.oauthrelay.server.metrics.AdminHttp;
import dev.oauthrelay.server.standin.StandIns;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /health/ready} of a real relay: ready with the stand-ins up, not ready while the
 * token endpoint or the upstream fails, ready again once they are back.
 */
class ReadinessEndpointTest extends DeliveryTestSupport {

    private static final String RCPT = "alice@fabrikam.example";

    private HttpResponse<String> ready() {
        return AdminHttp.get(relay.adminPort(), "/health/ready");
    }

    private void awaitStatus(int status) {
        eventually().alias("/health/ready answers " + status).until(() -> ready().statusCode() == status);
    }

    @Test
    void readyOnceTheFirstTokenIsThereAndTheJsonNamesEveryCheck() throws Exception {
        startRelay();
        // The token cached, not just requested: until then the check says "the first fetch is under way".
        until("the first token", () -> relay.tokens().orElseThrow().accounts().get(0).smtp().validUntil().isPresent());
        awaitStatus(200);
        HttpResponse<String> r = ready();
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        assertThat(r.body()).startsWith("{\"status\":\"UP\",\"checks\":{")
                .contains("\"listeners\":{\"status\":\"UP\",\"reason\":\"accepting connections: submission, smtps, plain\"",
                        "\"spool\":{\"status\":\"UP\",\"reason\":\"writable, ",
                        "\"token\":{\"status\":\"UP\",\"reason\":\"token valid until ",
                        "\"upstream\":{\"status\":\"UP\",\"reason\":\"no delivery attempt has reached ");
        assertThat(AdminHttp.get(relay.adminPort(), "/health/live").statusCode()).isEqualTo(200);
    }

    @Test
    void notReadyWhileNoValidTokenCanBeHadThenReadyAgain() throws Exception {
        startRelay();
        awaitStatus(200);
        until("a token is cached", () -> ready().body().contains("token valid until"));

        // Exchange rejects the token (535), the relay drops it and cannot get another.
        standIns.entra().setDown(true);
        standIns.exchange().rejectNextAuth(1);
        sendAsPrinter(List.of(RCPT), message("token gone", "body"));
        awaitStatus(503);
        String body = ready().body();
        assertThat(body).startsWith("{\"status\":\"DOWN\"")
                .contains("\"token\":{\"status\":\"DOWN\",\"reason\":\"no valid token; the last fetch failed: ")
                .doesNotContain(StandIns.CLIENT_SECRET);
        assertThat(standIns.entra().issuedTokens()).isNotEmpty().noneMatch(body::contains);

        standIns.entra().setDown(false);
        awaitStatus(200);
        awaitDelivered(1);
    }

    @Test
    void notReadyWhileTheUpstreamRefusesConnectionsThenReadyAgain() throws Exception {
        startRelay(standIns.hocon() + "\nadmin.health.upstream-down-after = 0s");
        awaitStatus(200);

        standIns.exchange().refuseConnections(true);
        sendAsPrinter(List.of(RCPT), message("upstream down", "body"));
        awaitStatus(503);
        assertThat(ready().body()).contains("\"upstream\":{\"status\":\"DOWN\",\"reason\":\"",
                "could not reach " + standIns.exchange().host() + ":" + standIns.exchange().port());

        standIns.exchange().refuseConnections(false);
        awaitDelivered(1);
        awaitStatus(200);
        assertThat(ready().body()).contains("\"upstream\":{\"status\":\"UP\",\"reason\":\"last attempt reached ");
    }

    @Test
    void deliveryChecksCanBeLeftOutOfReadiness() throws Exception {
        standIns.entra().setDown(true);
        startRelay(standIns.hocon() + "\nadmin.health.ready-needs-delivery = false");
        eventually().until(() -> ready().body().contains("\"token\":{\"status\":\"DOWN\""));
        HttpResponse<String> r = ready();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("{\"status\":\"UP\"").contains("\"required\":false");
    }

    @Test
    void notReadyWhenTheSpoolIsBelowItsMinimumFreeSpace() throws Exception {
        startRelay(standIns.hocon() + "\nlimits.min-free-space = 1048576TiB");
        awaitStatus(503);
        assertThat(ready().body()).contains("\"spool\":{\"status\":\"DOWN\"", "below relay.limits.min-free-space");
    }

    @Test
    void withoutDeliveryConfiguredTheRelayIsReadyAndSaysSo() throws Exception {
        relay = TestRelay.start(dir.resolve("relay"), "");
        HttpResponse<String> r = ready();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"token\":{\"status\":\"UP\",\"reason\":\"delivery not configured",
                "\"upstream\":{\"status\":\"UP\",\"reason\":\"delivery not configured");
    }
}
