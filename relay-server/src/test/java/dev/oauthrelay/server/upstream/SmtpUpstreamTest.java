package dev.oauthrelay.server.upstream;

import static dev.oauthrelay.server.upstream.UpstreamFixture.MAILBOX;
import static dev.oauthrelay.server.upstream.UpstreamFixture.SEND_AS;
import static dev.oauthrelay.server.upstream.UpstreamFixture.simple;
import static dev.oauthrelay.server.upstream.UpstreamFixture.submission;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.oauthrelay.delivery.AttemptResult;
import dev.oauthrelay.delivery.AttemptResult.Completed;
import dev.oauthrelay.delivery.AttemptResult.Failed;
import dev.oauthrelay.delivery.AttemptResult.Stage;
import dev.oauthrelay.delivery.RemoteReply;
import dev.oauthrelay.delivery.Submission;
import dev.oauthrelay.server.standin.StandInExchange;
import dev.oauthrelay.server.standin.StandInExchange.ReceivedMessage;
import dev.oauthrelay.server.standin.StandInExchange.TranscriptLine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The upstream client against the stand-in Exchange: the transaction, reuse, and failures. */
class SmtpUpstreamTest {

    @TempDir
    Path dir;

    UpstreamFixture fx;

    @BeforeEach
    void start() throws InterruptedException {
        fx = new UpstreamFixture(dir);
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    @Test
    void deliversTheMessageByteIdentical() throws Exception {
        String body = "Subject: dots\r\n\r\n.leading dot\r\n..two dots\r\n.\r\nafter a lone dot\r\n";
        AttemptResult result = fx.send(submission(MAILBOX, List.of(), List.of("alice@fabrikam.example", "bob@fabrikam.example"), body));

        assertThat(result).isInstanceOf(Completed.class);
        Completed completed = (Completed) result;
        assertThat(completed.recipientReplies()).containsOnlyKeys("alice@fabrikam.example", "bob@fabrikam.example");
        assertThat(completed.recipientReplies().values()).allMatch(RemoteReply::isPositive);
        assertThat(completed.dataReply().code()).isEqualTo(250);
        assertThat(completed.dataReply().text()).startsWith("2.0.0 OK <");

        ReceivedMessage message = fx.exchange.messages().get(0);
        assertThat(message.contentAsString()).isEqualTo(body);
        assertThat(message.mailbox()).isEqualTo(MAILBOX);
        assertThat(message.mailFrom()).isEqualTo(MAILBOX);
        assertThat(message.recipients()).containsExactly("alice@fabrikam.example", "bob@fabrikam.example");
        assertThat(message.answered()).isTrue();

        List<TranscriptLine> lines = fx.exchange.transcripts().get(0).lines();
        assertThat(lines.stream().map(TranscriptLine::line).filter(l -> !l.startsWith("AUTH")))
                .startsWith("EHLO relay.test", "STARTTLS", "EHLO relay.test");
        assertThat(fx.exchange.transcripts().get(0).anyPlaintext("AUTH")).isFalse();
        assertThat(lines).filteredOn(l -> l.line().startsWith("AUTH")).hasSize(1).allMatch(TranscriptLine::tls);
    }

    @Test
    void bareLineEndsArriveAsCrlf() throws Exception {
        assertThat(fx.send(simple("a\nb\rc\r\n.d\n\r\n")))
                .isInstanceOfSatisfying(Completed.class, c -> assertThat(c.dataReply().code()).isEqualTo(250));
        assertThat(fx.exchange.messages().get(0).contentAsString()).isEqualTo("a\r\nb\r\nc\r\n.d\r\n\r\n");
    }

    @Test
    void unterminatedLastLineGetsCrlf() throws Exception {
        fx.send(simple("Subject: x\r\n\r\nno line end"));
        assertThat(fx.exchange.messages().get(0).contentAsString()).isEqualTo("Subject: x\r\n\r\nno line end\r\n");
    }

    @Test
    void mailParametersArePassedOnlyWhenAdvertised() throws Exception {
        List<String> all = List.of("SIZE=999", "BODY=8BITMIME", "SMTPUTF8");
        Submission sub = submission(MAILBOX, all, List.of("alice@fabrikam.example"), "Subject: \u00e9\r\n\r\nx\r\n");
        assertThat(fx.send(sub)).isInstanceOf(Completed.class);
        assertThat(fx.exchange.messages().get(0).parameters())
                .containsExactly("SIZE=" + sub.bodySize(), "BODY=8BITMIME", "SMTPUTF8");

        // Nothing declared: SIZE only, because the upstream advertises it.
        fx.send(simple("x\r\n"));
        assertThat(fx.exchange.messages().get(1).parameters()).containsExactly("SIZE=3");

        // The upstream lacks SIZE and 8BITMIME: neither is sent.
        fx.exchange.omitExtension("SIZE");
        fx.exchange.omitExtension("8BITMIME");
        fx.client(fx.settings()); // a new client, so it sees the new EHLO
        assertThat(fx.send(sub)).isInstanceOf(Completed.class);
        assertThat(fx.exchange.messages().get(2).parameters()).containsExactly("SMTPUTF8");
    }

    @Test
    void messageThatNeedsSmtpUtf8FailsPermanentlyWithoutIt() throws Exception {
        fx.exchange.omitExtension("SMTPUTF8");
        AttemptResult result = fx.send(submission(MAILBOX, List.of("SMTPUTF8"), List.of("j\u00f6rg@fabrikam.example"), "x\r\n"));
        assertThat(result).isInstanceOfSatisfying(Failed.class, f -> {
            assertThat(f.stage()).isEqualTo(Stage.MAIL);
            assertThat(f.reply().code()).isEqualTo(553);
            assertThat(f.reply().text()).startsWith("5.6.7");
        });
        assertThat(fx.exchange.messages()).isEmpty();
        // Nothing was sent for it, so the connection is still good for the next message.
        assertThat(fx.send(simple("x\r\n"))).isInstanceOf(Completed.class);
        assertThat(fx.exchange.connectionCount()).isEqualTo(1);
    }

    @Test
    void twoMessagesForOneMailboxShareOneConnectionAndOneAuth() throws Exception {
        assertThat(fx.send(simple("one\r\n"))).isInstanceOf(Completed.class);
        assertThat(fx.send(submission(SEND_AS, List.of(), List.of("bob@fabrikam.example"), "two\r\n")))
                .isInstanceOf(Completed.class);
        assertThat(fx.exchange.messages()).hasSize(2);
        assertThat(fx.exchange.connectionCount()).isEqualTo(1);
        assertThat(fx.exchange.authAttempts()).isEqualTo(1);
    }

    @Test
    void aTransactionLeftOpenIsResetBeforeTheNextMessage() throws Exception {
        fx.exchange.failNext(StandInExchange.Stage.RCPT, 1, "550 5.1.1 User unknown");
        assertThat(fx.send(simple("one\r\n"))).isInstanceOfSatisfying(Completed.class,
                c -> assertThat(c.dataReply()).isNull());
        assertThat(fx.send(simple("two\r\n"))).isInstanceOf(Completed.class);
        assertThat(fx.exchange.transcripts().get(0).lines()).extracting(TranscriptLine::line).contains("RSET");
        assertThat(fx.exchange.messages()).extracting(ReceivedMessage::contentAsString).containsExactly("two\r\n");
    }

    @Test
    void tenConcurrentSubmissionsNeverUseMoreThanThreeConnections() throws Exception {
        List<CompletableFuture<AttemptResult>> futures = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            futures.add(fx.client().submit(simple("message " + i + "\r\n" + "x".repeat(200_000) + "\r\n")));
        }
        for (CompletableFuture<AttemptResult> f : futures) {
            assertThat(f.get(60, TimeUnit.SECONDS)).isInstanceOf(Completed.class);
        }
        assertThat(fx.exchange.messages()).hasSize(10);
        // Three connections open at once (all stay open until idle), never a fourth.
        assertThat(fx.exchange.maxConcurrentConnections(MAILBOX)).isEqualTo(3);
        assertThat(fx.exchange.connectionCount()).isEqualTo(3);
        assertThat(fx.client().openConnections(MAILBOX)).isLessThanOrEqualTo(3);
    }

    @Test
    void rejectedTokenIsInvalidatedAndTheSecondAuthSucceeds() throws Exception {
        fx.exchange.rejectNextAuth(1);
        assertThat(fx.send(simple("x\r\n"))).isInstanceOf(Completed.class);
        assertThat(fx.tokens.invalidated()).containsExactly("good-token-1");
        assertThat(fx.exchange.authAttempts()).isEqualTo(2);
        assertThat(fx.exchange.messages()).hasSize(1);
    }

    @Test
    void errorChallengeIsAnsweredWithAnEmptyLine() throws Exception {
        fx.exchange.authErrorChallenge(true);
        fx.exchange.rejectNextAuth(1);
        assertThat(fx.send(simple("x\r\n"))).isInstanceOf(Completed.class);
        assertThat(fx.exchange.transcripts().get(0).lines()).extracting(TranscriptLine::line).contains("");
        assertThat(fx.tokens.invalidated()).containsExactly("good-token-1");
    }

    @Test
    void authRefusedTwiceFails() throws Exception {
        fx.exchange.rejectNextAuth(5);
        AttemptResult result = fx.send(simple("x\r\n"));
        assertThat(result).isInstanceOfSatisfying(Failed.class, f -> {
            assertThat(f.stage()).isEqualTo(Stage.AUTH);
            assertThat(f.reply()).isEqualTo(new RemoteReply(535, "5.7.3 Authentication unsuccessful"));
        });
        assertThat(fx.exchange.authAttempts()).isEqualTo(2);
        assertThat(fx.tokens.invalidated()).containsExactly("good-token-1");
    }

    @Test
    void noTokenMeansNoConnection() throws Exception {
        fx.tokens.unavailable(true);
        AttemptResult result = fx.send(simple("x\r\n"));
        assertThat(result).isInstanceOfSatisfying(Failed.class, f -> {
            assertThat(f.stage()).isEqualTo(Stage.TOKEN);
            assertThat(f.reason()).contains("AADSTS7000215");
        });
        assertThat(fx.exchange.connectionCount()).isZero();
    }

    @Test
    void senderWithoutSendAsRightsIsRefusedAtMail() throws Exception {
        AttemptResult result = fx.send(submission("ceo@contoso.example", List.of(), List.of("alice@fabrikam.example"), "x\r\n"));
        assertThat(result).isInstanceOfSatisfying(Failed.class, f -> {
            assertThat(f.stage()).isEqualTo(Stage.MAIL);
            assertThat(f.reply()).isEqualTo(new RemoteReply(550, "5.7.60 SMTP; Client does not have permissions to send as this sender"));
        });
        assertThat(fx.exchange.messages()).isEmpty();
    }

    @Test
    void aRecipientDeferredWhileOthersAreDelivered() throws Exception {
        fx.exchange.failNext(StandInExchange.Stage.RCPT, 1, "451 4.7.0 Temporary server error");
        AttemptResult result = fx.send(submission(MAILBOX, List.of(),
                List.of("a@fabrikam.example", "b@fabrikam.example", "c@fabrikam.example"), "x\r\n"));
        assertThat(result).isInstanceOfSatisfying(Completed.class, c -> {
            assertThat(c.recipientReplies().get("a@fabrikam.example")).isEqualTo(new RemoteReply(451, "4.7.0 Temporary server error"));
            assertThat(c.recipientReplies().get("b@fabrikam.example").code()).isEqualTo(250);
            assertThat(c.recipientReplies().get("c@fabrikam.example").code()).isEqualTo(250);
            assertThat(c.dataReply().code()).isEqualTo(250);
        });
        assertThat(fx.exchange.messages().get(0).recipients()).containsExactly("b@fabrikam.example", "c@fabrikam.example");
    }

    @Test
    void withoutPipeliningCommandsGoOneByOne() throws Exception {
        fx.exchange.omitExtension("PIPELINING");
        fx.exchange.failNext(StandInExchange.Stage.RCPT, 1, "550 5.1.1 User unknown");
        AttemptResult result = fx.send(submission(MAILBOX, List.of(), List.of("a@fabrikam.example", "b@fabrikam.example"), "x\r\n"));
        assertThat(result).isInstanceOfSatisfying(Completed.class, c -> {
            assertThat(c.recipientReplies().get("a@fabrikam.example").code()).isEqualTo(550);
            assertThat(c.recipientReplies().get("b@fabrikam.example").code()).isEqualTo(250);
        });
    }

    @Test
    void replyAtTheEndOfDataIsReported() throws Exception {
        fx.exchange.failNext(StandInExchange.Stage.AFTER_DOT, 1, "452 4.3.1 Insufficient system resources");
        fx.exchange.failNext(StandInExchange.Stage.DATA, 1, "554 5.6.0 Bad data");
        assertThat(fx.send(simple("x\r\n"))).isInstanceOfSatisfying(Completed.class,
                c -> assertThat(c.dataReply()).isEqualTo(new RemoteReply(554, "5.6.0 Bad data")));
        assertThat(fx.send(simple("x\r\n"))).isInstanceOfSatisfying(Completed.class,
                c -> assertThat(c.dataReply()).isEqualTo(new RemoteReply(452, "4.3.1 Insufficient system resources")));
        fx.exchange.failNext(StandInExchange.Stage.AFTER_DOT, 1, "554 5.2.2 mailbox full");
        assertThat(fx.send(simple("x\r\n"))).isInstanceOfSatisfying(Completed.class,
                c -> assertThat(c.dataReply()).isEqualTo(new RemoteReply(554, "5.2.2 mailbox full")));
        assertThat(fx.exchange.messages()).isEmpty();
        assertThat(fx.send(simple("x\r\n"))).isInstanceOf(Completed.class);
        assertThat(fx.exchange.connectionCount()).isEqualTo(1);
    }

    @Test
    void connectionDroppedAfterTheFinalDot() throws Exception {
        fx.exchange.dropAfterFinalDot(1);
        AttemptResult result = fx.send(simple("x\r\n"));
        assertThat(result).isInstanceOfSatisfying(Failed.class, f -> {
            assertThat(f.stage()).isEqualTo(Stage.CONNECTION_LOST);
            assertThat(f.afterFinalDot()).isTrue();
        });
        assertThat(fx.exchange.messages()).singleElement().satisfies(m -> assertThat(m.answered()).isFalse());
        // The next message gets a new connection.
        assertThat(fx.send(simple("y\r\n"))).isInstanceOf(Completed.class);
        assertThat(fx.exchange.connectionCount()).isEqualTo(2);
    }

    @Test
    void finalDotNeverAnswered() throws Exception {
        fx.exchange.neverAnswerFinalDot(true);
        fx.client(fx.settings().withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(500), Duration.ofSeconds(30)));
        AttemptResult result = fx.send(simple("x\r\n"));
        assertThat(result).isInstanceOfSatisfying(Failed.class, f -> {
            assertThat(f.stage()).isEqualTo(Stage.CONNECTION_LOST);
            assertThat(f.afterFinalDot()).isTrue();
            assertThat(f.reason()).contains("no reply");
        });
    }

    @Test
    void staleReusedConnectionIsReplacedTransparently() throws Exception {
        assertThat(fx.send(simple("one\r\n"))).isInstanceOf(Completed.class);
        fx.exchange.failNext(StandInExchange.Stage.MAIL, 1, "421 4.3.2 Service not available, closing transmission channel");
        assertThat(fx.send(simple("two\r\n"))).isInstanceOf(Completed.class);
        assertThat(fx.exchange.connectionCount()).isEqualTo(2);
        assertThat(fx.exchange.messages()).hasSize(2);
    }

    @Test
    void idleConnectionsAreQuitAfterTheIdleTimeout() throws Exception {
        fx.client(fx.settings().withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofMillis(300)));
        assertThat(fx.send(simple("x\r\n"))).isInstanceOf(Completed.class);
        await().atMost(Duration.ofSeconds(5)).until(() -> fx.client().openConnections(MAILBOX) == 0);
        assertThat(fx.exchange.transcripts().get(0).lines()).last().isEqualTo(new TranscriptLine("QUIT", true));
        assertThat(fx.send(simple("y\r\n"))).isInstanceOf(Completed.class);
        assertThat(fx.exchange.connectionCount()).isEqualTo(2);
    }

    @Test
    void closeQuitsIdleConnections() throws Exception {
        assertThat(fx.send(simple("x\r\n"))).isInstanceOf(Completed.class);
        fx.client().close();
        assertThat(fx.exchange.transcripts().get(0).lines()).last().isEqualTo(new TranscriptLine("QUIT", true));
        assertThat(fx.client().submit(simple("y\r\n")).get(5, TimeUnit.SECONDS))
                .isInstanceOfSatisfying(Failed.class, f -> assertThat(f.stage()).isEqualTo(Stage.CONNECT));
    }

    @Test
    void refusedConnectionFailsAtConnect() throws Exception {
        fx.exchange.refuseConnections(true);
        assertThat(fx.send(simple("x\r\n"))).isInstanceOfSatisfying(Failed.class,
                f -> assertThat(f.stage()).isEqualTo(Stage.CONNECT));
        fx.exchange.refuseConnections(false);
        fx.exchange.failNext(StandInExchange.Stage.CONNECT, 1, "554 5.3.2 Service unavailable");
        assertThat(fx.send(simple("x\r\n"))).isInstanceOfSatisfying(Failed.class, f -> {
            assertThat(f.stage()).isEqualTo(Stage.CONNECT);
            assertThat(f.reply().code()).isEqualTo(554);
        });
        assertThat(fx.exchange.authAttempts()).isZero();
    }

    @Test
    void fiftyMegabytesStreamThrough() throws Exception {
        long size = 50L * 1024 * 1024;
        Submission big = new Submission(MAILBOX, MAILBOX, List.of(), List.of("alice@fabrikam.example"), size,
                () -> new GeneratedBody(size));
        assertThat(fx.send(big)).isInstanceOfSatisfying(Completed.class, c -> assertThat(c.dataReply().code()).isEqualTo(250));
        byte[] received = fx.exchange.messages().get(0).content();
        assertThat(received.length).isEqualTo(size);
        assertThat(java.util.Arrays.mismatch(received, new GeneratedBody(size).readAllBytes())).isEqualTo(-1);
    }

    @Test
    void eachMessageIsWrittenAsAnEmlFileWhenConfigured() throws Exception {
        fx.close();
        Path eml = dir.resolve("received");
        fx = new UpstreamFixture(StandInExchange.builder(dir).mailbox(MAILBOX).tokenValidator(FakeTokenProvider::isValid)
                .messageDirectory(eml).start());
        fx.send(simple("Subject: hello\r\n\r\nhi\r\n"));
        assertThat(Files.readString(eml.resolve("1.eml"), StandardCharsets.UTF_8)).isEqualTo("Subject: hello\r\n\r\nhi\r\n");
    }
}
