package dev.oauthrelay.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.policy.Cidr;
import dev.oauthrelay.policy.Identity;
import dev.oauthrelay.policy.SenderMismatch;
import dev.oauthrelay.policy.SubmissionPolicy;
import dev.oauthrelay.policy.TrustedNetwork;
import dev.oauthrelay.session.data.DataDecoder;
import dev.oauthrelay.smtp.Replies;
import dev.oauthrelay.spool.Spool;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which data line endings a session uses, and that a refused session stays refused. */
class DataLineEndingsSessionTest {

    @TempDir
    Path dir;

    private static final Identity DEVICES = new Identity("10.5.0.0/16", Identity.Kind.TRUSTED_NETWORK,
            "dev@contoso.com", List.of("dev@contoso.com"), SenderMismatch.REJECT);
    private static final Identity STRICT_HOST = new Identity("10.5.1.1/32", Identity.Kind.TRUSTED_NETWORK,
            "dev@contoso.com", List.of("dev@contoso.com"), SenderMismatch.REJECT);

    /** 10.5.0.0/16 keeps the listener's setting; the more specific 10.5.1.1 insists on strict. */
    private static final SubmissionPolicy POLICY = new SubmissionPolicy(List.of(), List.of(
            new TrustedNetwork(Cidr.parse("10.5.0.0/16"), DEVICES),
            new TrustedNetwork(Cidr.parse("10.5.1.1/32"), STRICT_HOST, Optional.of(DataDecoder.Mode.STRICT))));

    @Test
    void aNetworksOwnSettingWinsOverTheListenersAndOtherwiseTheListenerDecides() throws Exception {
        assertThat(send("10.5.1.1", DataDecoder.Mode.NORMALIZE).reply().code()).isEqualTo(521);
        assertThat(send("10.5.2.2", DataDecoder.Mode.NORMALIZE).reply().code()).isEqualTo(250);
        assertThat(send("10.5.2.2", DataDecoder.Mode.STRICT).reply().code()).isEqualTo(521);
    }

    @Test
    void afterARefusalNoLineIsEverTakenForACommand() throws Exception {
        Spool spool = Spool.open(dir.resolve("spool"));
        SmtpSession session = session("10.5.2.2", DataDecoder.Mode.STRICT, spool);
        openData(session);
        ByteBuffer in = bytes("x\n.\nMAIL FROM:<ceo@contoso.com>\r\n");

        Step.Respond refused = DialogueRunner.resolve(session.onData(in).orElseThrow());

        assertThat(refused.reply()).isEqualTo(Replies.BARE_LINE_ENDING);
        assertThat(refused.next()).isEqualTo(Step.Next.CLOSE);
        assertThat(session.receivingData()).isFalse();
        assertThat(session.busy()).isFalse();
        // Should a transport ever go on reading, every line gets the same refusal and a close.
        Step.Respond next = DialogueRunner.resolve(session.onLine("MAIL FROM:<ceo@contoso.com>".getBytes(StandardCharsets.US_ASCII)));
        assertThat(next.reply()).isEqualTo(Replies.BARE_LINE_ENDING);
        assertThat(next.next()).isEqualTo(Step.Next.CLOSE);
        session.onClose();
        assertThat(spool.queued()).isEmpty();
        try (var tmp = Files.list(spool.tmpDir())) {
            assertThat(tmp.toList()).isEmpty();
        }
    }

    private Step.Respond send(String client, DataDecoder.Mode listener) throws Exception {
        Path spoolDir = Files.createTempDirectory(dir, "spool");
        SmtpSession session = session(client, listener, Spool.open(spoolDir));
        openData(session);
        return DialogueRunner.resolve(session.onData(bytes("Subject: x\nhi\r\n.\r\n")).orElseThrow());
    }

    private static SmtpSession session(String client, DataDecoder.Mode listener, Spool spool) throws Exception {
        SessionSettings settings = new SessionSettings("relay.test", "test", TlsMode.NONE, false, 1 << 20, 10, 10, 0,
                listener);
        AuthGuard guard = new AuthGuard(new dev.oauthrelay.auth.AuthThrottle(
                dev.oauthrelay.auth.AuthThrottle.Settings.DEFAULTS, Clock.systemUTC()), 3,
                delay -> java.util.concurrent.CompletableFuture.completedFuture(null));
        return new SmtpSession(settings, InetAddress.getByName(client), POLICY, spool, Runnable::run, Clock.systemUTC(),
                guard);
    }

    private static void openData(SmtpSession session) {
        for (String line : List.of("EHLO x", "MAIL FROM:<dev@contoso.com>", "RCPT TO:<a@example.com>", "DATA")) {
            Step.Respond r = DialogueRunner.resolve(session.onLine(line.getBytes(StandardCharsets.US_ASCII)));
            assertThat(r.reply().code()).as(line).isIn(250, 354);
        }
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }
}
