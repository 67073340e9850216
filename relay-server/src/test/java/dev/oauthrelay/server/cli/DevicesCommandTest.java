package dev.oauthrelay.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.inventory.Device;
import dev.oauthrelay.server.inventory.DevicesFile;
import dev.oauthrelay.server.inventory.DevicesJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code relay devices}: the saved inventory of the configured data directory, in three formats. */
class DevicesCommandTest {

    private static final Instant AS_OF = Instant.parse("2026-11-29T06:15:30Z");
    private static final Device PRINTER = new Device("192.0.2.7", Instant.parse("2026-11-01T08:00:00Z"), AS_OF,
            List.of("printer"), List.of(), List.of("MFP-2OG\u001b[2J"), List.of("TLSv1.2"), List.of("scan@contoso.com"),
            3, 2, 81234, 1, 0, 0);

    @TempDir
    Path dir;
    private Path config;

    @BeforeEach
    void writeConfig() throws Exception {
        config = dir.resolve("relay.conf");
        Files.writeString(config, "relay.data-dir = \"" + dir.resolve("data") + "\"\n");
    }

    private void save(Device... devices) throws Exception {
        Files.createDirectories(dir.resolve("data"));
        DevicesFile.write(DevicesFile.in(dir.resolve("data")), new DevicesJson.Document(AS_OF, List.of(devices)));
    }

    @Test
    void theTableIsTheDefaultWithEscapedNames() throws Exception {
        save(PRINTER);

        CliRun r = CliRun.of("devices", "--config", config.toString());

        assertThat(r.exitCode()).as(r.errors()).isZero();
        assertThat(r.output().lines()).hasSize(3);
        assertThat(r.output()).contains("ADDRESS", "192.0.2.7", "printer", "MFP-2OG\\u001b[2J", "TLSv1.2",
                "scan@contoso.com", "81234", "1 device, as of 2026-11-29T06:15:30Z").doesNotContain("\u001b");
    }

    @Test
    void jsonIsTheSavedDocument() throws Exception {
        save(PRINTER);

        CliRun r = CliRun.of("devices", "--config", config.toString(), "--format", "json");

        assertThat(r.exitCode()).as(r.errors()).isZero();
        assertThat(DevicesJson.read(r.output())).isEqualTo(new DevicesJson.Document(AS_OF, List.of(PRINTER)));
    }

    @Test
    void csvHasAHeaderAndARow() throws Exception {
        save(PRINTER);

        CliRun r = CliRun.of("devices", "-c", config.toString(), "--format", "csv");

        assertThat(r.exitCode()).as(r.errors()).isZero();
        String[] rows = r.output().split("\r\n");
        assertThat(rows).hasSize(2);
        assertThat(rows[1]).startsWith("192.0.2.7,2026-11-01T08:00:00Z,");
    }

    @Test
    void withoutAnInventoryYetTheListIsEmptyAndStderrSaysWhy() {
        CliRun r = CliRun.of("devices", "--config", config.toString(), "--format", "json");

        assertThat(r.exitCode()).isZero();
        assertThat(DevicesJson.read(r.output()).devices()).isEmpty();
        assertThat(r.errors()).contains("no device inventory at " + DevicesFile.in(dir.resolve("data")));
    }

    @Test
    void aDamagedFileOrAnUnknownFormatIsAnError() throws Exception {
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(DevicesFile.in(dir.resolve("data")), "{\"version\":1,");

        CliRun damaged = CliRun.of("devices", "--config", config.toString());
        CliRun xml = CliRun.of("devices", "--config", config.toString(), "--format", "xml");

        assertThat(damaged.exitCode()).isEqualTo(1);
        assertThat(damaged.errors()).startsWith("relay: cannot read the device inventory ");
        assertThat(xml.exitCode()).isEqualTo(2);
        assertThat(xml.errors()).contains("--format must be table, json or csv");
    }
}
