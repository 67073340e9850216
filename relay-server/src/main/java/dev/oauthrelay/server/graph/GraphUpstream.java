package dev.oauthrelay.server.graph;

import dev.oauthrelay.delivery.AttemptResult;
import dev.oauthrelay.delivery.AttemptResult.Stage;
import dev.oauthrelay.delivery.Submission;
import dev.oauthrelay.delivery.Upstream;
import dev.oauthrelay.server.upstream.UpstreamFailure;
import dev.oauthrelay.token.MailboxTokens;
import dev.oauthrelay.token.TokenProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits messages through Microsoft Graph as the submission's mailbox:
 * {@code POST /users/{mailbox}/sendMail} with the message as base64 MIME ({@code Content-Type:
 * text/plain}), {@code 202 Accepted} meaning delivered ("user: sendMail", Microsoft Graph v1.0).
 * A message whose base64 is larger than {@link GraphSettings#maxRequestSize()} goes through
 * {@link LargeMessage} instead. At most {@link GraphSettings#maxConcurrentPerMailbox()} requests
 * run per mailbox. The future never fails: every problem is an {@link AttemptResult.Failed}.
 */
public final class GraphUpstream implements Upstream {

    private static final Logger log = LoggerFactory.getLogger(GraphUpstream.class);

    private final GraphSettings settings;
    private final ExecutorService executor;
    private final GraphClient client;
    private final MailboxPermits permits;
    private final Clock clock;

    /**
     * @throws IllegalArgumentException if the trust bundle cannot be used
     */
    public GraphUpstream(GraphSettings settings, TokenProvider tokens, Clock clock) {
        this(settings, MailboxTokens.of(tokens), clock);
    }

    /** With each mailbox's tokens from its upstream account. */
    public GraphUpstream(GraphSettings settings, MailboxTokens tokens, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "graph-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            this.client = new GraphClient(settings, tokens, executor);
        } catch (RuntimeException e) {
            executor.shutdownNow();
            throw e;
        }
        this.permits = new MailboxPermits(settings.maxConcurrentPerMailbox());
    }

    @Override
    public CompletableFuture<AttemptResult> submit(Submission submission) {
        CompletableFuture<AttemptResult> result = new CompletableFuture<>();
        String mailbox = submission.mailbox();
        permits.acquire(mailbox)
                .thenComposeAsync(turn -> attempt(submission), executor)
                .whenComplete((r, t) -> {
                    permits.release(mailbox);
                    result.complete(t == null ? r : UpstreamFailure.toResult(t, Stage.CONNECT, false));
                });
        return result;
    }

    private CompletableFuture<AttemptResult> attempt(Submission submission) {
        OutgoingMime mime;
        try {
            mime = OutgoingMime.of(submission);
        } catch (IOException | UncheckedIOException e) {
            return CompletableFuture.completedFuture(new AttemptResult.Failed(Stage.CONNECT, null,
                    "cannot read the queued message: " + e.getMessage(), false));
        }
        if (!mime.headerOnly().isEmpty()) {
            log.info("{}: Graph also sends to {} (in the message header, not among the recipients of this attempt)",
                    submission.mailbox(), mime.headerOnly());
        }
        long base64 = Base64InputStream.encodedLength(mime.size());
        if (base64 > settings.maxRequestSize()) {
            return new LargeMessage(client, settings, clock, submission, mime).send();
        }
        return client.call(submission.mailbox(), "POST", client.userUri(submission.mailbox(), "/sendMail"), "text/plain",
                        () -> HttpRequest.BodyPublishers.fromPublisher(
                                HttpRequest.BodyPublishers.ofInputStream(() -> base64Stream(mime)), base64), true)
                .thenApply(response -> outcome(submission, response));
    }

    private AttemptResult outcome(Submission submission, HttpResponse<byte[]> response) {
        if (response.statusCode() / 100 == 2) { // 202 Accepted, as documented
            log.debug("{}: Graph sendMail accepted the message for {}", submission.mailbox(), submission.recipients());
            return GraphReplies.delivered(submission.recipients(), "sendMail", response.statusCode());
        }
        return GraphReplies.failed("sendMail", response.statusCode(), response.headers(), response.body(),
                clock.instant());
    }

    private static Base64InputStream base64Stream(OutgoingMime mime) {
        try {
            return new Base64InputStream(mime.open());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the client fails the request: CONNECTION_LOST, retried
        }
    }

    /**
     * For {@code relay check}: {@code GET /users/{mailbox}?$select=userPrincipalName,mail}, whether
     * the directory has a user by that name, without sending anything. It needs the application
     * permission User.Read.All (not needed for sending; without it Graph answers 403
     * Authorization_RequestDenied), and it proves neither Mail.Send nor that an application
     * access policy lets the app at the mailbox: Graph has no call that does without sending.
     * The future never fails.
     */
    public CompletableFuture<UserLookup> lookUpUser(String mailbox) {
        return client.call(mailbox, "GET", client.userUri(mailbox, "?$select=userPrincipalName,mail"), null, null, false)
                .thenApply(r -> UserLookup.of(r.statusCode(), r.body()))
                .exceptionally(t -> UserLookup.notAnswered(UpstreamFailure.toResult(t, Stage.CONNECT, false)));
    }

    /** For tests: requests running for the mailbox. */
    int inUse(String mailbox) {
        return permits.inUse(mailbox);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
