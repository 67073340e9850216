package dev.oauthrelay.auth;

import dev.oauthrelay.testsupport.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class AuthThrottleTest {

    private static final String A = "192.0.2.1";
    private static final String B = "192.0.2.2";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));
    private final AuthThrottle throttle = new AuthThrottle(AuthThrottle.Settings.DEFAULTS, clock);

    private void fail(String address, String user, int times) {
        for (int i = 0; i < times; i++) {
            assertThat(throttle.admit(address, user).locked()).as("attempt %d", i + 1).isFalse();
            throttle.failed(address, user);
        }
    }

    private Duration delay(String address, String user) {
        return throttle.admit(address, user).delay();
    }

    @Test
    void noDelayForTheFirstFailuresThenADoublingDelayUpToTheCap() {
        assertThat(delay(A, "printer")).isZero();
        fail(A, "printer", 2);
        assertThat(delay(A, "printer")).isZero();
        fail(A, "printer", 1);
        assertThat(delay(A, "printer")).isEqualTo(Duration.ofSeconds(1));
        fail(A, "printer", 1);
        assertThat(delay(A, "printer")).isEqualTo(Duration.ofSeconds(2));
        fail(A, "printer", 1);
        assertThat(delay(A, "printer")).isEqualTo(Duration.ofSeconds(4));
        fail(A, "printer", 1);
        assertThat(delay(A, "printer")).isEqualTo(Duration.ofSeconds(8));
        fail(A, "printer", 1);
        assertThat(delay(A, "printer")).as("capped at max-delay").isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void lockoutRefusesEvenTheRightPasswordUntilItEnds() {
        fail(A, "printer", 9);
        assertThat(throttle.admit(A, "printer").locked()).isFalse();
        throttle.failed(A, "printer");

        // Locked: the password is not even checked, and the reply waits the longest delay.
        AuthThrottle.Admission locked = throttle.admit(A, "printer");
        assertThat(locked.locked()).isTrue();
        assertThat(locked.delay()).isEqualTo(Duration.ofSeconds(8));
        // The account is locked from anywhere, the address for any account.
        assertThat(throttle.admit(B, "printer").locked()).isTrue();
        assertThat(throttle.admit(A, "scanner").locked()).isTrue();
        assertThat(throttle.admit(B, "scanner").locked()).isFalse();

        clock.advance(Duration.ofMinutes(15).minusSeconds(1));
        assertThat(throttle.admit(A, "printer").locked()).isTrue();
        clock.advance(Duration.ofSeconds(1));
        AuthThrottle.Admission after = throttle.admit(A, "printer");
        assertThat(after.locked()).isFalse();
        assertThat(after.delay()).as("the count starts over after a lockout").isZero();
    }

    @Test
    void eachLockoutIsLoggedOnceAsAWarningNamingTheAddressAndTheAccount() {
        Logger logger = (Logger) LoggerFactory.getLogger(AuthThrottle.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try {
            fail(A, "Printer", 10);
            for (int i = 0; i < 5; i++) {
                throttle.admit(A, "printer"); // refused attempts during the lockout: no more warnings
            }
            assertThat(logged.list).extracting(ILoggingEvent::getLevel).containsExactly(Level.WARN, Level.WARN);
            assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage)
                    .anySatisfy(m -> assertThat(m).contains("address 192.0.2.1 locked out for PT15M"))
                    .anySatisfy(m -> assertThat(m).contains("account \"printer\" locked out"));
            clock.advance(Duration.ofMinutes(15));
            fail(A, "printer", 10);
            assertThat(logged.list).as("a new lockout is logged again").hasSize(4);
        } finally {
            logger.detachAppender(logged);
        }
    }

    @Test
    void aSuccessDuringTheLockoutIsImpossibleAndDoesNotLiftIt() {
        fail(A, "printer", 10);
        throttle.succeeded(A, "printer"); // e.g. another session admitted just before the lockout
        assertThat(throttle.admit(A, "printer").locked()).isTrue();
    }

    @Test
    void failuresOlderThanTheWindowNoLongerCount() {
        fail(A, "printer", 6);
        assertThat(delay(A, "printer")).isEqualTo(Duration.ofSeconds(8));
        clock.advance(Duration.ofMinutes(10));
        fail(A, "printer", 3);
        // 9 failures in total, but only 3 within the last 15 minutes after 6 more minutes.
        clock.advance(Duration.ofMinutes(6));
        assertThat(delay(A, "printer")).isEqualTo(Duration.ofSeconds(1));
        fail(A, "printer", 6);
        assertThat(throttle.admit(A, "printer").locked()).as("9 within the window").isFalse();
        throttle.failed(A, "printer");
        assertThat(throttle.admit(A, "printer").locked()).as("10 within the window").isTrue();
    }

    @Test
    void addressesAndAccountsAreCountedSeparately() {
        // One address trying many accounts: the address is locked, the accounts are not.
        for (int i = 0; i < 10; i++) {
            fail(A, "user" + i, 1);
        }
        assertThat(throttle.admit(A, "someone-else").locked()).isTrue();
        assertThat(throttle.admit(B, "user0").locked()).isFalse();
        assertThat(delay(B, "user0")).isZero();

        // Many addresses trying one account: the account is locked, the addresses are not.
        for (int i = 0; i < 10; i++) {
            fail("198.51.100." + i, "printer", 1);
        }
        assertThat(throttle.admit(B, "printer").locked()).isTrue();
        assertThat(throttle.admit("198.51.100.0", "scanner").locked()).isFalse();
    }

    @Test
    void usernamesCountIgnoringCase() {
        fail(A, "Printer", 5);
        fail(B, "PRINTER", 5);
        assertThat(throttle.admit("203.0.113.9", "printer").locked()).isTrue();
    }

    @Test
    void unknownAndExistingUsernamesAreTreatedAlike() {
        // The throttle does not know which accounts exist: same counting, same delays.
        fail(A, "printer", 4);
        fail(B, "no-such-user", 4);
        assertThat(delay(A, "printer")).isEqualTo(delay(B, "no-such-user")).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void successResetsTheAddressAndTheAccount() {
        fail(A, "printer", 5);
        throttle.succeeded(A, "printer");
        assertThat(delay(A, "printer")).isZero();
        assertThat(delay(A, "other")).isZero();
        assertThat(delay(B, "printer")).isZero();
        assertThat(throttle.tracked()).isZero();
    }

    @Test
    void trackedEntriesAreBoundedAndTheStalestIsForgottenFirst() {
        AuthThrottle small = new AuthThrottle(new AuthThrottle.Settings(3, Duration.ofSeconds(8), 10,
                Duration.ofMinutes(15), Duration.ofMinutes(15), 100), clock);
        for (int i = 0; i < 10; i++) {
            small.failed("10.0.0.1", "target");
        }
        assertThat(small.admit("10.0.0.1", "target").locked()).isTrue();
        // A spray of 10 000 addresses and usernames: memory stays bounded.
        for (int i = 0; i < 10_000; i++) {
            small.failed("10.1." + (i / 256) + "." + (i % 256), "spray" + i);
            assertThat(small.tracked()).isLessThanOrEqualTo(100);
        }
        // The stalest entries went first: the lockout was forgotten, recent sprayers are still counted.
        assertThat(small.admit("10.0.0.1", "target").locked()).isFalse();
        small.failed("10.1.39.15", "spray9999");
        small.failed("10.1.39.15", "spray9999");
        assertThat(small.admit("10.1.39.15", "spray9999").delay()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aRecentlyActiveLockoutSurvivesAModestSpray() {
        AuthThrottle small = new AuthThrottle(new AuthThrottle.Settings(3, Duration.ofSeconds(8), 10,
                Duration.ofMinutes(15), Duration.ofMinutes(15), 100), clock);
        for (int i = 0; i < 10; i++) {
            small.failed("10.0.0.1", "target");
        }
        for (int i = 0; i < 200; i++) {
            small.failed("10.2." + (i / 256) + "." + (i % 256), "spray" + i);
            assertThat(small.admit("10.0.0.1", "target").locked()).isTrue(); // the attacker keeps trying
        }
    }

    @Test
    void concurrentFailuresAreAllCounted() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        try {
            for (int t = 0; t < 8; t++) {
                pool.execute(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throttle.failed(A, "printer"); // 8 concurrent failures: 8 counted, no lockout yet
                });
            }
            start.countDown();
            pool.shutdown();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            pool.shutdownNow();
        }
        assertThat(delay(A, "printer")).isEqualTo(Duration.ofSeconds(8)); // 1s << (8 - 3), capped
        throttle.failed(A, "printer");
        assertThat(throttle.admit(A, "printer").locked()).isFalse();
        throttle.failed(A, "printer");
        assertThat(throttle.admit(A, "printer").locked()).isTrue();
    }

    @Test
    void maxDelayZeroTurnsDelaysOff() {
        AuthThrottle noDelay = new AuthThrottle(new AuthThrottle.Settings(1, Duration.ZERO, 10,
                Duration.ofMinutes(15), Duration.ofMinutes(15), 100), clock);
        for (int i = 0; i < 5; i++) {
            noDelay.failed(A, "printer");
        }
        assertThat(noDelay.admit(A, "printer").delay()).isZero();
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> new AuthThrottle.Settings(0, Duration.ZERO, 10, Duration.ofMinutes(1),
                Duration.ofMinutes(1), 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AuthThrottle.Settings(3, Duration.ZERO, 10, Duration.ZERO,
                Duration.ofMinutes(1), 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void logTextHasNoControlCharacters() {
        assertThat(AuthThrottle.printable("evil\r\nINFO forged\u0000")).isEqualTo("evil??INFO forged?");
    }

    @Test
    void settingsDefaultsMatchTheDocumentation() {
        assertThat(AuthThrottle.Settings.DEFAULTS).isEqualTo(new AuthThrottle.Settings(3, Duration.ofSeconds(8), 10,
                Duration.ofMinutes(15), Duration.ofMinutes(15), 10_000));
    }
}
