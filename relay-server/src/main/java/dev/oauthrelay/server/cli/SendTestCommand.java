package dev.oauthrelay.server.cli;

import dev.oauthrelay.delivery.AttemptResult;
import dev.oauthrelay.delivery.OutcomeClassifier;
import dev.oauthrelay.delivery.RecipientOutcome;
import dev.oauthrelay.delivery.RemoteReply;
import dev.oauthrelay.delivery.Submission;
import dev.oauthrelay.delivery.Upstream;
import dev.oauthrelay.policy.Identity;
import dev.oauthrelay.policy.UpstreamChoice;
import dev.oauthrelay.server.config.RelayConfig;
import dev.oauthrelay.server.graph.GraphUpstream;
import dev.oauthrelay.server.oauth.TokenSources;
import dev.oauthrelay.server.upstream.SmtpUpstream;
import dev.oauthrelay.token.CachingTokenProvider;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code relay send-test --config FILE --from A --to B [--via smtp|graph]}: one test message over
 * the relay's upstream path, as the mailbox of the identity that may use the sender, with the
 * upstream's reply and a verdict. Over SMTP: token from Entra ID, STARTTLS, XOAUTH2, submission.
 * Through Graph: a token for the Graph scope and {@code sendMail}, the only proof that Mail.Send
 * reaches the mailbox (see {@link GraphCheck}). The default is the identity's upstream (SMTP for
 * {@code smtp-then-graph}, which tries SMTP first), else {@code relay.delivery.upstream}.
 */
@Command(name = "send-test", description = "Send one test message upstream, as the relay would deliver it.")
final class SendTestCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", required = true, description = "Configuration file.")
    Path config;

    @Option(names = "--from", required = true, description = "Envelope sender and From: address.")
    String from;

    @Option(names = "--to", required = true, description = "Recipient.")
    String to;

    @Option(names = "--mailbox", description = "Mailbox to authenticate as (default: the mailbox of the identity allowed to use --from).")
    String mailbox;

    /** Named as in the configuration ({@code upstream = smtp | graph}), which is what users type. */
    enum Via { smtp, graph }

    @Option(names = "--via", paramLabel = "smtp|graph", description = "Upstream to send through (default: the upstream"
            + " of the identity allowed to use --from, smtp for smtp-then-graph; else relay.delivery.upstream).")
    Via via;

    @Override
    public Integer call() throws Exception {
        CheckReport report = new CheckReport(System.out);
        Optional<RelayConfig> loaded = report.loadConfig(config);
        if (loaded.isEmpty()) {
            return 1;
        }
        RelayConfig relay = loaded.get();
        if (!relay.delivers()) {
            report.fail("send", "relay.oauth is not configured", "no app registration", "set relay.oauth (see config/relay.conf)");
            return 1;
        }
        Optional<Identity> identity = identityFor(relay, from);
        String as = mailbox != null ? mailbox : identity.map(Identity::mailbox).orElse(from);
        UpstreamChoice choice = identity.map(Identity::upstream).orElse(relay.delivery().defaultUpstream());
        boolean graph = via != null ? via == Via.graph : choice == UpstreamChoice.GRAPH;
        // The identity's upstream account; without an identity, the account failure notices use.
        String accountName = identity.map(Identity::upstreamAccount)
                .filter(relay.upstreamAccounts()::containsKey)
                .orElse(relay.fallbackAccount());
        byte[] message = message(relay.hostname(), graph ? "Microsoft Graph" : "Exchange Online SMTP");
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try (TokenSources sources = TokenSources.of(relay.upstreamAccounts().get(accountName), Clock.systemUTC());
             CachingTokenProvider tokens = CheckCommand.tokens(graph ? sources.graph(relay.graph().scope())
                     : sources.smtp(), timer);
             Upstream upstream = graph ? new GraphUpstream(relay.graph(), tokens, Clock.systemUTC())
                     : new SmtpUpstream(relay.upstream(), tokens)) {
            Submission submission = new Submission(as, from, List.of("BODY=8BITMIME"), List.of(to), message.length,
                    () -> new ByteArrayInputStream(message));
            AttemptResult result = upstream.submit(submission).get(15, TimeUnit.MINUTES);
            RecipientOutcome outcome = OutcomeClassifier.classify(result, List.of(to)).get(to);
            String step = "send as " + as + " from <" + from + "> to <" + to + "> " + (graph
                    ? "through Graph (" + relay.graph().host() + ":" + relay.graph().port() + ")"
                    : "over SMTP (" + relay.upstream().host() + ":" + relay.upstream().port() + ")");
            if (outcome instanceof RecipientOutcome.Delivered d) {
                report.ok(step, "accepted upstream: " + d.reply());
            } else {
                report.fail(step, describe(result), "the upstream did not take the message",
                        "see the reply; run relay check for the login steps");
            }
        } finally {
            timer.shutdownNow();
        }
        return report.allPassed() ? 0 : 1;
    }

    private static String describe(AttemptResult result) {
        if (result instanceof AttemptResult.Failed f) {
            return (f.reply() != null ? f.reply() + " " : "") + "(" + f.stage() + ": " + f.reason() + ")";
        }
        AttemptResult.Completed c = (AttemptResult.Completed) result;
        return Stream.concat(c.recipientReplies().entrySet().stream().map(Map.Entry::getValue),
                        Stream.ofNullable(c.dataReply()))
                .map(RemoteReply::toString).filter(s -> !s.startsWith("2")).findFirst().orElse(c.toString());
    }

    /** The first identity that may use {@code sender}, whose mailbox and upstream the test takes. */
    static Optional<Identity> identityFor(RelayConfig relay, String sender) {
        return relay.identities().stream().filter(i -> i.maySend(sender)).findFirst();
    }

    private byte[] message(String hostname, String path) {
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now());
        String text = "From: <" + from + ">\r\n"
                + "To: <" + to + ">\r\n"
                + "Subject: OAuth SMTP Relay test message\r\n"
                + "Date: " + date + "\r\n"
                + "Message-ID: <" + UUID.randomUUID() + "@" + hostname + ">\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "\r\n"
                + "This is a test message from the OAuth SMTP Relay on " + hostname + ".\r\n"
                + "If you can read it, delivery through " + path + " with OAuth works.\r\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
