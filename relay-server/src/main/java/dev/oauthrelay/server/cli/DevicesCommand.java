package dev.oauthrelay.server.cli;

import dev.oauthrelay.server.config.RelayConfig;
import dev.oauthrelay.server.inventory.DevicesCsv;
import dev.oauthrelay.server.inventory.DevicesFile;
import dev.oauthrelay.server.inventory.DevicesJson;
import dev.oauthrelay.server.inventory.DevicesTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code relay devices [--config FILE] [--format table|json|csv]}: the device inventory saved in
 * {@code <data-dir>/devices.json}. Works whether the relay runs or not: a running relay replaces
 * the file atomically every {@code relay.inventory.save-interval}, so it is at most that old
 * ({@code GET /devices} on the admin port is live).
 */
@Command(name = "devices", description = "List the devices that used the relay: address, accounts, HELO names, "
        + "TLS versions, senders, counts (from <data-dir>/devices.json).")
final class DevicesCommand implements Callable<Integer> {

    static final int EXIT_UNREADABLE = 1;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Configuration file (HOCON): says where the data directory is.")
    Path config;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "table, json or csv (default: ${DEFAULT-VALUE}).")
    String format;

    @Override
    public Integer call() throws IOException {
        if (!List.of("table", "json", "csv").contains(format)) {
            System.err.println("relay: --format must be table, json or csv, not " + format);
            return RunCommand.EXIT_BAD_CONFIG;
        }
        RelayConfig loaded = RunCommand.loadConfig(config);
        if (loaded == null) {
            return RunCommand.EXIT_BAD_CONFIG;
        }
        Path file = DevicesFile.in(loaded.dataDir());
        Optional<DevicesJson.Document> saved;
        try {
            saved = DevicesFile.read(file);
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("relay: cannot read the device inventory " + file + ": " + e.getMessage());
            return EXIT_UNREADABLE;
        }
        if (saved.isEmpty()) {
            System.err.println("relay: no device inventory at " + file + " yet (a running relay writes it every "
                    + loaded.inventory().saveInterval().toSeconds() + "s and when it stops)");
        }
        if (!loaded.inventory().enabled()) {
            System.err.println("relay: relay.inventory.enabled = false: this is what was saved before it was turned off");
        }
        DevicesJson.Document document = saved.orElse(new DevicesJson.Document(Instant.now(), List.of()));
        String text = switch (format) {
            case "json" -> DevicesJson.write(document);
            case "csv" -> DevicesCsv.write(document.devices());
            default -> DevicesTable.write(document);
        };
        // UTF-8 whatever the platform encoding: names from devices may be anything.
        System.out.write(text.getBytes(StandardCharsets.UTF_8));
        System.out.flush();
        return 0;
    }
}
