package dev.oauthrelay.server.listener;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.oauthrelay.server.Relay;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Password guessing against a real listener: per-session limit, lockout, delays, no user enumeration. */
class AuthProtectionTest {

    private static final String AUTH_FAILED = "535 5.7.8 Authentication credentials invalid";

    @TempDir
    Path dir;
    Relay relay;

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
    }

    private static String plain(String user, String password) {
        return "AUTH PLAIN " + Base64.getEncoder().encodeToString(("\0" + user + "\0" + password)
                .getBytes(StandardCharsets.UTF_8));
    }

    private SmtpTestClient ehlo(InetAddress from) throws Exception {
        SmtpTestClient c = new SmtpTestClient(relay.port("smtps"), from);
        c.upgradeToTls();
        c.expect(c.reply(), "220");
        c.expect(c.command("EHLO guesser"), "250");
        return c;
    }

    @Test
    void theThirdFailureInASessionClosesItAndALockoutRefusesEvenTheRightPassword() throws Exception {
        relay = TestRelay.start(dir, "limits { greeting-delay = 0s }, auth-throttle { lockout-after = 3, max-delay = 0s }");
        InetAddress local = InetAddress.getLoopbackAddress();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        root.addAppender(logged);
        try {
            try (SmtpTestClient c = ehlo(local)) {
                assertThat(c.command(plain(TestRelay.USER, "guess-1"))).isEqualTo(AUTH_FAILED);
                assertThat(c.command(plain(TestRelay.USER, "guess-2"))).isEqualTo(AUTH_FAILED);
                // The third failure: the same reply, then the connection closes.
                assertThat(c.command(plain(TestRelay.USER, "guess-3"))).isEqualTo(AUTH_FAILED);
                assertThat(c.closedByServer()).isTrue();
            }
            // Locked out: the right password gets exactly the reply a wrong one gets...
            try (SmtpTestClient c = ehlo(local)) {
                assertThat(c.command("AUTH PLAIN " + TestRelay.authPlain())).isEqualTo(AUTH_FAILED);
                assertThat(c.command("MAIL FROM:<" + TestRelay.MAILBOX + ">")).startsWith("530 5.7.0");
            }
            // ...from another address too (the account is locked), with AUTH LOGIN as well.
            try (SmtpTestClient c = ehlo(InetAddress.getByName("127.0.0.3"))) {
                assertThat(c.command("AUTH LOGIN")).startsWith("334");
                assertThat(c.command(Base64.getEncoder().encodeToString(TestRelay.USER.getBytes(StandardCharsets.UTF_8))))
                        .startsWith("334");
                assertThat(c.command(Base64.getEncoder().encodeToString(TestRelay.PASSWORD.getBytes(StandardCharsets.UTF_8))))
                        .isEqualTo(AUTH_FAILED);
            }
        } finally {
            root.detachAppender(logged);
        }
        assertThat(logged.list).filteredOn(e -> e.getLevel() == Level.WARN)
                .extracting(ILoggingEvent::getFormattedMessage)
                .anySatisfy(m -> assertThat(m).contains("AUTH lockout: address 127.0.0.1 locked out"))
                .anySatisfy(m -> assertThat(m).contains("AUTH lockout: account \"printer\" locked out"));
        assertThat(logged.list).filteredOn(e -> e.getFormattedMessage().contains("AUTH lockout")).hasSize(2);
        assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage)
                .noneMatch(m -> m.contains(TestRelay.PASSWORD) || m.contains("guess-"));
        assertThat(relay.spool().queued()).isEmpty();
    }

    @Test
    void unknownUserAndWrongPasswordGetByteIdenticalReplies() throws Exception {
        relay = TestRelay.start(dir, "limits { greeting-delay = 0s }");
        try (SmtpTestClient c = ehlo(InetAddress.getLoopbackAddress())) {
            String unknown = c.command(plain("no-such-user", TestRelay.PASSWORD));
            String wrong = c.command(plain(TestRelay.USER, "wrong-password"));
            assertThat(unknown).isEqualTo(wrong).isEqualTo(AUTH_FAILED);
            // A successful login still works within the limit, and clears the count.
            assertThat(c.command("AUTH PLAIN " + TestRelay.authPlain())).startsWith("235 2.7.0");
        }
        try (SmtpTestClient c = ehlo(InetAddress.getLoopbackAddress())) {
            assertThat(c.command("AUTH LOGIN")).isEqualTo("334 VXNlcm5hbWU6");
            assertThat(c.command("bm8tc3VjaC11c2Vy")).isEqualTo("334 UGFzc3dvcmQ6"); // "no-such-user"
            String unknown = c.command("d3Jvbmc="); // "wrong"
            assertThat(c.command("AUTH LOGIN")).isEqualTo("334 VXNlcm5hbWU6");
            assertThat(c.command("cHJpbnRlcg==")).isEqualTo("334 UGFzc3dvcmQ6"); // "printer"
            String wrong = c.command("d3Jvbmc=");
            assertThat(unknown).isEqualTo(wrong).isEqualTo(AUTH_FAILED);
        }
    }

    @Test
    void repliesAfterRepeatedFailuresAreDelayedWithoutHoldingUpOtherClients() throws Exception {
        relay = TestRelay.start(dir, "limits { greeting-delay = 0s, auth-failures-per-session = 5 },"
                + " auth-throttle { delay-after = 1, max-delay = 1500ms }");
        try (SmtpTestClient guesser = ehlo(InetAddress.getLoopbackAddress());
             SmtpTestClient other = new SmtpTestClient(relay.port("plain"), InetAddress.getByName(TestRelay.TRUSTED_HOST))) {
            other.expect(other.reply(), "220");
            long start = System.nanoTime();
            assertThat(guesser.command(plain(TestRelay.USER, "guess-1"))).isEqualTo(AUTH_FAILED);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("no delay yet").isLessThan(Duration.ofMillis(900));

            guesser.send(plain(TestRelay.USER, "guess-2") + "\r\n");
            start = System.nanoTime();
            // Meanwhile the relay serves others as usual.
            assertThat(other.command("EHLO other")).startsWith("250-relay.test");
            assertThat(other.command("NOOP")).startsWith("250 2.0.0");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(900));
            assertThat(guesser.reply()).isEqualTo(AUTH_FAILED);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(950));

            // The right password is delayed the same way (2 failures: 1s doubled, capped at 1.5s).
            start = System.nanoTime();
            assertThat(guesser.command("AUTH PLAIN " + TestRelay.authPlain())).startsWith("235 2.7.0");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1450));
        }
    }
}
