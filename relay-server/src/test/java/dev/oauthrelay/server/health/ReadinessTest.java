package dev.oauthrelay.server.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.spool.Spool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadinessTest {

    @TempDir
    Path dir;

    @Test
    void readyWhenEveryRequiredCheckIsUpAndTheJsonNamesEachCheck() {
        Readiness.Report report = new Readiness()
                .add("listeners", true, () -> CheckResult.up("accepting connections: submission"))
                .add("token", false, () -> CheckResult.down("no valid token; the last fetch failed: \"AADSTS7000222\""))
                .evaluate();
        assertThat(report.up()).isTrue();
        assertThat(report.json()).isEqualTo("{\"status\":\"UP\",\"checks\":{"
                + "\"listeners\":{\"status\":\"UP\",\"reason\":\"accepting connections: submission\",\"required\":true},"
                + "\"token\":{\"status\":\"DOWN\",\"reason\":\"no valid token; the last fetch failed: \\\"AADSTS7000222\\\"\","
                + "\"required\":false}}}");
    }

    @Test
    void aRequiredCheckThatIsDownOrThrowsMakesItNotReady() {
        Readiness readiness = new Readiness()
                .add("spool", true, () -> {
                    throw new IllegalStateException("disk on fire");
                })
                .add("upstream", true, () -> CheckResult.up("fine"));
        Readiness.Report report = readiness.evaluate();
        assertThat(report.up()).isFalse();
        assertThat(report.checks().get("spool").result().reason()).contains("disk on fire");
        assertThat(report.json()).startsWith("{\"status\":\"DOWN\"");
    }

    @Test
    void spoolCheckProbesTheTmpDirectoryAndTheFreeSpace() throws Exception {
        Spool spool = Spool.open(dir);
        CheckResult ok = new SpoolCheck(spool, 1).get();
        assertThat(ok.up()).isTrue();
        assertThat(ok.reason()).startsWith("writable, ").endsWith(" MiB free");
        try (var left = Files.list(spool.tmpDir())) {
            assertThat(left).as("the probe is gone").isEmpty();
        }

        CheckResult full = new SpoolCheck(spool, Long.MAX_VALUE).get();
        assertThat(full.up()).isFalse();
        assertThat(full.reason()).contains("below relay.limits.min-free-space", "452 4.3.1");

        Files.delete(spool.tmpDir());
        Files.writeString(spool.tmpDir(), "not a directory");
        CheckResult broken = new SpoolCheck(spool, 0).get();
        assertThat(broken.up()).isFalse();
        assertThat(broken.reason()).startsWith("cannot write to " + spool.tmpDir());
    }

    @Test
    void listenerCheckNamesTheListenersThatAreNotBound() {
        Map<String, Boolean> bound = new LinkedHashMap<>(Map.of("submission", true));
        ListenerCheck check = new ListenerCheck(() -> bound);
        assertThat(check.get()).isEqualTo(CheckResult.up("accepting connections: submission"));
        bound.put("smtps", false);
        assertThat(check.get()).isEqualTo(CheckResult.down("not accepting connections: smtps"));
        bound.clear();
        assertThat(check.get().up()).isFalse();
    }
}
