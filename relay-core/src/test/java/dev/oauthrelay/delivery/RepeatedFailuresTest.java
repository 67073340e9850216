package dev.oauthrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RepeatedFailuresTest {

    static AttemptResult mail(int code, String text) {
        return new AttemptResult.Failed(AttemptResult.Stage.MAIL, new RemoteReply(code, text), "MAIL FROM refused", false);
    }

    static final AttemptResult SEND_AS = mail(550, "5.7.60 SMTP; Client does not have permissions to send as this sender");
    static final AttemptResult AUTH = new AttemptResult.Failed(AttemptResult.Stage.AUTH,
            new RemoteReply(535, "5.7.139 Authentication unsuccessful [AM0PR01]"), "AUTH refused", false);

    final RepeatedFailures failures = new RepeatedFailures(3);

    @Test
    void theThirdIdenticalFailureInARowPausesAndTheStreakStartsOver() {
        assertThat(failures.observe("m@contoso.com", SEND_AS)).isNull();
        assertThat(failures.observe("M@contoso.com", SEND_AS)).isNull();
        assertThat(failures.observe("m@contoso.com", SEND_AS)).isEqualTo(((AttemptResult.Failed) SEND_AS).reply());
        assertThat(failures.observe("m@contoso.com", SEND_AS)).isNull();
    }

    @Test
    void theSameCodesWithOtherTextAreTheSameFailure() {
        failures.observe("m@contoso.com", AUTH);
        failures.observe("m@contoso.com", new AttemptResult.Failed(AttemptResult.Stage.AUTH,
                new RemoteReply(535, "5.7.139 Authentication unsuccessful [DB9PR02]"), "AUTH refused", false));
        assertThat(failures.observe("m@contoso.com", AUTH)).isNotNull();
    }

    @Test
    void aSuccessADifferentFailureOrAnotherMailboxDoNotAddUp() {
        failures.observe("m@contoso.com", SEND_AS);
        failures.observe("m@contoso.com", SEND_AS);
        failures.observe("m@contoso.com", new AttemptResult.Completed(Map.of("a@x", new RemoteReply(250, "ok")),
                new RemoteReply(250, "2.0.0 queued")));
        assertThat(failures.observe("m@contoso.com", SEND_AS)).isNull();
        failures.observe("m@contoso.com", SEND_AS);
        failures.observe("m@contoso.com", AUTH);
        assertThat(failures.observe("m@contoso.com", SEND_AS)).isNull();
        failures.observe("other@contoso.com", SEND_AS);
        failures.observe("other@contoso.com", SEND_AS);
        assertThat(failures.observe("m@contoso.com", SEND_AS)).isNull();
    }

    @Test
    void aRecipientsOwnFailureOrATransientOneSaysNothingAboutTheMailbox() {
        AttemptResult unknownUser = new AttemptResult.Completed(Map.of("a@x", new RemoteReply(550, "5.1.1 no such user")), null);
        AttemptResult busy = mail(451, "4.3.0 try later");
        for (int i = 0; i < 5; i++) {
            assertThat(failures.observe("m@contoso.com", unknownUser)).isNull();
            assertThat(failures.observe("m@contoso.com", busy)).isNull();
        }
        AttemptResult quota = new AttemptResult.Completed(Map.of("a@x", new RemoteReply(250, "ok")),
                new RemoteReply(552, "5.2.2 Submission quota exceeded"));
        failures.observe("m@contoso.com", quota);
        failures.observe("m@contoso.com", quota);
        assertThat(failures.observe("m@contoso.com", quota)).isNotNull();
    }
}
