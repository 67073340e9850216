package dev.oauthrelay.server.harness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.crash.CrashPoint;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the {@link DurabilityHarness}: {@code -Dharness.cycles} kill cycles (default 20, the CI
 * run; {@code ./durability-harness 200} for the long run), seed {@code -Dharness.seed}. Writes
 * {@code relay-server/target/durability-report.md}, the relay's whole output to
 * {@code durability-relay.log} and one line per upstream copy to {@code durability-copies.csv}
 * beside it.
 */
class DurabilityHarnessIT {

    static final long DEFAULT_SEED = 20261129L;

    @TempDir
    Path dir;

    @Test
    void noAcknowledgedMessageIsLostAcrossKillsCrashPointsAndUpstreamFaults() throws Exception {
        int cycles = Integer.getInteger("harness.cycles", 20);
        long seed = Long.getLong("harness.seed", DEFAULT_SEED);
        int clients = Integer.getInteger("harness.clients", 4);
        Path target = DurabilityHarness.targetDir();
        Path reportFile = target.resolve("durability-report.md");

        DurabilityReport report = new DurabilityHarness(dir, cycles, seed, clients)
                .run(target.resolve("durability-relay.log"));
        String markdown = report.markdown();
        Files.writeString(reportFile, markdown);
        Files.writeString(target.resolve("durability-copies.csv"), report.copiesCsv());
        System.out.println(markdown);
        System.out.println("durability report: " + reportFile);

        assertThat(report.acknowledged()).as("messages acknowledged").isPositive();
        assertThat(report.drain().drained()).as("queue drained after the faults were cleared").isTrue();
        assertThat(report.lost()).as("acknowledged but lost (seed %d)", seed).isEmpty();
        assertThat(report.corrupted()).as("copies that differ from what was sent").isEmpty();
        assertThat(report.partiallyDelivered()).as("unacknowledged messages delivered to some recipients only").isEmpty();
        assertThat(report.unexplainedDuplicates()).as("duplicates without a kill or a dropped final dot").isZero();
        assertThat(report.deadLettered()).as("dead-lettered (only temporary faults were injected)").isZero();
        assertThat(report.unknownUpstreamCopies()).as("upstream copies not sent by the harness").isZero();
        assertThat(report.quarantinedAtRecovery()).as("spool entries quarantined at start-up").isZero();
        assertThat(report.drain().tmpFiles()).as("files left in spool/tmp").isZero();
        for (CrashPoint point : CrashPoint.values()) {
            assertThat(report.hits(point)).as("cycles halted at crash point %s", point.id()).isPositive();
        }
    }
}
