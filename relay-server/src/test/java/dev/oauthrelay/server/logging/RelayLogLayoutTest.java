package dev.oauthrelay.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.status.Status;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

class RelayLogLayoutTest {

    /** What a device could put in a Message-ID or HELO name: quotes, spaces, line breaks, escapes, bidi. */
    static final String HOSTILE = "<\"q\" a b=c\\d\r\nX-Fake: yes\t\u0000\u001b[31mred\u202egnp.exe\u2028 ünï 😀@x>";

    private final LoggerContext context = new LoggerContext();

    RelayLogLayoutTest() {
        context.setMDCAdapter(new LogbackMDCAdapter());
    }

    private ILoggingEvent event(String message, Object... keyValues) {
        Logger logger = context.getLogger("audit");
        LoggingEvent e = new LoggingEvent("test", logger, Level.INFO, message, null, null);
        for (int i = 0; i < keyValues.length; i += 2) {
            e.addKeyValuePair(new KeyValuePair((String) keyValues[i], keyValues[i + 1]));
        }
        return e;
    }

    private RelayLogLayout layout(String format) {
        RelayLogLayout layout = new RelayLogLayout();
        layout.setContext(context);
        layout.setFormat(format);
        layout.start();
        return layout;
    }

    @Test
    void textWritesEscapedPairsThatReadBackToTheOriginalValuesOnOneLine() {
        String line = layout("text").doLayout(event("received", "id", "01J0ZK3V8Q4M7XR2", "message-id", HOSTILE,
                "size", 1234L, "to", List.of("a@x", "b@y"), "helo", "", "lone", "a\uD800b"));

        assertThat(line).endsWith("\n");
        assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n", "\r", "\u0000", "\u001b", "\u202e",
                "\u2028", "\uD800");
        assertThat(line).contains(" audit - received id=01J0ZK3V8Q4M7XR2 message-id=\"<\\\"q\\\" a b=c\\\\d\\r\\n",
                " size=1234 to=a@x,b@y helo=\"\"");
        assertThat(LogLines.pairs(line)).containsExactly(Map.entry("id", "01J0ZK3V8Q4M7XR2"),
                Map.entry("message-id", HOSTILE), Map.entry("size", "1234"), Map.entry("to", "a@x,b@y"),
                Map.entry("helo", ""), Map.entry("lone", "a\uD800b"));
    }

    @Test
    void jsonIsOneObjectPerLineWithThePairsAsFields() {
        String line = layout("json").doLayout(event("received", "id", "01J0ZK3V8Q4M7XR2", "message-id", HOSTILE,
                "size", 1234L, "to", List.of("a@x", "b\"y"), "message", "a pair may not replace the message"));

        assertThat(line).endsWith("}\n");
        assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n", "\r", "\u0000", "\u001b", "\u202e",
                "\u2028");
        Map<String, Object> fields = LogLines.json(line);
        assertThat(fields).containsEntry("level", "INFO").containsEntry("logger", "audit")
                .containsEntry("message", "received").containsEntry("id", "01J0ZK3V8Q4M7XR2")
                .containsEntry("message-id", HOSTILE).containsEntry("to", List.of("a@x", "b\"y"))
                .containsKeys("time", "thread");
        assertThat(((Number) fields.get("size")).longValue()).isEqualTo(1234L);
    }

    @Test
    void jsonCarriesTheStackTraceOfAnException() {
        Logger logger = context.getLogger("dev.oauthrelay.test");
        LoggingEvent e = new LoggingEvent("test", logger, Level.WARN, "cannot {}", new IllegalStateException("boom"),
                new Object[] {"save"});

        Map<String, Object> fields = LogLines.json(layout("json").doLayout(e));

        assertThat(fields).containsEntry("message", "cannot save").containsEntry("level", "WARN");
        assertThat((String) fields.get("exception")).startsWith("java.lang.IllegalStateException: boom")
                .contains("RelayLogLayoutTest");
    }

    @Test
    void anUnknownFormatFallsBackToTextAndSaysSo() {
        String line = layout("xml").doLayout(event("refused", "code", 552));

        assertThat(line).contains("refused code=552");
        assertThat(context.getStatusManager().getCopyOfStatusList()).extracting(Status::getMessage)
                .anyMatch(m -> m.contains("\"xml\" is neither text nor json"));
    }

    @Test
    void theShippedLogbackXmlSwitchesToJsonWithRelayLogFormat() throws Exception {
        context.putProperty("RELAY_LOG_FORMAT", "json");
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(RelayLogLayout.class.getResource("/logback.xml"));

        ConsoleAppender<ILoggingEvent> appender =
                (ConsoleAppender<ILoggingEvent>) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR");
        Encoder<ILoggingEvent> encoder = appender.getEncoder();
        String line = new String(encoder.encode(event("delivered", "reply", "250 2.0.0 OK ü")), StandardCharsets.UTF_8);

        assertThat(LogLines.json(line)).containsEntry("message", "delivered").containsEntry("reply", "250 2.0.0 OK ü");
        assertThat(context.getLogger("audit").getEffectiveLevel()).isEqualTo(Level.INFO);
        context.stop();
    }
}
