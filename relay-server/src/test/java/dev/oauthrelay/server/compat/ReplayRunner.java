package dev.oauthrelay.server.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.oauthrelay.server.Relay;
import dev.oauthrelay.server.compat.Replay.Step;
import dev.oauthrelay.server.e2e.QueuedMessages;
import dev.oauthrelay.server.listener.SmtpTestClient;
import dev.oauthrelay.server.listener.TestRelay;
import dev.oauthrelay.server.standin.StandInExchange.ReceivedMessage;
import dev.oauthrelay.server.standin.StandIns;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plays a {@link Replay} against a relay of its own ({@link TestRelay}, in process, default
 * greeting delay) that delivers to the Exchange stand-in, over a real loopback socket, waiting
 * for each reply as the script says. The relay's listeners:
 * <ul>
 *   <li>{@code submission} (STARTTLS), {@code smtps} (implicit TLS), {@code plain} (no TLS; AUTH
 *       refused, so only the trusted host 127.0.0.2 may send);</li>
 *   <li>{@code plain-auth}: no TLS, {@code allow-plaintext-auth = true}, for devices without TLS;</li>
 *   <li>{@code normalize}: no TLS, {@code data-line-endings = normalize}, for bare-LF devices.</li>
 * </ul>
 * Header repair is off, so a delivered message is the relay's Received header and then exactly
 * what {@link ExpectedMessage} derives from the device's data bytes.
 */
final class ReplayRunner {

    static final String HOSTNAME = "relay.test";

    private static final String CONFIG = """
            listeners = [
              { name = submission, address = "127.0.0.1", port = 0, tls = starttls }
              { name = smtps, address = "127.0.0.1", port = 0, tls = implicit }
              { name = plain, address = "127.0.0.1", port = 0, tls = none }
              { name = plain-auth, address = "127.0.0.1", port = 0, tls = none, allow-plaintext-auth = true }
              { name = normalize, address = "127.0.0.1", port = 0, tls = none, data-line-endings = normalize }
            ]
            header-repair { add-date = false, add-message-id = false, quote-display-name = false }
            """;
    private static final Pattern QUEUED = Pattern.compile("^250 2\\.0\\.0 Ok: queued as ([0-9A-Z]{16})$");
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    /** A message the relay accepted: its queue id and the content it must arrive with. */
    record Accepted(String queueId, byte[] expected) { }

    private final Replay replay;
    private final StandIns standIns;
    private final StringBuilder transcript = new StringBuilder();
    private final List<Accepted> accepted = new ArrayList<>();
    private SmtpTestClient client;
    private String lastReply;
    private ByteArrayOutputStream data;
    private ReceivedMessage lastDelivered;

    private ReplayRunner(Replay replay, StandIns standIns) {
        this.replay = replay;
        this.standIns = standIns;
    }

    /** Runs {@code replay} against a relay with its data in {@code dataDir}; the relay is closed after. */
    static void run(Replay replay, StandIns standIns, Path dataDir) throws Exception {
        String greeting = replay.greetingDelay() == null ? "" : "\nlimits.greeting-delay = " + replay.greetingDelay();
        try (Relay relay = TestRelay.start(dataDir, standIns.hocon() + CONFIG + greeting)) {
            new ReplayRunner(replay, standIns).play(relay);
        }
    }

    private void play(Relay relay) throws Exception {
        int port = relay.port(replay.listener());
        client = new SmtpTestClient(port, InetAddress.getByName(replay.client()));
        try {
            if (replay.listener().equals("smtps")) {
                client.upgradeToTls();
            }
            for (Step step : replay.steps()) {
                try {
                    perform(step, relay);
                } catch (AssertionError | IOException e) {
                    throw new AssertionError(replay.name() + ".replay line " + step.line() + ": " + e.getMessage()
                            + "\n--- dialogue so far ---\n" + transcript, e);
                }
            }
        } finally {
            client.close();
        }
    }

    private void perform(Step step, Relay relay) throws Exception {
        if (step instanceof Step.Send send) {
            transcript.append(send.shown()).append('\n');
            client.sendBytes(send.bytes());
            if (data != null) {
                data.writeBytes(send.bytes());
            }
        } else if (step instanceof Step.ExpectReply expect) {
            lastReply = client.reply();
            transcript.append(lastReply.replaceAll("(?m)^", "S: ")).append('\n');
            endOfData();
            assertThat(lastReply).startsWith(expect.prefix());
            if (lastReply.startsWith("354")) {
                data = new ByteArrayOutputStream();
            }
        } else if (step instanceof Step.ExpectLine expect) {
            assertThat(lastReply.lines()).as("last reply").anyMatch(l -> l.contains(expect.text()));
        } else if (step instanceof Step.ExpectClosed) {
            transcript.append("S: <closed>\n");
            assertThat(client.closedByServer()).as("the relay closed the connection").isTrue();
        } else if (step instanceof Step.StartTls) {
            transcript.append("! starttls\n");
            client.upgradeToTls();
        } else if (step instanceof Step.Close) {
            transcript.append("! close\n");
            client.close();
        } else if (step instanceof Step.Delivered delivered) {
            assertDelivered(relay, delivered.count());
        } else if (step instanceof Step.MailFrom from) {
            assertThat(lastDelivered().mailFrom()).isEqualTo(from.address());
        } else if (step instanceof Step.Recipients rcpt) {
            assertThat(lastDelivered().recipients()).isEqualTo(rcpt.addresses());
        } else if (step instanceof Step.Mailbox mailbox) {
            assertThat(lastDelivered().mailbox()).isEqualTo(mailbox.mailbox());
        } else {
            throw new IllegalStateException("unknown step " + step);
        }
    }

    /** The reply after data bytes ends the data: a queued reply means the message must arrive as sent. */
    private void endOfData() {
        if (data == null) {
            return;
        }
        Matcher m = QUEUED.matcher(lastReply);
        if (m.matches()) {
            accepted.add(new Accepted(m.group(1), ExpectedMessage.of(data.toByteArray())));
        }
        data = null;
    }

    /**
     * Waits until the relay has delivered everything it queued, then checks that each accepted
     * message reached the stand-in exactly once, byte for byte, and that there were {@code count}.
     */
    private void assertDelivered(Relay relay, int count) throws IOException {
        assertThat(accepted).as("messages the relay accepted (250 queued as ...)").hasSize(count);
        var delivery = relay.delivery().orElseThrow();
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(20)).alias("delivery of " + count + " message(s)")
                .until(() -> delivery.deliveredCount() >= count && relay.spool().queued().isEmpty());
        assertThat(delivery.deliveredCount()).as("deliveries").isEqualTo(count);
        for (Accepted a : accepted) {
            List<ReceivedMessage> copies = standIns.exchange().messages().stream()
                    .filter(m -> receivedHeader(m).contains(" id " + a.queueId())).toList();
            assertThat(copies).as("copies of %s upstream", a.queueId()).hasSize(1);
            ReceivedMessage m = copies.get(0);
            assertThat(ExpectedMessage.show(afterReceivedHeader(m))).as("content of %s upstream", a.queueId())
                    .isEqualTo(ExpectedMessage.show(a.expected()));
            assertThat(receivedHeader(m)).startsWith("Received: from ").contains("by " + HOSTNAME);
            lastDelivered = m;
        }
    }

    private ReceivedMessage lastDelivered() {
        assertThat(lastDelivered).as("a message checked by \"= delivered\" before").isNotNull();
        return lastDelivered;
    }

    private static String receivedHeader(ReceivedMessage m) {
        try {
            return QueuedMessages.receivedHeader(new ByteArrayInputStream(m.content()));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] afterReceivedHeader(ReceivedMessage m) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(m.content());
        QueuedMessages.receivedHeader(in);
        return in.readAllBytes();
    }
}
