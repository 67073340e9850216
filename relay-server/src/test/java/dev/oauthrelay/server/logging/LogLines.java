package dev.oauthrelay.server.logging;

import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import com.azure.json.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads log lines back the way a log shipper would: logfmt pairs from text, fields from JSON. */
public final class LogLines {

    private LogLines() {
    }

    /** The {@code key=value} pairs after {@code " - "} and the message (which must not contain '='). */
    public static Map<String, String> pairs(String line) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = line.indexOf(' ', line.indexOf(" - ") + 3);
        while (i >= 0 && i < line.length() && line.charAt(i) == ' ') {
            int eq = line.indexOf('=', i);
            String key = line.substring(i + 1, eq);
            StringBuilder value = new StringBuilder();
            int j = eq + 1;
            if (j < line.length() && line.charAt(j) == '"') {
                for (j++; line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c != '\\') {
                        value.append(c);
                        continue;
                    }
                    char e = line.charAt(++j);
                    switch (e) {
                        case 'n' -> value.append('\n');
                        case 'r' -> value.append('\r');
                        case 't' -> value.append('\t');
                        case 'u' -> {
                            value.append((char) Integer.parseInt(line.substring(j + 1, j + 5), 16));
                            j += 4;
                        }
                        default -> value.append(e);
                    }
                }
                j++;
            } else {
                while (j < line.length() && line.charAt(j) != ' ' && line.charAt(j) != '\n') {
                    value.append(line.charAt(j++));
                }
            }
            out.put(key, value.toString());
            i = j < line.length() && line.charAt(j) == ' ' ? j : -1;
        }
        return out;
    }

    /** One JSON object; fails if {@code line} is not exactly that. */
    public static Map<String, Object> json(String line) {
        try (JsonReader reader = JsonProviders.createReader(line)) {
            reader.nextToken();
            Map<String, Object> out = reader.readMap(JsonReader::readUntyped);
            JsonToken after = reader.nextToken();
            if (after != null && after != JsonToken.END_DOCUMENT) {
                throw new IllegalArgumentException("more than one JSON value: " + line.substring(0, Math.min(200, line.length())));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
