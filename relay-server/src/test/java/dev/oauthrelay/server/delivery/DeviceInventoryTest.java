package dev.oauthrelay.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.inventory.Device;
import dev.oauthrelay.server.inventory.DevicesFile;
import dev.oauthrelay.server.inventory.DevicesJson;
import dev.oauthrelay.server.listener.SmtpTestClient;
import dev.oauthrelay.server.listener.TestRelay;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The device inventory of a real relay: what devices did, served on {@code GET /devices}, kept in
 * {@code devices.json} across a restart, bounded by {@code relay.inventory.max-devices}.
 */
class DeviceInventoryTest extends DeliveryTestSupport {

    private static final String RCPT = "alice@fabrikam.example";
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + relay.adminPort() + path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<Device> served() throws Exception {
        HttpResponse<String> response = get("/devices");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        return DevicesJson.read(response.body()).devices();
    }

    private Path devicesFile() {
        return DevicesFile.in(dir.resolve("relay"));
    }

    @Test
    void theInventorySurvivesARestartAndKeepsCounting() throws Exception {
        startRelay();
        sendAsPrinter(List.of(RCPT), message("first", "page"));

        Device before = served().get(0);
        assertThat(served()).hasSize(1);
        assertThat(before.address()).isEqualTo("127.0.0.1");
        assertThat(before.accounts()).containsExactly(TestRelay.USER);
        assertThat(before.heloNames()).containsExactly("printer-2og");
        assertThat(before.tlsProtocols()).containsExactly("TLSv1.3");
        assertThat(before.senders()).containsExactly(TestRelay.MAILBOX);
        assertThat(before.messages()).isEqualTo(1);
        assertThat(before.bytes()).isPositive();
        assertThat(before.sessions()).isEqualTo(1);

        stopRelay();
        assertThat(DevicesFile.read(devicesFile())).hasValueSatisfying(saved ->
                assertThat(saved.devices()).singleElement().satisfies(d -> {
                    assertThat(d.messages()).isEqualTo(1);
                    assertThat(d.accounts()).containsExactly(TestRelay.USER);
                }));

        startRelay();
        assertThat(served()).singleElement().satisfies(d -> assertThat(d.messages()).isEqualTo(1));
        sendAsPrinter(List.of(RCPT), message("second", "page"));

        Device after = served().get(0);
        assertThat(after.messages()).isEqualTo(2);
        assertThat(after.bytes()).isGreaterThan(before.bytes());
        assertThat(after.sessions()).isEqualTo(2);
        assertThat(after.firstSeen()).isEqualTo(before.firstSeen());
        assertThat(after.lastSeen()).isAfterOrEqualTo(before.lastSeen());
    }

    @Test
    void devicesAreServedAsCsvOnRequest() throws Exception {
        startRelay();
        try (SmtpTestClient c = TestRelay.trustedHost(relay, "mfp-east")) {
            c.sendMail(TestRelay.SCANNER_MAILBOX, List.of(RCPT), message("scan", "page"));
        }

        for (HttpResponse<String> csv : List.of(get("/devices?format=csv"), get("/devices", "Accept", "text/csv"))) {
            assertThat(csv.statusCode()).isEqualTo(200);
            assertThat(csv.headers().firstValue("Content-Type")).hasValue("text/csv; charset=utf-8");
            List<String> rows = List.of(csv.body().split("\r\n"));
            assertThat(rows).hasSize(2);
            assertThat(rows.get(0)).startsWith("address,firstSeen,lastSeen,accounts,networks,heloNames,tlsProtocols,senders,");
            assertThat(rows.get(1)).startsWith(TestRelay.TRUSTED_HOST + ",")
                    .contains(",mfp-east,none," + TestRelay.SCANNER_MAILBOX + ",1,1,");
        }
        assertThat(get("/devices?format=xml").statusCode()).isEqualTo(400);
    }

    @Test
    void beyondMaxDevicesTheLeastRecentlySeenIsDropped() throws Exception {
        startRelay(standIns.hocon() + "\ninventory.max-devices = 1");
        sendAsPrinter(List.of(RCPT), message("from 127.0.0.1", "page"));
        try (SmtpTestClient c = TestRelay.trustedHost(relay, "mfp-east")) {
            c.expect(c.command("QUIT"), "221");
        }

        assertThat(served()).extracting(Device::address).containsExactly(TestRelay.TRUSTED_HOST);
    }

    @Test
    void aDisabledInventoryIsNeitherServedNorSaved() throws Exception {
        startRelay(standIns.hocon() + "\ninventory.enabled = false");
        sendAsPrinter(List.of(RCPT), message("unseen", "page"));

        assertThat(get("/devices").statusCode()).isEqualTo(404);
        stopRelay();
        assertThat(devicesFile()).doesNotExist();
    }
}
