package dev.oauthrelay.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.oauthrelay.server.admin.AdminHttp;
import dev.oauthrelay.server.admin.AdminHttp.Reply;
import dev.oauthrelay.server.standin.StandInExchange.ReceivedMessage;
import dev.oauthrelay.server.standin.StandInExchange.Stage;
import dev.oauthrelay.server.standin.StandIns;
import dev.oauthrelay.spool.QueueId;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The queue over the admin API of a relay that delivers to the Microsoft stand-ins: listing and
 * showing deferred and dead-lettered messages, retry now, delete (also during an attempt), and
 * release after the cause of a permanent failure was fixed. Retries wait an hour here, so only an
 * operator's request brings a deferred message back within a test.
 */
class QueueAdminApiTest extends DeliveryTestSupport {

    static final String TOKEN = "queue-admin-test-token-0123456789";
    static final String PATIENT = "admin.token = \"" + TOKEN + "\"\n"
            + "delivery.retry { initial-delay = 1h, max-delay = 2h }\n";

    private final ListAppender<ILoggingEvent> queueLog = new ListAppender<>();
    private AdminHttp admin;
    private AdminHttp anonymous;

    @BeforeEach
    void captureQueueLog() {
        queueLog.start();
        ((Logger) LoggerFactory.getLogger("dev.oauthrelay.queue")).addAppender(queueLog);
    }

    @AfterEach
    void releaseQueueLog() {
        ((Logger) LoggerFactory.getLogger("dev.oauthrelay.queue")).detachAppender(queueLog);
    }

    private void start(String hocon) throws Exception {
        startRelay(hocon);
        admin = new AdminHttp(relay.adminPort(), Optional.of(TOKEN));
        anonymous = new AdminHttp(relay.adminPort(), Optional.empty());
    }

    private String deferredMessage(String subject) throws Exception {
        standIns.exchange().failNext(Stage.MAIL, 1, "451 4.3.2 Temporary server error. Please try again later");
        String id = sendAsPrinter(List.of("alice@fabrikam.example"), message(subject, "the body line"));
        eventually().alias("the first attempt deferred it")
                .until(() -> relay.spool().readState(QueueId.parse(id)).isPresent());
        return id;
    }

    private String deadLetter(String subject, List<String> recipients) throws Exception {
        standIns.exchange().failNext(Stage.MAIL, 1, "550 5.7.60 SMTP; Client does not have permissions to send as this sender");
        String id = sendAsPrinter(recipients, message(subject, "the body line"));
        until("dead-lettered", () -> deadLettered().contains(QueueId.parse(id)));
        return id;
    }

    private String queueLogText() {
        return String.join("\n", queueLog.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
    }

    @Test
    void listingAndShowDescribeQueuedAndDeadLetteredMessagesWithoutTheirBodies() throws Exception {
        start(standIns.settings().withoutNotices().render() + PATIENT);
        String deferred = deferredMessage("deferred one");
        String dead = deadLetter("refused one", List.of("bob@fabrikam.example"));

        Reply list = anonymous.get("/queue");

        assertThat(list.status()).as(list.body()).isEqualTo(200);
        assertThat(list.json()).containsEntry("source", "relay");
        Map<String, Object> q = list.message(deferred);
        assertThat(q).containsEntry("folder", "queue").containsEntry("activity", "waiting")
                .containsEntry("identity", "printer").containsEntry("identityKind", "account")
                .containsEntry("mailbox", StandIns.PRINTER).containsEntry("from", StandIns.PRINTER)
                .containsEntry("attempts", 1).containsEntry("possibleDuplicate", false);
        assertThat((String) q.get("lastError")).contains("451 4.3.2");
        assertThat(q.get("recipients")).isEqualTo(Map.of("total", 1, "pending", 1, "delivered", 0, "failed", 0));
        assertThat(q.get("nextAttempt")).isNotNull();
        Map<String, Object> d = list.message(dead);
        assertThat(d).containsEntry("folder", "deadletter").containsEntry("nextAttempt", null)
                .containsEntry("recipients", Map.of("total", 1, "pending", 0, "delivered", 0, "failed", 1));

        Reply show = anonymous.get("/queue/" + dead);
        assertThat(show.status()).isEqualTo(200);
        Map<String, Object> m = show.json();
        assertThat(m).containsEntry("folder", "deadletter").containsEntry("headersComplete", true);
        assertThat((String) m.get("headers")).startsWith("Received: from printer-2og")
                .contains("Subject: refused one\r\n").endsWith("\r\n\r\n");
        assertThat(show.body()).as("never the body").doesNotContain("the body line");
        assertThat(m.get("recipients")).isEqualTo(List.of(Map.of("address", "bob@fabrikam.example", "status", "failed",
                "reply", "550 5.7.60 SMTP; Client does not have permissions to send as this sender")));
        assertThat((String) m.get("report")).contains("recipient: <bob@fabrikam.example> failed: 550 5.7.60");
        @SuppressWarnings("unchecked")
        Map<String, Object> envelope = (Map<String, Object>) m.get("envelope");
        assertThat(envelope).containsEntry("client", "127.0.0.1").containsEntry("helo", "printer-2og")
                .containsEntry("recipients", List.of("bob@fabrikam.example"));

        assertThat(anonymous.get("/queue/not-an-id").status()).isEqualTo(400);
        assertThat(anonymous.get("/queue/" + relay.spool().newId()).status()).isEqualTo(404);
    }

    @Test
    void retryDeliversAWaitingMessageNowAndRetryAllEveryOneWaiting() throws Exception {
        start(standIns.settings().withoutNotices().render() + PATIENT);
        String first = deferredMessage("first");

        Reply retried = admin.post("/queue/" + first + "/retry");

        assertThat(retried.status()).as(retried.body()).isEqualTo(200);
        assertThat(retried.json()).containsEntry("outcome", "done").containsEntry("target", first);
        awaitDelivered(1);
        deferredMessage("second");
        String third = deferredMessage("third");
        Reply all = admin.post("/queue/retry-all");
        assertThat(all.status()).isEqualTo(200);
        assertThat((String) all.json().get("message")).startsWith("2 waiting message(s) due now");
        awaitDelivered(3);
        assertThat(standIns.messagesAs(StandIns.PRINTER)).hasSize(3);
        assertThat(queued()).isEmpty();
        assertThat(queueLogText()).contains("queue retry all by admin API (test-operator from 127.0.0.1): DONE");
        assertThat(admin.post("/queue/" + third + "/retry").status()).as("delivered: gone").isEqualTo(404);
    }

    @Test
    void deleteRemovesAWaitingMessageAndADeadLetterForGoodAndSaysWhoDidIt() throws Exception {
        start(standIns.settings().withoutNotices().render() + PATIENT);
        String waiting = deferredMessage("to delete");
        String dead = deadLetter("dead to delete", List.of("bob@fabrikam.example"));

        Reply r = admin.delete("/queue/" + waiting);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(admin.delete("/queue/" + dead).status()).isEqualTo(200);

        assertThat(queued()).isEmpty();
        assertThat(deadLettered()).isEmpty();
        assertThat(Files.list(relay.spool().deadLetterDir()).toList()).isEmpty();
        assertThat(anonymous.get("/queue").messages()).isEmpty();
        assertThat(admin.delete("/queue/" + waiting).status()).isEqualTo(404);
        assertThat(queueLogText())
                .contains("queue delete " + waiting + " by admin API (test-operator from 127.0.0.1): DONE: deleted "
                        + waiting + " from the queue")
                .contains("queue delete " + dead + " by admin API (test-operator from 127.0.0.1): DONE: deleted "
                        + dead + " from the dead-letter folder");
    }

    @Test
    void deleteDuringAnAttemptIsCarriedOutWhenTheAttemptEnds() throws Exception {
        // The stand-in takes the message and never answers the final dot: the attempt lasts data-timeout.
        start(standIns.settings().withoutNotices().dataTimeout("10s").render() + PATIENT);
        standIns.exchange().neverAnswerFinalDot(true);
        String id = sendAsPrinter(List.of("alice@fabrikam.example"), message("stuck", "body"));
        until("the attempt waits for the reply to the final dot",
                () -> "attempt-in-progress".equals(anonymous.get("/queue").message(id).get("activity")));

        Reply r = admin.delete("/queue/" + id);

        assertThat(r.status()).as(r.body()).isEqualTo(202);
        assertThat(r.json()).containsEntry("outcome", "pending");
        assertThat(queued()).as("not deleted under the attempt").contains(QueueId.parse(id));
        assertThat(anonymous.get("/queue").message(id)).containsEntry("activity", "delete-pending");
        until("the attempt timed out and the message was deleted", () -> queued().isEmpty());
        assertThat(relay.spool().readState(QueueId.parse(id))).isEmpty();
        until("logged", () -> queueLogText().contains("queue delete (after the attempt in progress) " + id));
    }

    @Test
    void releaseSendsADeadLetterAgainOnceTheCauseIsFixed() throws Exception {
        start(standIns.settings().withoutNotices().render() + PATIENT);
        // The mailbox lacked SendAs rights when it was tried (the fault); an admin has fixed that since.
        String id = deadLetter("send-as fixed", List.of("alice@fabrikam.example", "bob@fabrikam.example"));
        assertThat(standIns.messagesAs(StandIns.PRINTER)).isEmpty();

        Reply released = admin.post("/queue/" + id + "/release");

        assertThat(released.status()).as(released.body()).isEqualTo(200);
        assertThat((String) released.json().get("message")).contains("2 failed recipient(s) to try again");
        until("delivered", () -> standIns.messagesAs(StandIns.PRINTER).size() == 1 && queued().isEmpty());
        ReceivedMessage m = standIns.messagesAs(StandIns.PRINTER).get(0);
        assertThat(m.recipients()).containsExactly("alice@fabrikam.example", "bob@fabrikam.example");
        assertThat(m.contentAsString()).contains("Subject: send-as fixed");
        assertThat(deadLettered()).isEmpty();
        assertThat(admin.post("/queue/" + id + "/release").status()).isEqualTo(404);
        String waiting = deferredMessage("not dead");
        Reply refused = admin.post("/queue/" + waiting + "/release");
        assertThat(refused.status()).isEqualTo(409);
        assertThat((String) refused.json().get("message")).contains("queued, not dead-lettered");
    }
}
