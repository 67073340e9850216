package dev.oauthrelay.audit;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.oauthrelay.spool.Envelope;
import dev.oauthrelay.spool.QueueId;
import dev.oauthrelay.testsupport.MutableClock;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

class AuditLogTest {

    private static final Instant T0 = Instant.parse("2026-11-29T06:00:00Z");
    private final MutableClock clock = new MutableClock(T0);
    private final AuditLog audit = new AuditLog(clock);
    private final Logger logger = (Logger) LoggerFactory.getLogger(AuditLog.LOGGER);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    private Level levelBefore;

    @BeforeEach
    void capture() {
        levelBefore = logger.getLevel();
        logger.setLevel(Level.INFO);
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
        logger.setLevel(levelBefore);
    }

    static Envelope envelope(String id) {
        return new Envelope(QueueId.parse(id), T0, "printer", Envelope.KIND_ACCOUNT, "printer@contoso.com",
                "scan@contoso.com", List.of("SIZE=1234"), List.of("alice@fabrikam.example", "bob@fabrikam.example"),
                "192.0.2.7", "MFP 2.OG", "TLSv1.2");
    }

    static Map<String, Object> fields(ILoggingEvent e) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (KeyValuePair kv : e.getKeyValuePairs()) {
            out.put(kv.key, kv.value);
        }
        return out;
    }

    @Test
    void aReceivedMessageIsOneLineWithItsFacts() {
        audit.messageReceived(envelope("01J0ZK3V8Q4M7XR2"), 1234, "<scan-1@mfp>");

        assertThat(lines.list).singleElement().satisfies(e -> {
            assertThat(e.getLoggerName()).isEqualTo("audit");
            assertThat(e.getFormattedMessage()).isEqualTo("received");
            assertThat(fields(e)).containsExactly(
                    Map.entry("id", "01J0ZK3V8Q4M7XR2"), Map.entry("message-id", "<scan-1@mfp>"),
                    Map.entry("size", 1234L), Map.entry("identity", "printer"),
                    Map.entry("mailbox", "printer@contoso.com"), Map.entry("from", "scan@contoso.com"),
                    Map.entry("to", List.of("alice@fabrikam.example", "bob@fabrikam.example")),
                    Map.entry("client", "192.0.2.7"), Map.entry("kind", "account"), Map.entry("helo", "MFP 2.OG"),
                    Map.entry("tls", "TLSv1.2"));
        });
    }

    @Test
    void laterLinesRepeatMessageIdAndSizeAndADeferralSaysWhyAndWhenItIsRetried() {
        Envelope env = envelope("01J0ZK3V8Q4M7XR2");
        audit.messageReceived(env, 1234, "<scan-1@mfp>");
        audit.messageDeferred(env, 1, "432 4.3.2 sender thread limit exceeded", Duration.ofSeconds(90));
        audit.messageDelivered(env, 2, "250 2.0.0 OK");

        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly("received", "deferred", "delivered");
        Map<String, Object> deferred = fields(lines.list.get(1));
        assertThat(deferred).containsEntry("id", "01J0ZK3V8Q4M7XR2").containsEntry("message-id", "<scan-1@mfp>")
                .containsEntry("size", 1234L).containsEntry("attempt", 1)
                .containsEntry("reason", "432 4.3.2 sender thread limit exceeded")
                .containsEntry("retry-in", "90000ms").containsEntry("retry-at", "2026-11-29T06:01:30Z");
        assertThat(fields(lines.list.get(2))).containsEntry("message-id", "<scan-1@mfp>")
                .containsEntry("attempts", 2).containsEntry("reply", "250 2.0.0 OK");
    }

    @Test
    void aMessageFromBeforeARestartIsFollowedByItsIdAlone() {
        audit.messageFailed(envelope("01J0ZK3V8Q4M7XR3"), 3, "550 5.7.60 Client does not have permissions");

        assertThat(lines.list).singleElement().satisfies(e -> {
            assertThat(e.getFormattedMessage()).isEqualTo("failed");
            assertThat(fields(e)).containsEntry("id", "01J0ZK3V8Q4M7XR3").doesNotContainKeys("message-id", "size")
                    .containsEntry("reply", "550 5.7.60 Client does not have permissions");
        });
    }

    @Test
    void aRefusedMessageNamesClientIdentityAndReplyCode() throws Exception {
        audit.messageRefused(InetAddress.getByName("192.0.2.8"), "scanner", 552);

        assertThat(lines.list).singleElement().satisfies(e -> {
            assertThat(e.getFormattedMessage()).isEqualTo("refused");
            assertThat(fields(e)).containsExactly(Map.entry("client", "192.0.2.8"), Map.entry("identity", "scanner"),
                    Map.entry("code", 552));
        });
    }

    @Test
    void whatItRemembersIsBounded() {
        for (int i = 0; i < AuditLog.REMEMBERED + 1; i++) {
            audit.messageReceived(envelope(String.format("01J0ZK3V8Q%06d", i)), 1, "<m" + i + "@x>");
        }
        lines.list.clear();
        audit.messageDelivered(envelope("01J0ZK3V8Q000000"), 1, "250");
        audit.messageDelivered(envelope(String.format("01J0ZK3V8Q%06d", AuditLog.REMEMBERED)), 1, "250");

        assertThat(fields(lines.list.get(0))).doesNotContainKey("message-id");
        assertThat(fields(lines.list.get(1))).containsEntry("message-id", "<m" + AuditLog.REMEMBERED + "@x>");
    }
}
