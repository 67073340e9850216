package dev.oauthrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MailboxPacerTest {

    static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
    final MailboxPacer pacer = new MailboxPacer(MailboxPacer.Limits.EXCHANGE_ONLINE);

    @Test
    void thirtyMessagesAMinuteThenTheRollingWindowDecides() {
        for (int i = 0; i < 30; i++) {
            assertThat(pacer.reserve("printer@contoso.com", 1, T0.plusSeconds(i))).isEqualTo(new MailboxPacer.Go(1));
        }
        MailboxPacer.Decision d = pacer.reserve("printer@contoso.com", 1, T0.plusSeconds(30));
        assertThat(d).isInstanceOfSatisfying(MailboxPacer.Wait.class, w -> {
            assertThat(w.until()).isEqualTo(T0.plusSeconds(60)); // the first send leaves the window
            assertThat(w.shown()).isFalse();
        });
        assertThat(pacer.reserve("printer@contoso.com", 1, T0.plusSeconds(59))).isInstanceOf(MailboxPacer.Wait.class);
        assertThat(pacer.reserve("printer@contoso.com", 1, T0.plusSeconds(60))).isEqualTo(new MailboxPacer.Go(1));
        assertThat(pacer.reserve("printer@contoso.com", 1, T0.plusSeconds(60))).isInstanceOf(MailboxPacer.Wait.class);
    }

    @Test
    void mailboxesArePacedApartAndCaseDoesNotMakeANewMailbox() {
        for (int i = 0; i < 30; i++) {
            pacer.reserve("printer@contoso.com", 1, T0);
        }
        assertThat(pacer.reserve("PRINTER@contoso.com", 1, T0)).isInstanceOf(MailboxPacer.Wait.class);
        assertThat(pacer.reserve("scanner@contoso.com", 1, T0)).isEqualTo(new MailboxPacer.Go(1));
    }

    @Test
    void moreThanFiveHundredRecipientsGoInChunks() {
        assertThat(pacer.reserve("m@contoso.com", 1201, T0)).isEqualTo(new MailboxPacer.Go(500));
        assertThat(pacer.reserve("m@contoso.com", 701, T0)).isEqualTo(new MailboxPacer.Go(500));
        assertThat(pacer.reserve("m@contoso.com", 201, T0)).isEqualTo(new MailboxPacer.Go(201));
    }

    @Test
    void recipientsPerDayHoldTheRestUntilTheNextWindowWithAShownReason() {
        MailboxPacer small = new MailboxPacer(new MailboxPacer.Limits(30, 1000, 500, Duration.ofMinutes(1)));
        assertThat(small.reserve("m@contoso.com", 600, T0)).isEqualTo(new MailboxPacer.Go(500));
        assertThat(small.reserve("m@contoso.com", 100, T0.plusSeconds(3600))).isEqualTo(new MailboxPacer.Go(100));
        // 400 left in the window: a chunk never goes over it.
        assertThat(small.reserve("m@contoso.com", 450, T0.plusSeconds(7200))).isEqualTo(new MailboxPacer.Go(400));
        MailboxPacer.Decision d = small.reserve("m@contoso.com", 50, T0.plusSeconds(7300));
        assertThat(d).isInstanceOfSatisfying(MailboxPacer.Wait.class, w -> {
            assertThat(w.until()).isEqualTo(T0.plus(Duration.ofHours(24)));
            assertThat(w.shown()).isTrue();
            assertThat(w.reason()).isEqualTo("held: mailbox recipient limit (1000 per 24 h), next window at "
                    + T0.plus(Duration.ofHours(24)));
        });
        assertThat(small.reserve("m@contoso.com", 50, T0.plus(Duration.ofHours(24)))).isEqualTo(new MailboxPacer.Go(50));
    }

    @Test
    void throttlePausesOnlyThatMailboxForTheBackoff() {
        Instant until = pacer.throttled("m@contoso.com", T0, "432 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded");
        assertThat(until).isEqualTo(T0.plusSeconds(60));
        assertThat(pacer.reserve("m@contoso.com", 1, T0.plusSeconds(59))).isInstanceOfSatisfying(MailboxPacer.Wait.class,
                w -> assertThat(w.reason()).startsWith("throttled: upstream said 432 4.3.2"));
        assertThat(pacer.reserve("other@contoso.com", 1, T0)).isEqualTo(new MailboxPacer.Go(1));
        assertThat(pacer.reserve("m@contoso.com", 1, T0.plusSeconds(60))).isEqualTo(new MailboxPacer.Go(1));
    }

    @Test
    void throttleIsRecognisedInEveryPlaceTheUpstreamCanSayIt() {
        RemoteReply t = new RemoteReply(432, "4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded");
        assertThat(MailboxPacer.throttleReply(new AttemptResult.Failed(AttemptResult.Stage.MAIL, t, "x", false))).isEqualTo(t);
        assertThat(MailboxPacer.throttleReply(new AttemptResult.Completed(Map.of("a@x", t), null))).isEqualTo(t);
        assertThat(MailboxPacer.throttleReply(new AttemptResult.Completed(Map.of("a@x", new RemoteReply(250, "ok")), t)))
                .isEqualTo(t);
        assertThat(MailboxPacer.throttleReply(new AttemptResult.Failed(AttemptResult.Stage.MAIL,
                new RemoteReply(451, "4.7.0 later"), "x", false))).isNull();
    }

    @Test
    void forgottenIdleMailboxesStartFresh() {
        pacer.reserve("m@contoso.com", 10, T0);
        pacer.forgetIdle(T0.plus(Duration.ofHours(25)));
        assertThat(pacer.reserve("m@contoso.com", 10, T0.plus(Duration.ofHours(25)))).isEqualTo(new MailboxPacer.Go(10));
    }

    @Test
    void limitsBelowOneAreRefused() {
        assertThatThrownBy(() -> new MailboxPacer.Limits(0, 1, 1, Duration.ofSeconds(1), 1, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPauseForRepeatedFailuresEndsAfterItsDurationOrWhenAnOperatorResumesButAThrottleDoesNot() {
        String reason = pacer.pause("m@contoso.com", T0, "550 5.7.60 denied");
        assertThat(reason).isEqualTo("paused: 550 5.7.60 denied 3 times in a row; until " + T0.plus(Duration.ofHours(1))
                + " or relay queue retry --all");
        assertThat(pacer.reserve("m@contoso.com", 1, T0.plusSeconds(10))).isEqualTo(
                new MailboxPacer.Wait(T0.plus(Duration.ofHours(1)), reason, true));
        assertThat(pacer.pausedCount(T0)).isEqualTo(1);
        assertThat(pacer.reserve("m@contoso.com", 1, T0.plus(Duration.ofHours(1)))).isEqualTo(new MailboxPacer.Go(1));

        pacer.pause("m@contoso.com", T0, "550 5.7.60 denied");
        pacer.throttled("t@contoso.com", T0, "432 4.3.2");
        assertThat(pacer.resumePaused(T0)).isEqualTo(1);
        assertThat(pacer.reserve("m@contoso.com", 1, T0)).isEqualTo(new MailboxPacer.Go(1));
        assertThat(pacer.reserve("t@contoso.com", 1, T0)).isInstanceOf(MailboxPacer.Wait.class);
    }
}
