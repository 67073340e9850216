package dev.oauthrelay.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.server.listener.SmtpTestClient;
import dev.oauthrelay.server.listener.TestRelay;
import dev.oauthrelay.server.standin.StandInExchange.ReceivedMessage;
import dev.oauthrelay.server.standin.StandInExchange.Stage;
import dev.oauthrelay.server.standin.StandIns;
import dev.oauthrelay.spool.QueueId;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Permanent upstream refusals (5xx): the message (or the refused recipients) fails for good, is
 * dead-lettered with a report, and a failure notice (RFC 3464) goes to the admin through the same
 * upstream, sent as the notification mailbox. Recipients the upstream accepted are never sent again.
 */
class PermanentFailureTest extends DeliveryTestSupport {

    /** The scanner's identity may use this sender; its Exchange mailbox has no SendAs right for it. */
    private static final String NO_SEND_AS = "alerts@contoso.com";

    @Test
    void senderTheMailboxMayNotSendAsIsDeadLetteredAndTheAdminGetsAFailureNotice() throws Exception {
        startRelay(standIns.hocon() + """
                trusted-networks = [ {
                  cidr = "%s/32"
                  mailbox = "%s"
                  allowed-senders = ["%s", "%s"]
                } ]
                """.formatted(TestRelay.TRUSTED_HOST, StandIns.SCANNER, StandIns.SCANNER, NO_SEND_AS));
        String sent = message("scan from alerts", "see attachment");
        String id;
        try (SmtpTestClient c = TestRelay.trustedHost(relay, "mfp-east")) {
            id = SmtpTestClient.queueId(c.sendMail(NO_SEND_AS, List.of("jdoe@fabrikam.example"), sent));
        }

        until("the dead-lettering and the notice's delivery",
                () -> deadLettered().contains(QueueId.parse(id)) && delivery().deliveredCount() == 1);

        assertThat(delivery().failedCount()).isEqualTo(1);
        assertThat(relay.spool().deadLettered()).containsExactly(QueueId.parse(id));
        assertThat(relay.spool().deadLetterReport(QueueId.parse(id)))
                .contains("mailbox: " + StandIns.SCANNER, "mail-from: <" + NO_SEND_AS + ">")
                .contains("recipient: <jdoe@fabrikam.example> failed: 550 5.7.60");
        assertThat(standIns.countLinesStartingWith("MAIL FROM:<" + NO_SEND_AS + ">")).as("a 5xx is not retried")
                .isEqualTo(1);

        List<ReceivedMessage> received = standIns.exchange().messages();
        assertThat(received).as("only the notice arrived").hasSize(1);
        ReceivedMessage notice = received.get(0);
        assertThat(notice.mailbox()).isEqualTo(StandIns.NOTICES);
        assertThat(notice.mailFrom()).isEqualTo(StandIns.NOTICES);
        assertThat(notice.recipients()).containsExactly(StandIns.ADMIN);
        assertThat(notice.contentAsString())
                .contains("Content-Type: multipart/report; report-type=delivery-status")
                .contains("Content-Type: message/delivery-status")
                .contains("X-Queue-ID: " + id)
                .contains("Final-Recipient: rfc822; jdoe@fabrikam.example\r\nAction: failed\r\nStatus: 5.7.60\r\n")
                .contains("Diagnostic-Code: smtp; 550 5.7.60")
                .contains("Content-Type: text/rfc822-headers")
                .contains("Subject: scan from alerts");
        assertThat(queued()).isEmpty();
    }

    @Test
    void oneRecipientRefusedAnotherDeferredAThirdAcceptedOnlyThePendingOneIsRetriedAndTheRefusedOneReported()
            throws Exception {
        startRelay();
        String refused = "gone@fabrikam.example";
        String deferred = "busy@fabrikam.example";
        String accepted = "alice@fabrikam.example";
        // Faults at RCPT apply per recipient, in order.
        standIns.exchange().failNext(Stage.RCPT, 1, "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found");
        standIns.exchange().failNext(Stage.RCPT, 1, "451 4.4.3 Temporary server error. Please try again later");
        String sent = message("three recipients", "body");

        String id = sendAsPrinter(List.of(refused, deferred, accepted), sent);
        until("the dead-lettering and the notice's delivery",
                () -> deadLettered().contains(QueueId.parse(id)) && standIns.messagesAs(StandIns.NOTICES).size() == 1);

        List<ReceivedMessage> device = standIns.messagesAs(StandIns.PRINTER);
        assertThat(device).extracting(ReceivedMessage::recipients)
                .as("first attempt: the accepted recipient; the retry: only the deferred one")
                .containsExactly(List.of(accepted), List.of(deferred));
        assertThat(device).allSatisfy(m -> assertThat(Delivered.of(m.content()).rest()).isEqualTo(bytes(sent)));
        assertThat(standIns.countLinesStartingWith("RCPT TO:<" + accepted + ">")).as("accepted once, never sent again")
                .isEqualTo(1);
        assertThat(standIns.countLinesStartingWith("RCPT TO:<" + refused + ">")).as("a 5xx is not retried")
                .isEqualTo(1);
        assertThat(standIns.countLinesStartingWith("RCPT TO:<" + deferred + ">")).isEqualTo(2);

        assertThat(delivery().failedCount()).isEqualTo(1);
        assertThat(relay.spool().deadLettered()).containsExactly(QueueId.parse(id));
        assertThat(relay.spool().deadLetterReport(QueueId.parse(id)))
                .contains("recipient: <" + refused + "> failed: 550 5.1.10")
                .contains("recipient: <" + deferred + "> delivered")
                .contains("recipient: <" + accepted + "> delivered");

        ReceivedMessage notice = standIns.messagesAs(StandIns.NOTICES).get(0);
        assertThat(notice.recipients()).containsExactly(StandIns.ADMIN);
        assertThat(notice.contentAsString())
                .contains("Content-Type: multipart/report; report-type=delivery-status")
                .contains("Final-Recipient: rfc822; " + refused + "\r\nAction: failed\r\nStatus: 5.1.10\r\n")
                .doesNotContain("Final-Recipient: rfc822; " + deferred)
                .doesNotContain("Final-Recipient: rfc822; " + accepted);
        until("the notice leaves the queue", () -> queued().isEmpty());
        assertThat(delivery().deferredCount()).isEqualTo(1);
    }
}
