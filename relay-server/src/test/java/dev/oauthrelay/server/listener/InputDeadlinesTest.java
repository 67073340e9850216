package dev.oauthrelay.server.listener;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.server.listener.InputDeadlines.Verdict;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The slow-drip rules on a clock of plain numbers: no test waits. */
class InputDeadlinesTest {

    private static final long S = 1_000_000_000L;
    /** An arbitrary start, near the wrap-around of System.nanoTime() on purpose. */
    private static final long T0 = Long.MAX_VALUE - 10 * S;

    /** 60 s per command line; 100 bytes/s over a 30 s window. */
    private final InputDeadlines d = new InputDeadlines(Duration.ofSeconds(60), 100, Duration.ofSeconds(30));

    private static long at(long seconds) {
        return T0 + seconds * S;
    }

    @Test
    void nothingIsWatchedWhileNoLineIsUnderWay() {
        assertThat(d.nextCheck()).isEmpty();
        assertThat(d.check(at(100_000))).isEqualTo(Verdict.IN_TIME);
    }

    @Test
    void aDribbledCommandLineIsCutAtItsDeadlineCountedFromItsFirstByte() {
        d.lineStarted(at(0));
        for (long t = 5; t < 60; t += 5) {
            d.lineStarted(at(t)); // one more byte every 5 s: the deadline does not move
            assertThat(d.check(at(t))).isEqualTo(Verdict.IN_TIME);
        }
        assertThat(d.nextCheck()).isEqualTo(OptionalLong.of(at(60)));
        assertThat(d.check(at(60))).isEqualTo(Verdict.COMMAND_TOO_SLOW);
    }

    @Test
    void eachLineGetsItsOwnDeadlineAndWaitingBetweenLinesIsTheIdleTimeoutsBusiness() {
        d.lineStarted(at(0));
        d.lineEnded();
        assertThat(d.check(at(500))).isEqualTo(Verdict.IN_TIME);
        d.lineStarted(at(500));
        assertThat(d.check(at(559))).isEqualTo(Verdict.IN_TIME);
        assertThat(d.check(at(560))).isEqualTo(Verdict.COMMAND_TOO_SLOW);
    }

    @Test
    void silenceAfterThe354UsesUpTheGracePeriod() {
        d.dataStarted(at(0));
        assertThat(d.nextCheck()).isEqualTo(OptionalLong.of(at(30)));
        assertThat(d.check(at(29))).isEqualTo(Verdict.IN_TIME);
        assertThat(d.check(at(30))).isEqualTo(Verdict.DATA_TOO_SLOW);
    }

    @Test
    void aTrickleBelowTheRateRunsOutOfTimeAndOneAtTheRateDoesNot() {
        d.dataStarted(at(0));
        for (long t = 1; t <= 300; t++) {
            d.dataReceived(at(t), 100); // exactly the minimum rate: the budget stays full
            assertThat(d.check(at(t))).isEqualTo(Verdict.IN_TIME);
        }
        InputDeadlines slow = new InputDeadlines(Duration.ofSeconds(60), 100, Duration.ofSeconds(30));
        slow.dataStarted(at(0));
        long t = 0;
        while (slow.check(at(t)) == Verdict.IN_TIME) {
            t++;
            slow.dataReceived(at(t), 50); // half the rate: loses half a second every second
        }
        // 30 s in hand, half a second lost every second: gone after about a minute (the bytes at
        // 58 s paid for the time until 59 s).
        assertThat(t).isEqualTo(59);
    }

    @Test
    void aBurstBuysTimeForAPauseButNeverMoreThanOneWindow() {
        d.dataStarted(at(0));
        d.dataReceived(at(1), 10_000_000); // a scanned page: worth days at 100 B/s, capped at 30 s
        assertThat(d.nextCheck()).isEqualTo(OptionalLong.of(at(31)));
        assertThat(d.check(at(30))).isEqualTo(Verdict.IN_TIME);
        d.dataReceived(at(30), 500); // 5 s more
        assertThat(d.nextCheck()).isEqualTo(OptionalLong.of(at(36)));
        assertThat(d.check(at(36))).isEqualTo(Verdict.DATA_TOO_SLOW);
    }

    @Test
    void anExhaustedBudgetIsNotRefilledByLateBytes() {
        d.dataStarted(at(0));
        d.dataReceived(at(31), 1_000_000);
        assertThat(d.check(at(31))).isEqualTo(Verdict.DATA_TOO_SLOW);
    }

    @Test
    void theEndOfTheDataStopsTheRateRule() {
        d.dataStarted(at(0));
        d.dataEnded();
        assertThat(d.nextCheck()).isEmpty();
        assertThat(d.check(at(1000))).isEqualTo(Verdict.IN_TIME);
    }

    @Test
    void aRateOfZeroTurnsTheDataRuleOff() {
        InputDeadlines off = new InputDeadlines(Duration.ofSeconds(60), 0, Duration.ofSeconds(30));
        off.dataStarted(at(0));
        assertThat(off.nextCheck()).isEmpty();
        assertThat(off.check(at(100_000))).isEqualTo(Verdict.IN_TIME);
    }

    @Test
    void hugeDurationsDoNotOverflow() {
        InputDeadlines lenient = new InputDeadlines(Duration.ofDays(1_000_000), 1, Duration.ofDays(1_000_000));
        lenient.lineStarted(at(0));
        assertThat(lenient.check(at(1_000_000))).isEqualTo(Verdict.IN_TIME);
        lenient.lineEnded();
        lenient.dataStarted(at(0));
        lenient.dataReceived(at(1), Long.MAX_VALUE);
        assertThat(lenient.check(at(1_000_000))).isEqualTo(Verdict.IN_TIME);
    }
}
