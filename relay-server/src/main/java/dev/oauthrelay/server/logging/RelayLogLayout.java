package dev.oauthrelay.server.logging;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.event.KeyValuePair;

/**
 * The relay's log layout, {@code text} or {@code json} ({@code <format>} in {@code logback.xml},
 * from {@code RELAY_LOG_FORMAT}).
 *
 * <ul>
 * <li>{@code text}: the {@code <pattern>} (a Logback pattern in which {@code %kv} is
 *     {@link KeyValuesConverter}), e.g. {@code 2026-11-29T06:15:30.123+01:00 INFO [relay-blocking-3]
 *     audit - received id=01J0ZK3V8Q4M7XR2 message-id="<a b@c>" size=1234 ...}</li>
 * <li>{@code json}: one object per line with {@code time} (UTC, ISO-8601), {@code level},
 *     {@code logger}, {@code thread}, {@code message}, then the MDC entries and the key-value pairs
 *     as fields of their own (a key already written is skipped), and {@code exception} (the stack
 *     trace as text) if there is one.</li>
 * </ul>
 * An unknown format is reported in Logback's status and falls back to text.
 */
public final class RelayLogLayout extends LayoutBase<ILoggingEvent> {

    public static final String DEFAULT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{20} - %msg%kv%n";

    private String format = "text";
    private String pattern = DEFAULT_PATTERN;
    private boolean json;
    private PatternLayout text;

    public void setFormat(String format) {
        this.format = format;
    }

    public void setPattern(String pattern) {
        this.pattern = pattern;
    }

    @Override
    public void start() {
        String f = format == null ? "" : format.strip().toLowerCase(Locale.ROOT);
        json = f.equals("json");
        if (!json) {
            if (!f.equals("text")) {
                addError("log format \"" + format + "\" is neither text nor json (RELAY_LOG_FORMAT); using text");
            }
            text = new PatternLayout();
            text.setContext(getContext());
            text.getInstanceConverterMap().put("kv", KeyValuesConverter::new);
            text.setPattern(pattern);
            text.start();
        }
        super.start();
    }

    @Override
    public void stop() {
        if (text != null) {
            text.stop();
        }
        super.stop();
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        return json ? json(event) : text.doLayout(event);
    }

    @Override
    public String getContentType() {
        return json ? "application/json" : "text/plain";
    }

    static String json(ILoggingEvent event) {
        StringBuilder out = new StringBuilder(256);
        Set<String> written = new HashSet<>();
        out.append('{');
        field(out, written, "time", event.getInstant().toString());
        field(out, written, "level", event.getLevel().toString());
        field(out, written, "logger", event.getLoggerName());
        field(out, written, "thread", event.getThreadName());
        field(out, written, "message", event.getFormattedMessage());
        Map<String, String> mdc = event.getMDCPropertyMap();
        if (mdc != null) {
            mdc.forEach((k, v) -> field(out, written, k, v));
        }
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        if (pairs != null) {
            pairs.forEach(kv -> field(out, written, kv.key, kv.value));
        }
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            field(out, written, "exception", ThrowableProxyUtil.asString(thrown));
        }
        return out.append("}\n").toString();
    }

    private static void field(StringBuilder out, Set<String> written, String key, Object value) {
        if (key == null || !written.add(key)) {
            return;
        }
        if (written.size() > 1) {
            out.append(',');
        }
        LogText.appendJsonString(out, key);
        out.append(':');
        LogText.appendJson(out, value);
    }
}
