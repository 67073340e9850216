package dev.oauthrelay.server.delivery;

import static org.awaitility.Awaitility.await;

import dev.oauthrelay.delivery.DeliveryScheduler;
import dev.oauthrelay.server.Relay;
import dev.oauthrelay.server.e2e.QueuedMessages;
import dev.oauthrelay.server.listener.SmtpTestClient;
import dev.oauthrelay.server.listener.TestRelay;
import dev.oauthrelay.server.standin.StandIns;
import dev.oauthrelay.spool.QueueId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * An in-process relay ({@link TestRelay}) delivering to the Microsoft stand-ins ({@link StandIns})
 * started in a temporary directory before each test; both are closed after it.
 */
abstract class DeliveryTestSupport {

    static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    StandIns standIns;
    Relay relay;

    @BeforeEach
    void startStandIns() throws Exception {
        standIns = StandIns.start(dir.resolve("stand-ins"));
    }

    @AfterEach
    void stopAll() {
        try {
            if (relay != null) {
                relay.close();
            }
        } finally {
            standIns.close();
        }
    }

    /** Starts the relay with the stand-ins' default settings. */
    Relay startRelay() throws Exception {
        return startRelay(standIns.hocon());
    }

    /** Starts (or, after {@link #stopRelay}, restarts on the same data directory) the relay with {@code hocon} inside {@code relay { }}. */
    Relay startRelay(String hocon) throws Exception {
        return startRelay(hocon, dev.oauthrelay.observe.RelayEvents.NONE);
    }

    /** As {@link #startRelay(String)}, with {@code observer} told of every event of the data path. */
    Relay startRelay(String hocon, dev.oauthrelay.observe.RelayEvents observer) throws Exception {
        relay = TestRelay.start(dir.resolve("relay"), hocon, observer);
        return relay;
    }

    void stopRelay() {
        relay.close();
        relay = null;
    }

    DeliveryScheduler delivery() {
        return relay.delivery().orElseThrow(() -> new AssertionError("delivery is not configured"));
    }

    static ConditionFactory eventually() {
        return await().atMost(PATIENCE).pollInterval(Duration.ofMillis(20));
    }

    void awaitDelivered(long n) {
        eventually().until(() -> delivery().deliveredCount() >= n);
    }

    void until(String what, BooleanSupplier condition) {
        eventually().alias(what).until(condition::getAsBoolean);
    }

    List<QueueId> queued() {
        try {
            return relay.spool().queued();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<QueueId> deadLettered() {
        try {
            return relay.spool().deadLettered();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bytes of a queued message as stored (the relay's Received header, then the device's message). */
    byte[] stored(String id) throws IOException {
        try (InputStream in = relay.spool().read(QueueId.parse(id)).openBody()) {
            return in.readAllBytes();
        }
    }

    /** The test account sends one message over implicit TLS; returns its queue id. */
    String sendAsPrinter(List<String> recipients, String content) throws Exception {
        try (SmtpTestClient c = TestRelay.loggedIn(relay, "printer-2og")) {
            String id = SmtpTestClient.queueId(c.sendMail(TestRelay.MAILBOX, recipients, content));
            c.command("QUIT");
            return id;
        }
    }

    /**
     * A complete message with CRLF line ends: with Date and Message-ID, and no display name to
     * quote, so the relay's default header repairs leave it as it is and it must arrive byte for
     * byte (HeaderRepairDeliveryTest covers messages that need repairs).
     */
    static String message(String subject, String... bodyLines) {
        StringBuilder m = new StringBuilder()
                .append("From: Printer 2. OG <printer@contoso.com>\r\n")
                .append("To: alice@fabrikam.example\r\n")
                .append("Subject: ").append(subject).append("\r\n")
                .append("Date: Sun, 29 Nov 2026 06:15:30 +0100\r\n")
                .append("Message-ID: <").append(subject.replace(' ', '-')).append("@printer.contoso.com>\r\n")
                .append("\r\n");
        for (String line : bodyLines) {
            m.append(line).append("\r\n");
        }
        return m.toString();
    }

    /** Content as the stand-in received it, split into the relay's Received header and the rest. */
    record Delivered(String receivedHeader, byte[] rest) {
        static Delivered of(byte[] content) {
            ByteArrayInputStream in = new ByteArrayInputStream(content);
            try {
                String header = QueuedMessages.receivedHeader(in);
                return new Delivered(header, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String restAsString() {
            return new String(rest, StandardCharsets.UTF_8);
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
