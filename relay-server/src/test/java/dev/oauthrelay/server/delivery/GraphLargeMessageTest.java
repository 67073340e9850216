package dev.oauthrelay.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.server.standin.StandInGraph;
import dev.oauthrelay.server.standin.StandInGraph.Attachment;
import dev.oauthrelay.server.standin.StandInGraph.GraphMessage;
import dev.oauthrelay.server.standin.StandInGraph.Operation;
import dev.oauthrelay.server.standin.StandIns;
import dev.oauthrelay.spool.QueueId;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A message larger than one Graph request may be goes as a draft without its largest
 * attachments, which are added to it (a small one by a JSON POST, one of 2 MiB or more through an
 * upload session, in chunks, without the token), and the draft is sent. Request size and chunk
 * size are made small here so the test stays quick: 64 KiB and 1 MiB.
 */
class GraphLargeMessageTest extends DeliveryTestSupport {

    private static final String RCPT = "alice@fabrikam.example";
    private static final String BOUNDARY = "----=_Part_0_1234.5678";

    private final Random random = new Random(42);

    private void startRelayWithSmallRequests() throws Exception {
        startRelay(standIns.settings().upstream("graph").graphSizes("64KiB", "1MiB").render());
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** A scan-to-email with a text part, a small attachment and a large one (base64, 76-character lines). */
    private static String scan(byte[] small, byte[] large) {
        Base64.Encoder mime = Base64.getMimeEncoder();
        return "From: Printer 2. OG <printer@contoso.com>\r\n"
                + "To: alice@fabrikam.example\r\n"
                + "Subject: large scan\r\n"
                + "Date: Sun, 29 Nov 2026 06:15:30 +0100\r\n"
                + "Message-ID: <large-scan@printer.contoso.com>\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"" + BOUNDARY + "\"\r\n"
                + "\r\n"
                + "This is a multi-part message in MIME format.\r\n"
                + "--" + BOUNDARY + "\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "\r\n"
                + "Please find the scanned documents attached.\r\n"
                + "--" + BOUNDARY + "\r\n"
                + "Content-Type: application/pdf; name=\"cover.pdf\"\r\n"
                + "Content-Disposition: attachment; filename=\"cover.pdf\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n"
                + "\r\n"
                + mime.encodeToString(small) + "\r\n"
                + "--" + BOUNDARY + "\r\n"
                + "Content-Type: application/pdf; name=\"scan-0001.pdf\"\r\n"
                + "Content-Disposition: attachment; filename=\"scan-0001.pdf\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n"
                + "\r\n"
                + mime.encodeToString(large) + "\r\n"
                + "--" + BOUNDARY + "--\r\n";
    }

    @Test
    void aMessageTooLargeForOneRequestGoesAsADraftWithItsAttachmentsAddedSeparately() throws Exception {
        startRelayWithSmallRequests();
        byte[] small = randomBytes(40_000);
        byte[] large = randomBytes(2_500_000); // above the 2 MiB minimum of an upload session: 3 chunks of 1 MiB

        sendAsPrinter(List.of(RCPT, "archive@contoso.com"), scan(small, large));
        awaitDelivered(1);

        StandInGraph graph = standIns.graph();
        GraphMessage m = graph.messages().get(0);
        assertThat(graph.messages()).hasSize(1);
        assertThat(m.viaDraft()).isTrue();
        assertThat(m.mailbox()).isEqualTo(StandIns.PRINTER);
        assertThat(m.recipients()).containsExactly(RCPT, "archive@contoso.com");
        String draft = m.mimeAsString();
        assertThat(draft).contains("Subject: large scan", "Message-ID: <large-scan@printer.contoso.com>",
                "Please find the scanned documents attached.", "--" + BOUNDARY + "--\r\n");
        assertThat(draft).doesNotContain("cover.pdf", "scan-0001.pdf");
        assertThat(m.attachments()).extracting(Attachment::name, Attachment::contentType, Attachment::uploaded)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("cover.pdf", "application/pdf", false),
                        org.assertj.core.groups.Tuple.tuple("scan-0001.pdf", "application/pdf", true));
        assertThat(m.attachments().get(0).content()).isEqualTo(small);
        assertThat(m.attachments().get(1).content()).isEqualTo(large);

        List<String> requests = graph.requests();
        assertThat(requests.stream().filter(r -> r.startsWith("PUT /upload/")).count()).isEqualTo(3);
        assertThat(requests).noneMatch(r -> r.endsWith("/sendMail"));
        assertThat(graph.uploadsWithAuthorization()).as("the token never goes to the upload URL").isZero();
        assertThat(graph.openDrafts()).isZero();
        assertThat(queued()).isEmpty();
    }

    @Test
    void aFailureHalfWayDeletesTheDraftAndTheNextAttemptStartsOver() throws Exception {
        startRelayWithSmallRequests();
        standIns.graph().failNext(Operation.UPLOAD, 503, "ServiceUnavailable", "1");
        byte[] large = randomBytes(2_200_000);

        sendAsPrinter(List.of(RCPT), scan(randomBytes(1000), large));
        awaitDelivered(1);

        StandInGraph graph = standIns.graph();
        assertThat(graph.messages()).singleElement().satisfies(m -> {
            assertThat(m.attachments()).as("the small attachment fits into the draft").singleElement()
                    .satisfies(a -> assertThat(a.content()).isEqualTo(large));
            assertThat(m.mimeAsString()).contains("cover.pdf");
        });
        assertThat(graph.requests()).filteredOn(r -> r.startsWith("POST") && r.endsWith("/messages")).hasSize(2);
        assertThat(graph.requests()).anyMatch(r -> r.startsWith("DELETE /v1.0/users/" + StandIns.PRINTER + "/messages/"));
        assertThat(graph.openDrafts()).as("the first draft was deleted").isZero();
        assertThat(delivery().deferredCount()).isEqualTo(1);
    }

    @Test
    void aLargeMessageWithoutAttachmentsToSplitOffFailsForGood() throws Exception {
        startRelayWithSmallRequests();
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            body.append("line ").append(i).append(" of a very long plain text report\r\n");
        }

        String id = sendAsPrinter(List.of(RCPT), message("long report", body.toString().split("\r\n")));
        until("dead-lettered", () -> deadLettered().contains(QueueId.parse(id)));

        assertThat(relay.spool().deadLetterReport(QueueId.parse(id))).contains("552 5.3.4 Message too large");
        assertThat(standIns.graph().requests()).noneMatch(r -> r.contains("/users/" + StandIns.PRINTER));
    }
}
