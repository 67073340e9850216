package dev.oauthrelay.server.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oauthrelay.inventory.Device;
import dev.oauthrelay.server.logging.LogLines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevicesFormatsTest {

    static final Instant FIRST = Instant.parse("2026-11-01T08:00:00Z");
    static final Instant LAST = Instant.parse("2026-11-29T06:15:30Z");
    /** A HELO name as a hostile device might send it (the listener refuses control characters; a file may not). */
    static final String HOSTILE = "=HYPERLINK(\"x\",\"y\"),\u001b[2J\r\n\u202e";

    static Device printer() {
        return new Device("192.0.2.7", FIRST, LAST, List.of("printer"), List.of(), List.of("MFP-2OG", "mfp-2og"),
                List.of("TLSv1.2", "none"), List.of("scan@contoso.com", "<>"), 12, 10, 81234, 1, 2, 3);
    }

    static Device hostile() {
        return new Device("2001:db8::7", FIRST, FIRST, List.of(), List.of("office-lan"), List.of(HOSTILE),
                List.of("none"), List.of("\"a b\"@contoso.com"), 1, 1, 10, 0, 0, 0);
    }

    static final DevicesJson.Document DOCUMENT = new DevicesJson.Document(LAST, List.of(printer(), hostile()));

    @Test
    void jsonRoundTripsEveryFieldAndEveryCharacter() {
        String json = DevicesJson.write(DOCUMENT);

        assertThat(DevicesJson.read(json)).isEqualTo(DOCUMENT);
        assertThat(json.substring(0, json.length() - 1)).doesNotContain("\n", "\r", "\u001b");
        Map<String, Object> parsed = LogLines.json(json.strip());
        assertThat(parsed).containsEntry("version", 1).containsEntry("asOf", "2026-11-29T06:15:30Z");
        @SuppressWarnings("unchecked")
        Map<String, Object> first = ((List<Map<String, Object>>) parsed.get("devices")).get(0);
        assertThat(first).containsEntry("address", "192.0.2.7").containsEntry("firstSeen", "2026-11-01T08:00:00Z")
                .containsEntry("accounts", List.of("printer")).containsEntry("senders", List.of("scan@contoso.com", "<>"))
                .containsEntry("tlsProtocols", List.of("TLSv1.2", "none")).containsKeys("heloNames", "networks",
                        "sessions", "messages", "bytes", "authFailures", "refused", "deliveryFailures");
    }

    @Test
    void jsonReaderSkipsUnknownFieldsAndRejectsOtherVersionsAndGarbage() {
        String later = """
                {"version":1,"asOf":"2026-11-29T06:15:30Z","added":{"x":[1,2]},"devices":[
                 {"address":"192.0.2.9","firstSeen":"2026-11-29T06:00:00Z","lastSeen":"2026-11-29T06:00:00Z","ports":[25]}]}
                """;
        assertThat(DevicesJson.read(later).devices()).singleElement().satisfies(d -> {
            assertThat(d.address()).isEqualTo("192.0.2.9");
            assertThat(d.messages()).isZero();
            assertThat(d.senders()).isEmpty();
        });
        assertThatThrownBy(() -> DevicesJson.read("{\"version\":2,\"asOf\":\"2026-11-29T06:15:30Z\",\"devices\":[]}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version 1");
        assertThatThrownBy(() -> DevicesJson.read("{\"version\":1,\"asOf\":\"2026-11-29T06:15:30Z\",\"devic"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DevicesJson.read("[]")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void csvHasAHeaderAndOneRowPerDeviceWithNothingASpreadsheetWouldRun() {
        String csv = DevicesCsv.write(DOCUMENT.devices());

        List<String> rows = List.of(csv.split("\r\n"));
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0)).isEqualTo("address,firstSeen,lastSeen,accounts,networks,heloNames,tlsProtocols,senders,"
                + "sessions,messages,bytes,authFailures,refused,deliveryFailures");
        assertThat(rows.get(1)).isEqualTo("192.0.2.7,2026-11-01T08:00:00Z,2026-11-29T06:15:30Z,printer,,MFP-2OG;mfp-2og,"
                + "TLSv1.2;none,scan@contoso.com;<>,12,10,81234,1,2,3");
        assertThat(rows.get(2)).startsWith("2001:db8::7,")
                .contains(",office-lan,\"'=HYPERLINK(\"\"x\"\",\"\"y\"\"),\\u001b[2J\\r\\n\\u202e\",none,")
                .contains(",\"\"\"a b\"\"@contoso.com\",")
                .doesNotContain("\u001b", "\r", "\n", "\u202e");
    }

    @Test
    void theTableShowsOneLinePerDeviceWithControlCharactersEscaped() {
        String table = DevicesTable.write(DOCUMENT);

        List<String> lines = table.lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("ADDRESS").contains("LAST SEEN (UTC)", "ACCOUNTS/NETWORKS", "HELO", "TLS",
                "SENDERS", "MESSAGES", "BYTES", "AUTH FAIL", "REFUSED", "FAILED");
        assertThat(lines.get(1)).startsWith("192.0.2.7").contains("2026-11-29 06:15", "printer", "MFP-2OG,mfp-2og",
                "TLSv1.2,none", "scan@contoso.com,<>", "81234");
        assertThat(lines.get(2)).startsWith("2001:db8::7").contains("network:office-lan", "\\u001b[2J")
                .doesNotContain("\u001b", "\u202e");
        assertThat(lines.get(3)).isEqualTo("2 devices, as of 2026-11-29T06:15:30Z");
    }

    @Test
    void theFileIsReplacedWholeAndAMissingFileIsNoInventory(@TempDir Path dir) throws Exception {
        Path file = DevicesFile.in(dir);
        assertThat(DevicesFile.read(file)).isEmpty();

        DevicesFile.write(file, DOCUMENT);
        DevicesFile.write(file, new DevicesJson.Document(LAST, List.of(printer())));

        assertThat(DevicesFile.read(file)).hasValueSatisfying(d -> assertThat(d.devices()).containsExactly(printer()));
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }
}
