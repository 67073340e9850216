package dev.oauthrelay.server.inventory;

import dev.oauthrelay.inventory.DeviceInventory;
import dev.oauthrelay.server.config.InventoryConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running relay's inventory: restored from {@code devices.json} at start, saved from a thread
 * of its own every {@code save-interval} when something changed, and once more at {@link #close()}.
 * Events only touch memory ({@link DeviceInventory}); all disk work happens here.
 */
public final class DeviceTracking implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeviceTracking.class);

    private final DeviceInventory inventory;
    private final Path file;
    private final Clock clock;
    private final ScheduledExecutorService saver;
    /** {@link DeviceInventory#changes()} at the last save; guarded by {@code this}. */
    private long savedChanges;

    private DeviceTracking(DeviceInventory inventory, Path file, Clock clock, ScheduledExecutorService saver) {
        this.inventory = inventory;
        this.file = file;
        this.clock = clock;
        this.saver = saver;
        this.savedChanges = inventory.changes();
    }

    /** Restores the saved inventory of {@code dataDir} (a damaged file is set aside) and starts saving. */
    public static DeviceTracking start(InventoryConfig config, Path dataDir, Clock clock) {
        DeviceInventory inventory = new DeviceInventory(clock, config.maxDevices(), config.maxNamesPerDevice());
        Path file = DevicesFile.in(dataDir);
        restore(inventory, file, clock);
        ScheduledExecutorService saver = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "relay-inventory");
            t.setDaemon(true);
            return t;
        });
        DeviceTracking tracking = new DeviceTracking(inventory, file, clock, saver);
        long every = config.saveInterval().toMillis();
        saver.scheduleWithFixedDelay(tracking::saveQuietly, every, every, TimeUnit.MILLISECONDS);
        return tracking;
    }

    private static void restore(DeviceInventory inventory, Path file, Clock clock) {
        try {
            DevicesFile.read(file).ifPresent(saved -> {
                inventory.restore(saved.devices());
                log.info("device inventory: {} devices from {}", saved.devices().size(), file);
            });
        } catch (IOException | IllegalArgumentException e) {
            // The inventory is a report, not mail: start afresh rather than refuse to start.
            Path aside = file.resolveSibling(DevicesFile.NAME + ".damaged-" + clock.millis());
            log.warn("device inventory {} cannot be read ({}); moved to {}, starting with an empty inventory",
                    file, e.getMessage(), aside);
            try {
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException moveFailed) {
                log.warn("cannot move {} aside: {}", file, moveFailed.toString());
            }
        }
    }

    /** The observer to register for the relay's events. */
    public DeviceInventory inventory() {
        return inventory;
    }

    /** The inventory now, most recently seen first. */
    public DevicesJson.Document current() {
        return new DevicesJson.Document(clock.instant(), inventory.snapshot());
    }

    /** Writes {@code devices.json} if anything changed since the last save. */
    public synchronized void save() throws IOException {
        long changes = inventory.changes();
        if (changes == savedChanges) {
            return;
        }
        Instant now = clock.instant();
        DevicesFile.write(file, new DevicesJson.Document(now, inventory.snapshot()));
        savedChanges = changes;
    }

    private void saveQuietly() {
        try {
            save();
        } catch (IOException | RuntimeException e) {
            log.warn("cannot save the device inventory to {}: {}; will try again", file, e.toString());
        }
    }

    /** Stops the periodic save and saves a last time. */
    @Override
    public void close() {
        saver.shutdownNow();
        try {
            saver.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        saveQuietly();
    }
}
