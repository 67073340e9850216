package dev.oauthrelay.server.health;

import dev.oauthrelay.spool.Spool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The spool can take mail: a probe file can be created and deleted in its {@code tmp/} directory
 * (where messages are written before they are committed), and the free space is above
 * {@code relay.limits.min-free-space}, below which MAIL FROM is answered {@code 452 4.3.1}. A probe
 * left behind by a crash is removed by the start-up recovery like any leftover in {@code tmp/}.
 */
public final class SpoolCheck implements Supplier<CheckResult> {

    private final Spool spool;
    private final long minFreeSpace;

    public SpoolCheck(Spool spool, long minFreeSpace) {
        this.spool = spool;
        this.minFreeSpace = minFreeSpace;
    }

    @Override
    public CheckResult get() {
        Path probe = null;
        try {
            probe = Files.createTempFile(spool.tmpDir(), "health-", ".probe");
            Files.delete(probe);
        } catch (IOException | RuntimeException e) {
            return CheckResult.down("cannot write to " + spool.tmpDir() + ": " + e);
        } finally {
            deleteQuietly(probe);
        }
        long free;
        try {
            free = spool.usableSpace();
        } catch (IOException e) {
            return CheckResult.down("cannot read the free space of " + spool.queueDir() + ": " + e);
        }
        if (minFreeSpace > 0 && free < minFreeSpace) {
            return CheckResult.down(mib(free) + " free, below relay.limits.min-free-space (" + mib(minFreeSpace)
                    + "): MAIL FROM is answered 452 4.3.1");
        }
        return CheckResult.up("writable, " + mib(free) + " free");
    }

    private static String mib(long bytes) {
        return (bytes / (1024 * 1024)) + " MiB";
    }

    private static void deleteQuietly(Path probe) {
        if (probe != null) {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException ignored) {
                // Reported above; recovery removes it at the next start.
            }
        }
    }
}
