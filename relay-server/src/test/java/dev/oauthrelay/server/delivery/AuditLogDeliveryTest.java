package dev.oauthrelay.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.oauthrelay.audit.AuditLog;
import dev.oauthrelay.server.listener.SmtpTestClient;
import dev.oauthrelay.server.listener.TestRelay;
import dev.oauthrelay.server.logging.LogLines;
import dev.oauthrelay.server.logging.RelayLogLayout;
import dev.oauthrelay.server.standin.StandInExchange.Stage;
import dev.oauthrelay.server.standin.StandIns;
import dev.oauthrelay.spool.QueueId;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/**
 * The audit log of a real relay delivering to the stand-ins: one line per message event, the
 * facts of each, escaping of what devices send, and no secret in any line.
 */
class AuditLogDeliveryTest extends DeliveryTestSupport {

    private static final String RCPT = "alice@fabrikam.example";

    private final Logger audit = (Logger) LoggerFactory.getLogger(AuditLog.LOGGER);
    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();

    @BeforeEach
    void capture() {
        captured.start();
        audit.addAppender(captured);
    }

    @AfterEach
    void release() {
        audit.detachAppender(captured);
    }

    /** The audit lines about queue id {@code id}, in order. */
    private List<ILoggingEvent> linesOf(String id) {
        return new ArrayList<>(captured.list).stream().filter(e -> id.equals(fields(e).get("id"))).toList();
    }

    private static Map<String, Object> fields(ILoggingEvent e) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (e.getKeyValuePairs() != null) {
            for (KeyValuePair kv : e.getKeyValuePairs()) {
                out.put(kv.key, kv.value);
            }
        }
        return out;
    }

    private static String render(String format, ILoggingEvent e) {
        RelayLogLayout layout = new RelayLogLayout();
        layout.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
        layout.setFormat(format);
        layout.start();
        return layout.doLayout(e);
    }

    @Test
    void aMessageIsAuditedWhenReceivedDeferredAndDelivered() throws Exception {
        startRelay();
        standIns.exchange().failNext(Stage.RCPT, 1, "451 4.7.500 Server busy. Please try again later");

        String id = sendAsPrinter(List.of(RCPT), message("audited", "one page"));
        awaitDelivered(1);
        until("the delivered line", () -> linesOf(id).size() == 3);

        List<ILoggingEvent> lines = linesOf(id);
        assertThat(lines).extracting(ILoggingEvent::getFormattedMessage).containsExactly("received", "deferred", "delivered");
        Map<String, Object> received = fields(lines.get(0));
        assertThat(received).containsEntry("message-id", "<audited@printer.contoso.com>")
                .containsEntry("identity", TestRelay.USER).containsEntry("kind", "account")
                .containsEntry("mailbox", TestRelay.MAILBOX).containsEntry("from", TestRelay.MAILBOX)
                .containsEntry("to", List.of(RCPT)).containsEntry("client", "127.0.0.1")
                .containsEntry("helo", "printer-2og").containsEntry("tls", "TLSv1.3");
        assertThat((Long) received.get("size")).isPositive();
        Map<String, Object> deferred = fields(lines.get(1));
        assertThat(deferred).containsEntry("message-id", "<audited@printer.contoso.com>")
                .containsEntry("size", received.get("size")).containsEntry("attempt", 1)
                .containsEntry("client", "127.0.0.1");
        assertThat((String) deferred.get("reason")).contains("451 4.7.500 Server busy");
        assertThat(Instant.parse((String) deferred.get("retry-at"))).isAfter(Instant.now().minusSeconds(60));
        assertThat((String) deferred.get("retry-in")).matches("\\d+ms");
        Map<String, Object> delivered = fields(lines.get(2));
        assertThat(delivered).containsEntry("attempts", 2).containsEntry("message-id", "<audited@printer.contoso.com>");
        assertThat((String) delivered.get("reply")).startsWith("250");

        for (ILoggingEvent line : lines) {
            Map<String, Object> json = LogLines.json(render("json", line));
            assertThat(json).containsEntry("logger", "audit").containsEntry("message", line.getFormattedMessage())
                    .containsEntry("id", id);
            assertThat(LogLines.pairs(render("text", line))).containsEntry("id", id)
                    .containsEntry("message-id", "<audited@printer.contoso.com>");
        }
    }

    @Test
    void aPermanentFailureIsAuditedWithTheUpstreamReply() throws Exception {
        String noSendAs = "alerts@contoso.com";
        startRelay(standIns.hocon() + """
                trusted-networks = [ { cidr = "%s/32", mailbox = "%s", allowed-senders = ["%s"] } ]
                """.formatted(TestRelay.TRUSTED_HOST, StandIns.SCANNER, noSendAs));
        String id;
        try (SmtpTestClient c = TestRelay.trustedHost(relay, "mfp-east")) {
            id = SmtpTestClient.queueId(c.sendMail(noSendAs, List.of(RCPT), message("no send-as", "x")));
        }
        until("the dead-lettering", () -> deadLettered().contains(QueueId.parse(id)));
        until("the failed line", () -> linesOf(id).size() == 2);

        List<ILoggingEvent> lines = linesOf(id);
        assertThat(lines).extracting(ILoggingEvent::getFormattedMessage).containsExactly("received", "failed");
        assertThat(fields(lines.get(0))).containsEntry("kind", "trusted-network").containsEntry("tls", "none")
                .containsEntry("client", TestRelay.TRUSTED_HOST).containsEntry("from", noSendAs);
        assertThat(fields(lines.get(1))).containsEntry("attempts", 1).containsEntry("mailbox", StandIns.SCANNER);
        assertThat((String) fields(lines.get(1)).get("reply")).startsWith("550 5.7.60");
    }

    @Test
    void aRefusedMessageIsAudited() throws Exception {
        startRelay(standIns.hocon() + "\nlimits.max-message-size = 1k");
        try (SmtpTestClient c = TestRelay.loggedIn(relay, "printer")) {
            assertThat(c.sendMail(TestRelay.MAILBOX, List.of(RCPT), message("big", "x".repeat(2000)))).startsWith("552");
        }
        until("the refused line", () -> captured.list.stream().anyMatch(e -> e.getFormattedMessage().equals("refused")
                && Integer.valueOf(552).equals(fields(e).get("code"))));
    }

    @Test
    void whatADeviceSendsIsEscapedAndNoSecretReachesTheAuditLog() throws Exception {
        startRelay();
        String hostileId = "<\"scan 1\" x=y\\z\u001b[2J\u202e@mfp>";
        String helo = "mfp\"2=og\\x"; // control characters are refused in commands
        String content = message("hostile", "page").replace("Message-ID: <hostile@printer.contoso.com>",
                "Message-ID: " + hostileId);
        String id;
        try (SmtpTestClient c = TestRelay.loggedIn(relay, helo)) {
            id = SmtpTestClient.queueId(c.sendMail(TestRelay.MAILBOX, List.of(RCPT), content));
        }
        awaitDelivered(1);
        until("the delivered line", () -> linesOf(id).size() == 2);

        List<String> rendered = new ArrayList<>();
        for (ILoggingEvent line : linesOf(id)) {
            String text = render("text", line);
            String json = render("json", line);
            rendered.add(text);
            rendered.add(json);
            assertThat(text.substring(0, text.length() - 1)).doesNotContain("\n", "\r", "\u001b", "\u202e");
            assertThat(json.substring(0, json.length() - 1)).doesNotContain("\n", "\r", "\u001b", "\u202e");
            assertThat(LogLines.pairs(text)).containsEntry("message-id", hostileId);
            assertThat(LogLines.json(json)).containsEntry("message-id", hostileId);
        }
        Map<String, String> received = LogLines.pairs(rendered.get(0));
        assertThat(received).containsEntry("helo", helo).containsEntry("id", id);

        List<String> secrets = new ArrayList<>(List.of(TestRelay.PASSWORD, TestRelay.authPlain(), StandIns.CLIENT_SECRET));
        for (String token : standIns.entra().issuedTokens()) {
            secrets.add(token);
            secrets.add(Base64.getEncoder().encodeToString(("user=" + TestRelay.MAILBOX + "\u0001auth=Bearer " + token
                    + "\u0001\u0001").getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(standIns.entra().issuedTokens()).as("a token was used for the delivery").isNotEmpty();
        for (ILoggingEvent e : new ArrayList<>(captured.list)) {
            rendered.add(render("text", e));
            rendered.add(render("json", e));
        }
        for (String secret : secrets) {
            assertThat(rendered).noneMatch(line -> line.contains(secret));
        }
    }
}
