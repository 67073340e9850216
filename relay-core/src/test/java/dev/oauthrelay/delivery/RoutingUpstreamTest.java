package dev.oauthrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.policy.UpstreamChoice;
import dev.oauthrelay.spool.Envelope;
import dev.oauthrelay.testsupport.MutableClock;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutingUpstreamTest {

    private static final RemoteReply SMTP_AUTH_DISABLED = new RemoteReply(535,
            "5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant."
                    + " Visit https://aka.ms/smtp_auth_disabled for more information.");

    private final ScriptedUpstream smtp = new ScriptedUpstream();
    private final ScriptedUpstream graph = new ScriptedUpstream();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T08:00:00Z"));

    private final Map<String, UpstreamChoice> byAccount = Map.of(
            "printer", UpstreamChoice.SMTP, "scanner", UpstreamChoice.GRAPH, "mfp", UpstreamChoice.SMTP_THEN_GRAPH);
    private final RoutingUpstream router = new RoutingUpstream(smtp, graph,
            (kind, name) -> kind.equals(Envelope.KIND_ACCOUNT) ? byAccount.getOrDefault(name, UpstreamChoice.SMTP)
                    : UpstreamChoice.SMTP,
            Duration.ofHours(1), clock);

    private static Submission from(String account, String mailbox) {
        byte[] body = "Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        return new Submission(mailbox, mailbox, List.of(), List.of("alice@fabrikam.example"), body.length,
                () -> new ByteArrayInputStream(body), Envelope.KIND_ACCOUNT, account);
    }

    private static AttemptResult.Failed authFailed(RemoteReply reply) {
        return new AttemptResult.Failed(AttemptResult.Stage.AUTH, reply, "AUTH XOAUTH2 refused", false);
    }

    @Test
    void eachIdentityGoesThroughTheUpstreamItChose() {
        smtp.then(ScriptedUpstream.acceptAll());
        graph.then(ScriptedUpstream.acceptAll());

        assertThat(router.submit(from("printer", "printer@contoso.com")).join()).isInstanceOf(AttemptResult.Completed.class);
        assertThat(router.submit(from("scanner", "scanner@contoso.com")).join()).isInstanceOf(AttemptResult.Completed.class);
        router.submit(new Submission("relay@contoso.com", "", List.of(), List.of("admin@contoso.com"), 1,
                () -> new ByteArrayInputStream(new byte[] {'x'}))).join(); // a notice: the default route

        assertThat(smtp.received()).extracting(r -> r.submission().mailbox())
                .containsExactly("printer@contoso.com", "relay@contoso.com");
        assertThat(graph.received()).extracting(r -> r.submission().mailbox()).containsExactly("scanner@contoso.com");
    }

    @Test
    void smtpThenGraphFallsBackInTheSameAttemptWhenSmtpAuthIsDisabledAndRemembersItForAWhile() {
        java.util.concurrent.atomic.AtomicBoolean disabled = new java.util.concurrent.atomic.AtomicBoolean(true);
        smtp.then(s -> disabled.get() ? authFailed(SMTP_AUTH_DISABLED) : ScriptedUpstream.acceptAll().apply(s));
        graph.then(ScriptedUpstream.acceptAll());

        AttemptResult first = router.submit(from("mfp", "mfp@contoso.com")).join();
        assertThat(first).isInstanceOf(AttemptResult.Completed.class);
        assertThat(smtp.received()).hasSize(1);
        assertThat(graph.received()).hasSize(1);

        clock.advance(Duration.ofMinutes(59));
        router.submit(from("mfp", "mfp@contoso.com")).join();
        assertThat(smtp.received()).as("SMTP is not tried again within the hour").hasSize(1);
        assertThat(graph.received()).hasSize(2);

        clock.advance(Duration.ofMinutes(2));
        disabled.set(false); // an admin switched SMTP AUTH back on
        router.submit(from("mfp", "mfp@contoso.com")).join();
        assertThat(smtp.received()).as("after the hour SMTP is tried first again").hasSize(2);
        assertThat(graph.received()).hasSize(2);
    }

    @Test
    void otherSmtpFailuresDoNotFallBack() {
        AttemptResult.Failed badToken = authFailed(new RemoteReply(535, "5.7.3 Authentication unsuccessful"));
        smtp.then(s -> badToken);
        graph.then(ScriptedUpstream.acceptAll());

        assertThat(router.submit(from("mfp", "mfp@contoso.com")).join()).isEqualTo(badToken);
        assertThat(graph.received()).isEmpty();
    }

    @Test
    void onlyA5xxWith5_7_139AtAuthOrMailMeansSmtpAuthIsDisabled() {
        assertThat(RoutingUpstream.smtpAuthDisabled(authFailed(SMTP_AUTH_DISABLED))).isTrue();
        assertThat(RoutingUpstream.smtpAuthDisabled(new AttemptResult.Failed(AttemptResult.Stage.MAIL,
                SMTP_AUTH_DISABLED, "MAIL refused", false))).isTrue();
        assertThat(RoutingUpstream.smtpAuthDisabled(new AttemptResult.Failed(AttemptResult.Stage.CONNECT,
                null, "refused", false))).isFalse();
        assertThat(RoutingUpstream.smtpAuthDisabled(authFailed(new RemoteReply(535, "5.7.3 Authentication unsuccessful"))))
                .isFalse();
    }

    @Test
    void withoutAGraphUpstreamAGraphRouteDefers() {
        RoutingUpstream smtpOnly = new RoutingUpstream(smtp, null, (k, n) -> UpstreamChoice.GRAPH, Duration.ofHours(1),
                clock);
        AttemptResult r = smtpOnly.submit(from("scanner", "scanner@contoso.com")).join();
        assertThat(r).isInstanceOfSatisfying(AttemptResult.Failed.class,
                f -> assertThat(f.reason()).contains("Graph upstream is not configured"));
        assertThat(OutcomeClassifier.classify(r, List.of("alice@fabrikam.example")).values())
                .allMatch(o -> o instanceof RecipientOutcome.Deferred);
    }
}
