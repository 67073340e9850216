package dev.oauthrelay.server.json;

import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import com.azure.json.JsonWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * JSON and base64url (for JWTs), with the JSON library MSAL4J already brings along: for the
 * Graph client and the stand-ins. Small documents only (error bodies, tokens, upload sessions).
 */
public final class Json {

    private Json() {}

    /** Parses a JSON object; throws IllegalArgumentException if it is not one. */
    public static Map<String, Object> parseObject(byte[] json) {
        try (JsonReader reader = JsonProviders.createReader(json)) {
            reader.nextToken();
            return reader.readMap(JsonReader::readUntyped);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a JSON object", e);
        }
    }

    /** Maps, lists, strings, numbers, booleans and nulls as one JSON document. */
    public static String write(Object value) {
        StringWriter out = new StringWriter();
        try (JsonWriter writer = JsonProviders.createWriter(out)) {
            writer.writeUntyped(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    public static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String base64Url(String text) {
        return base64Url(text.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] fromBase64Url(String text) {
        return Base64.getUrlDecoder().decode(text);
    }
}
