package dev.oauthrelay.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.diagnosis.ErrorExplainer;
import dev.oauthrelay.observe.RelayEvents;
import dev.oauthrelay.server.listener.SmtpTestClient;
import dev.oauthrelay.server.listener.TestRelay;
import dev.oauthrelay.server.standin.StandInGraph.GraphMessage;
import dev.oauthrelay.server.standin.StandInGraph.Operation;
import dev.oauthrelay.server.standin.StandIns;
import dev.oauthrelay.spool.Envelope;
import dev.oauthrelay.spool.QueueId;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Delivery through Microsoft Graph {@code sendMail}: the relay, MSAL4J against the token stand-in
 * (Graph scope), real HTTPS to the Graph stand-in. What arrives, Bcc for envelope-only recipients,
 * Retry-After, refusals, token renewal, routing per identity and the fallback from SMTP.
 */
class GraphDeliveryTest extends DeliveryTestSupport {

    private static final String RCPT = "alice@fabrikam.example";

    /** Records the retry time of every deferral. */
    private static final class Deferrals implements RelayEvents {
        final List<Duration> delays = new CopyOnWriteArrayList<>();
        final List<String> reasons = new CopyOnWriteArrayList<>();

        @Override
        public void messageDeferred(Envelope envelope, int attempt, String reason, Duration retryIn) {
            delays.add(retryIn);
            reasons.add(reason);
        }
    }

    private void startRelayViaGraph() throws Exception {
        startRelay(standIns.settings().upstream("graph").render());
    }

    @Test
    void aMessageSentThroughGraphArrivesByteForByteAsTheMailbox() throws Exception {
        startRelayViaGraph();
        String sent = message("via graph", "Zeile mit Umlaut: \u00e4\u00f6\u00fc", ".a line starting with a dot", "end");

        sendAsPrinter(List.of(RCPT), sent);
        awaitDelivered(1);

        List<GraphMessage> received = standIns.graph().messages();
        assertThat(received).singleElement().satisfies(m -> {
            assertThat(m.mailbox()).isEqualTo(StandIns.PRINTER);
            assertThat(m.viaDraft()).isFalse();
            assertThat(m.recipients()).containsExactly(RCPT);
            Delivered d = Delivered.of(m.mime());
            assertThat(d.receivedHeader()).startsWith("Received: from ");
            assertThat(d.rest()).as("the device's message, as it sent it").isEqualTo(bytes(sent));
        });
        assertThat(standIns.exchange().messages()).as("nothing went over SMTP").isEmpty();
        assertThat(queued()).isEmpty();
        assertThat(standIns.graph().requests()).containsExactly("POST /v1.0/users/" + StandIns.PRINTER + "/sendMail");
    }

    @Test
    void envelopeRecipientsMissingFromTheHeaderAreAddedAsBcc() throws Exception {
        startRelayViaGraph();
        String sent = message("bcc for the envelope", "body");

        sendAsPrinter(List.of(RCPT, "archive@contoso.com", "Bob@Fabrikam.example"), sent);
        awaitDelivered(1);

        GraphMessage m = standIns.graph().messages().get(0);
        String header = sent.substring(0, sent.indexOf("\r\n\r\n") + 2);
        String expected = header + "Bcc: archive@contoso.com,\r\n Bob@Fabrikam.example\r\n" + sent.substring(header.length());
        assertThat(Delivered.of(m.mime()).restAsString()).isEqualTo(expected);
        assertThat(m.recipients()).containsExactly(RCPT, "archive@contoso.com", "Bob@Fabrikam.example");
    }

    @ParameterizedTest(name = "{0} with Retry-After {1}s")
    @CsvSource({"429, ApplicationThrottled, 1", "503, ServiceUnavailable, 2"})
    void retryAfterDecidesWhenTheMessageIsTriedAgain(int status, String code, int seconds) throws Exception {
        Deferrals deferrals = new Deferrals();
        startRelay(standIns.settings().upstream("graph").render(), deferrals);
        standIns.graph().failNext(Operation.SEND_MAIL, status, code, String.valueOf(seconds));

        sendAsPrinter(List.of(RCPT), message("throttled", "body"));
        awaitDelivered(1);

        // The retry policy of the stand-in settings would wait about 200 ms.
        assertThat(deferrals.delays).containsExactly(Duration.ofSeconds(seconds));
        assertThat(standIns.graph().messages()).hasSize(1);
        assertThat(delivery().possibleDuplicateCount()).isZero();
    }

    /** What the log, relay queue and the status page show for a deferral: the one translator's explanation. */
    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "403, ErrorAccessDenied, Graph ErrorAccessDenied",
            "404, MailboxNotEnabledForRESTAPI, Graph ErrorInvalidUser",
            "429, ApplicationThrottled, Graph ApplicationThrottled",
            "503, ServiceUnavailable, Graph 5xx",
    })
    void theReasonRecordedForAGraphRefusalIsExplainedAsGraphs(int status, String code, String diagnosis)
            throws Exception {
        Deferrals deferrals = new Deferrals();
        startRelay(standIns.settings().upstream("graph").render(), deferrals);
        standIns.graph().failNext(Operation.SEND_MAIL, status, code, status == 403 || status == 404 ? null : "1");

        sendAsPrinter(List.of(RCPT), message("refused once", "body"));
        awaitDelivered(1);

        assertThat(deferrals.reasons).singleElement().satisfies(reason -> {
            assertThat(reason).contains("Graph sendMail " + status + " " + code).doesNotContain("Bearer");
            assertThat(ErrorExplainer.explain(reason)).hasValueSatisfying(d -> assertThat(d.code()).isEqualTo(diagnosis));
        });
    }

    @Test
    void aServerErrorIsRetriedAndTheMessageSentOnce() throws Exception {
        startRelayViaGraph();
        standIns.graph().failNext(Operation.SEND_MAIL, 500, "InternalServerError", null);

        sendAsPrinter(List.of(RCPT), message("500 first", "body"));
        awaitDelivered(1);

        assertThat(standIns.graph().messages()).hasSize(1);
        assertThat(delivery().deferredCount()).isEqualTo(1);
        assertThat(delivery().failedCount()).isZero();
    }

    @Test
    void aSenderTheMailboxMayNotSendAsIsRefusedForGoodAndDeadLetteredWithANotice() throws Exception {
        startRelayViaGraph();
        String sent = message("not mine", "body").replace("From: Printer 2. OG <printer@contoso.com>",
                "From: CEO <ceo@contoso.com>");

        String id = sendAsPrinter(List.of(RCPT), sent);
        until("dead-lettered", () -> deadLettered().contains(QueueId.parse(id)));

        assertThat(relay.spool().deadLetterReport(QueueId.parse(id)))
                .contains("550 5.7.60 Graph sendMail 403 ErrorSendAsDenied");
        assertThat(delivery().failedCount()).isEqualTo(1);
        until("the notice went out through Graph too", () -> standIns.graph().messages().stream()
                .anyMatch(m -> m.mailbox().equals(StandIns.NOTICES) && m.recipients().contains(StandIns.ADMIN)));
        assertThat(standIns.graph().messages()).noneMatch(m -> m.mailbox().equals(StandIns.PRINTER));
    }

    @Test
    void aTokenGraphNoLongerAcceptsIsReplacedOnceWithinTheSameAttempt() throws Exception {
        startRelayViaGraph();
        sendAsPrinter(List.of(RCPT), message("first", "body"));
        awaitDelivered(1);
        standIns.entra().issuedTokens().forEach(standIns.entra()::revoke);

        sendAsPrinter(List.of(RCPT), message("second", "body"));
        awaitDelivered(2);

        assertThat(standIns.graph().messages()).hasSize(2);
        assertThat(delivery().deferredCount()).as("the 401 was answered with a fresh token, not a deferral").isZero();
        assertThat(standIns.graph().requests()).hasSize(3); // sendMail, sendMail (401), sendMail
    }

    @Test
    void smtpThenGraphSendsThroughGraphWhenExchangeSaysSmtpAuthIsDisabled() throws Exception {
        startRelay(standIns.settings().upstream("smtp-then-graph").render());
        standIns.exchange().smtpAuthDisabled(true);

        sendAsPrinter(List.of(RCPT), message("fallback one", "body"));
        awaitDelivered(1);
        int authAfterFirst = standIns.exchange().authAttempts();
        sendAsPrinter(List.of(RCPT), message("fallback two", "body"));
        awaitDelivered(2);

        assertThat(standIns.graph().messages()).hasSize(2);
        assertThat(standIns.exchange().messages()).isEmpty();
        assertThat(authAfterFirst).as("SMTP was tried first").isPositive();
        assertThat(standIns.exchange().authAttempts()).as("then the mailbox went straight to Graph")
                .isEqualTo(authAfterFirst);
        assertThat(delivery().deferredCount()).as("the fallback happens within the attempt").isZero();
    }

    @Test
    void smtpThenGraphStaysOnSmtpWhileSmtpWorks() throws Exception {
        startRelay(standIns.settings().upstream("smtp-then-graph").render());

        sendAsPrinter(List.of(RCPT), message("smtp works", "body"));
        awaitDelivered(1);

        assertThat(standIns.exchange().messages()).hasSize(1);
        assertThat(standIns.graph().messages()).isEmpty();
    }

    @Test
    void eachIdentityGoesThroughTheUpstreamItChose() throws Exception {
        startRelay(standIns.hocon() + "\ntrusted-networks = [ { cidr = \"" + TestRelay.TRUSTED_HOST
                + "/32\", mailbox = \"" + StandIns.SCANNER + "\", upstream = graph } ]\n");

        sendAsPrinter(List.of(RCPT), message("account over smtp", "body"));
        try (SmtpTestClient c = TestRelay.trustedHost(relay, "scanner")) {
            c.expect(c.sendMail(StandIns.SCANNER, List.of(RCPT),
                    message("network over graph", "body").replace("printer@contoso.com", StandIns.SCANNER)), "250");
            c.command("QUIT");
        }
        awaitDelivered(2);

        assertThat(standIns.exchange().messages()).extracting(m -> m.mailbox()).containsExactly(StandIns.PRINTER);
        assertThat(standIns.graph().messages()).extracting(GraphMessage::mailbox).containsExactly(StandIns.SCANNER);
    }
}
