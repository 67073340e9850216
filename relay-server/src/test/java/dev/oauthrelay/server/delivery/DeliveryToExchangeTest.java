package dev.oauthrelay.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.server.listener.SmtpTestClient;
import dev.oauthrelay.server.listener.TestRelay;
import dev.oauthrelay.server.standin.StandInExchange.ReceivedMessage;
import dev.oauthrelay.server.standin.StandIns;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Mail submitted to the relay reaches Exchange Online (the stand-in) unchanged, as the identity's mailbox. */
class DeliveryToExchangeTest extends DeliveryTestSupport {

    @Test
    void submittedMessageArrivesUpstreamByteForByteAsTheMailboxAndLeavesTheQueue() throws Exception {
        startRelay();
        // A line starting with a dot and a lone dot line: stuffed by the device, unstuffed into the
        // spool, stuffed again on the way up and unstuffed by the stand-in.
        String sent = message("happy path", "Scan finished: 3 pages.", ".hidden line starting with a dot", ".",
                "Grüße, the printer");

        String id = sendAsPrinter(List.of("alice@fabrikam.example"), sent);
        awaitDelivered(1);

        List<ReceivedMessage> received = standIns.exchange().messages();
        assertThat(received).hasSize(1);
        ReceivedMessage m = received.get(0);
        assertThat(m.mailbox()).as("XOAUTH2 user=").isEqualTo(StandIns.PRINTER);
        assertThat(m.mailFrom()).isEqualTo(StandIns.PRINTER);
        assertThat(m.recipients()).containsExactly("alice@fabrikam.example");
        assertThat(m.answered()).isTrue();

        Delivered d = Delivered.of(m.content());
        assertThat(d.receivedHeader())
                .startsWith("Received: from printer-2og ([127.0.0.1])\r\n\tby relay.test (OAuth SMTP Relay) with ESMTPSA id "
                        + id + "\r\n\t(using TLSv1.")
                .doesNotContain("alice@fabrikam.example");
        assertThat(d.restAsString()).isEqualTo(sent);
        assertThat(d.rest()).isEqualTo(bytes(sent));
        // Exactly one trace header was added: the stored body is that header plus the device's bytes.
        assertThat(new String(m.content(), StandardCharsets.UTF_8).split("\r\nReceived: ", -1))
                .hasSize(1);
        // SIZE announces the stored size (Received header included), which is what was sent.
        assertThat(m.parameters()).contains("SIZE=" + m.content().length);

        assertThat(queued()).isEmpty();
        assertThat(relay.spool().deadLettered()).isEmpty();
        assertThat(delivery().deferredCount()).isZero();
        assertThat(delivery().failedCount()).isZero();
        assertThat(standIns.exchange().transcripts()).allSatisfy(t -> assertThat(t.anyPlaintext("AUTH")).isFalse());
    }

    @Test
    void aThousandMessagesFromTenConcurrentClientsCostAtMostTwoTokenRequests() throws Exception {
        startRelay();
        int clients = 10;
        int connectionsPerClient = 10;
        int messagesPerConnection = 10;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int client = 0; client < clients; client++) {
                int n = client;
                // Half log in (sending as the printer's mailbox), half are a trusted scanner: two mailboxes, one app token.
                boolean account = n % 2 == 0;
                results.add(pool.submit(() -> {
                    List<String> ids = new ArrayList<>();
                    for (int conn = 0; conn < connectionsPerClient; conn++) {
                        try (SmtpTestClient c = account ? TestRelay.loggedIn(relay, "client-" + n)
                                : TestRelay.trustedHost(relay, "client-" + n)) {
                            for (int i = 0; i < messagesPerConnection; i++) {
                                String subject = "load " + n + "-" + conn + "-" + i;
                                String reply = c.sendMail(account ? TestRelay.MAILBOX : TestRelay.SCANNER_MAILBOX,
                                        List.of("archive@fabrikam.example"), message(subject, "message " + subject));
                                ids.add(SmtpTestClient.queueId(reply));
                            }
                            c.command("QUIT");
                        }
                    }
                    return ids;
                }));
            }
            List<String> ids = new ArrayList<>();
            for (Future<List<String>> f : results) {
                ids.addAll(f.get(120, TimeUnit.SECONDS));
            }
            assertThat(ids).hasSize(1000).doesNotHaveDuplicates();
        } finally {
            pool.shutdownNow();
        }

        awaitDelivered(1000);

        List<ReceivedMessage> received = standIns.exchange().messages();
        assertThat(received).hasSize(1000);
        assertThat(received).extracting(m -> Delivered.of(m.content()).restAsString().lines()
                .filter(l -> l.startsWith("Subject: ")).findFirst().orElseThrow())
                .doesNotHaveDuplicates();
        assertThat(standIns.messagesAs(StandIns.PRINTER)).hasSize(500);
        assertThat(standIns.messagesAs(StandIns.SCANNER)).hasSize(500);
        assertThat(standIns.entra().requestCount()).as("token requests for 1,000 messages").isBetween(1, 2);
        // Exchange Online allows 3 connections per mailbox.
        assertThat(standIns.exchange().maxConcurrentConnections(StandIns.PRINTER)).isBetween(1, 3);
        assertThat(standIns.exchange().maxConcurrentConnections(StandIns.SCANNER)).isBetween(1, 3);
        assertThat(queued()).isEmpty();
        assertThat(delivery().deferredCount()).isZero();
        assertThat(delivery().possibleDuplicateCount()).isZero();
    }
}
