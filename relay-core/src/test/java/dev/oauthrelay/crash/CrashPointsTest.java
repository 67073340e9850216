package dev.oauthrelay.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CrashPointsTest {

    @Test
    void withoutThePropertyReachingEveryPointDoesNothing() {
        assertThat(System.getProperty("relay.test.crash-point")).isNull();
        for (CrashPoint p : CrashPoint.values()) {
            CrashPoints.reach(p); // would halt the test JVM if armed
        }
    }

    @Test
    void idsAreUniqueAndStable() {
        assertThat(Arrays.stream(CrashPoint.values()).map(CrashPoint::id)).doesNotHaveDuplicates()
                .contains("after-spool-commit-before-ack", "after-rename-before-dir-sync", "mid-delivery",
                        "after-upstream-accept-before-remove");
    }
}
