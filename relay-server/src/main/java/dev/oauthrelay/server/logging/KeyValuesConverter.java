package dev.oauthrelay.server.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.List;
import org.slf4j.event.KeyValuePair;

/**
 * {@code %kv} in a pattern: the event's key-value pairs as {@code " key=value"} each (a space
 * before every pair, nothing without pairs), values escaped by {@link LogText#value}. Unlike
 * Logback's {@code %kvp}, a value with a quote, space or line break cannot fake another field.
 */
public final class KeyValuesConverter extends ClassicConverter {

    @Override
    public String convert(ILoggingEvent event) {
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        if (pairs == null || pairs.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (KeyValuePair kv : pairs) {
            out.append(' ').append(LogText.printable(kv.key)).append('=');
            LogText.appendValue(out, kv.value);
        }
        return out.toString();
    }
}
