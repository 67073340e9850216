package dev.oauthrelay.server.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.spool.Envelope;
import dev.oauthrelay.spool.QueueId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class UpstreamHealthTest {

    private static final Instant T0 = Instant.parse("2026-11-29T08:00:00Z");
    private static final Envelope ENVELOPE = new Envelope(QueueId.parse("0000000000000000"), T0, "printer",
            Envelope.KIND_ACCOUNT, "printer@contoso.com", "printer@contoso.com", List.of(), List.of("a@b.example"),
            "127.0.0.1", "printer", "TLSv1.3");

    private final AtomicReference<Instant> now = new AtomicReference<>(T0);
    private final UpstreamHealth health = new UpstreamHealth(now::get, Duration.ofMinutes(5), "smtp.example:587");

    private void later(Duration d) {
        now.set(now.get().plus(d));
    }

    private void deferred(String reason) {
        health.messageDeferred(ENVELOPE, 1, reason, Duration.ofMinutes(1));
    }

    @Test
    void upBeforeAnyAttempt() {
        assertThat(health.get().up()).isTrue();
        assertThat(health.get().reason()).contains("no delivery attempt has reached smtp.example:587 yet");
    }

    @Test
    void connectFailuresTurnItDownOnlyAfterTheyHaveLastedDownAfter() {
        deferred("CONNECT: connection refused: smtp.example/10.0.0.1:587");
        assertThat(health.get().up()).isTrue();
        assertThat(health.get().reason()).contains("1 attempt(s) in a row", "connection refused", "DOWN if it lasts 300s");

        later(Duration.ofMinutes(3));
        deferred("TLS: certificate does not match smtp.example");
        assertThat(health.get().up()).isTrue();

        later(Duration.ofMinutes(2));
        CheckResult down = health.get();
        assertThat(down.up()).isFalse();
        assertThat(down.reason()).contains("2 attempt(s) in a row since " + T0, "could not reach smtp.example:587",
                "TLS: certificate does not match");
    }

    @Test
    void anAttemptThatGetsThroughEndsTheOutage() {
        deferred("CONNECT: connection refused");
        later(Duration.ofMinutes(10));
        assertThat(health.get().up()).isFalse();

        deferred("RCPT: 451 4.7.0 try again later"); // connected, authenticated, refused a recipient for now
        assertThat(health.get().up()).isTrue();
        assertThat(health.get().reason()).isEqualTo("last attempt reached smtp.example:587 at " + now.get());

        deferred("CONNECT: connection refused");
        later(Duration.ofMinutes(10));
        health.messageDelivered(ENVELOPE, 2, "250 2.0.0 OK");
        assertThat(health.get().up()).isTrue();
    }

    @Test
    void tokenTroubleSaysNothingAboutTheUpstream() {
        deferred("CONNECT: connection refused");
        later(Duration.ofMinutes(10));
        deferred("TOKEN: AADSTS7000222: secret expired");
        assertThat(health.get().up()).isFalse();
    }

    @Test
    void aPermanentFailureFromTheUpstreamShowsItWasReachedButAnExpiryDoesNot() {
        deferred("CONNECT: connection refused");
        later(Duration.ofMinutes(10));
        health.messageFailed(ENVELOPE, 9, "4.4.7 message expired after 9 attempts; last error: CONNECT: refused");
        assertThat(health.get().up()).isFalse();
        health.messageFailed(ENVELOPE, 1, "550 5.7.60 SMTP; Client does not have permissions to send as this sender");
        assertThat(health.get().up()).isTrue();
    }

    @Test
    void zeroDownAfterMeansDownAtTheFirstFailure() {
        UpstreamHealth strict = new UpstreamHealth(now::get, Duration.ZERO, "smtp.example:587");
        strict.messageDeferred(ENVELOPE, 1, "CONNECT: connection refused", Duration.ofSeconds(1));
        assertThat(strict.get().up()).isFalse();
    }
}
