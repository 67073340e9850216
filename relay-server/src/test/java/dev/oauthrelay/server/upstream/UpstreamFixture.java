package dev.oauthrelay.server.upstream;

import dev.oauthrelay.delivery.AttemptResult;
import dev.oauthrelay.delivery.Submission;
import dev.oauthrelay.server.standin.StandInExchange;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A stand-in Exchange and a client for it, closed together. */
final class UpstreamFixture implements AutoCloseable {

    static final String MAILBOX = "printer@contoso.example";
    static final String SEND_AS = "scanner@contoso.example";

    final StandInExchange exchange;
    final FakeTokenProvider tokens = new FakeTokenProvider();
    private SmtpUpstream client;

    UpstreamFixture(Path dir) throws InterruptedException {
        this(StandInExchange.builder(dir).mailbox(MAILBOX, SEND_AS).tokenValidator(FakeTokenProvider::isValid).start());
    }

    UpstreamFixture(StandInExchange exchange) {
        this.exchange = exchange;
    }

    /** Settings that trust the stand-in's certificate and connect to 127.0.0.1, with short timeouts. */
    UpstreamSettings settings() {
        return new UpstreamSettings(exchange.host(), exchange.port(), TlsMode.STARTTLS,
                Optional.of(exchange.certificateFile()), "relay.test", 3, Duration.ofSeconds(5),
                Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30));
    }

    SmtpUpstream client() {
        if (client == null) {
            client = new SmtpUpstream(settings(), tokens);
        }
        return client;
    }

    SmtpUpstream client(UpstreamSettings settings) {
        if (client != null) {
            client.close();
        }
        client = new SmtpUpstream(settings, tokens);
        return client;
    }

    AttemptResult send(Submission submission) throws Exception {
        return client().submit(submission).get(60, TimeUnit.SECONDS);
    }

    static Submission submission(String from, List<String> params, List<String> recipients, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return new Submission(MAILBOX, from, params, recipients, bytes.length, () -> new ByteArrayInputStream(bytes));
    }

    static Submission simple(String body) {
        return submission(MAILBOX, List.of(), List.of("alice@fabrikam.example"), body);
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
        exchange.close();
    }
}
