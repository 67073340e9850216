package dev.oauthrelay.server.inventory;

import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import com.azure.json.JsonToken;
import com.azure.json.JsonWriter;
import dev.oauthrelay.inventory.Device;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * The inventory as JSON, the same document in {@code devices.json}, from {@code GET /devices}
 * and from {@code relay devices --format json}:
 * <pre>
 * {"version":1,"asOf":"2026-11-29T06:15:30Z","devices":[
 *   {"address":"192.0.2.7","firstSeen":"...","lastSeen":"...","accounts":["printer"],"networks":[],
 *    "heloNames":["MFP-2OG"],"tlsProtocols":["TLSv1.2"],"senders":["scan@contoso.com"],
 *    "sessions":3,"messages":2,"bytes":81234,"authFailures":0,"refused":0,"deliveryFailures":0}]}
 * </pre>
 * Devices most recently seen first. A reader ignores fields it does not know (a later version
 * may add some) and rejects a document without {@code version} 1.
 */
public final class DevicesJson {

    public static final int VERSION = 1;

    /** The string lists of a device, by JSON name, in the order they are written. */
    private static final Map<String, Function<Device, List<String>>> LISTS = new LinkedHashMap<>();
    /** The counters of a device, by JSON name, in the order they are written. */
    private static final Map<String, ToLongFunction<Device>> COUNTS = new LinkedHashMap<>();

    static {
        LISTS.put("accounts", Device::accounts);
        LISTS.put("networks", Device::networks);
        LISTS.put("heloNames", Device::heloNames);
        LISTS.put("tlsProtocols", Device::tlsProtocols);
        LISTS.put("senders", Device::senders);
        COUNTS.put("sessions", Device::sessions);
        COUNTS.put("messages", Device::messages);
        COUNTS.put("bytes", Device::bytes);
        COUNTS.put("authFailures", Device::authFailures);
        COUNTS.put("refused", Device::refused);
        COUNTS.put("deliveryFailures", Device::deliveryFailures);
    }

    /** A saved or served inventory. */
    public record Document(Instant asOf, List<Device> devices) {
    }

    private DevicesJson() {
    }

    /** Column names for tabular forms (CSV): address, firstSeen, lastSeen, the lists, the counters. */
    static List<String> columns() {
        List<String> out = new ArrayList<>(List.of("address", "firstSeen", "lastSeen"));
        out.addAll(LISTS.keySet());
        out.addAll(COUNTS.keySet());
        return out;
    }

    /** The values of {@link #columns()} for one device: strings, lists of strings, and longs. */
    static List<Object> values(Device d) {
        List<Object> out = new ArrayList<>(List.of(d.address(), d.firstSeen().toString(), d.lastSeen().toString()));
        LISTS.values().forEach(f -> out.add(f.apply(d)));
        COUNTS.values().forEach(f -> out.add(f.applyAsLong(d)));
        return out;
    }

    public static String write(Document document) {
        StringWriter out = new StringWriter();
        try (JsonWriter w = JsonProviders.createWriter(out)) {
            w.writeStartObject();
            w.writeIntField("version", VERSION);
            w.writeStringField("asOf", document.asOf().toString());
            w.writeStartArray("devices");
            for (Device d : document.devices()) {
                w.writeStartObject();
                w.writeStringField("address", d.address());
                w.writeStringField("firstSeen", d.firstSeen().toString());
                w.writeStringField("lastSeen", d.lastSeen().toString());
                for (Map.Entry<String, Function<Device, List<String>>> list : LISTS.entrySet()) {
                    w.writeArrayField(list.getKey(), list.getValue().apply(d), JsonWriter::writeString);
                }
                for (Map.Entry<String, ToLongFunction<Device>> count : COUNTS.entrySet()) {
                    w.writeLongField(count.getKey(), count.getValue().applyAsLong(d));
                }
                w.writeEndObject();
            }
            w.writeEndArray();
            w.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out + "\n";
    }

    /** Throws {@link IllegalArgumentException} naming the problem if {@code json} is not such a document. */
    public static Document read(String json) {
        try (JsonReader r = JsonProviders.createReader(json)) {
            expect(r.nextToken(), JsonToken.START_OBJECT, "a JSON object");
            Integer version = null;
            Instant asOf = null;
            List<Device> devices = null;
            while (r.nextToken() != JsonToken.END_OBJECT) {
                String field = r.getFieldName();
                r.nextToken();
                switch (field) {
                    case "version" -> version = r.getInt();
                    case "asOf" -> asOf = Instant.parse(r.getString());
                    case "devices" -> devices = r.readArray(DevicesJson::device);
                    default -> r.skipChildren();
                }
            }
            if (version == null || version != VERSION) {
                throw new IllegalArgumentException("not a version " + VERSION + " device inventory");
            }
            if (asOf == null || devices == null) {
                throw new IllegalArgumentException("asOf or devices missing");
            }
            return new Document(asOf, devices);
        } catch (IOException | IllegalStateException | DateTimeException | NumberFormatException
                 | NullPointerException e) {
            throw new IllegalArgumentException("malformed device inventory: " + e.getMessage(), e);
        }
    }

    private static Device device(JsonReader r) throws IOException {
        expect(r.currentToken(), JsonToken.START_OBJECT, "a device object");
        String address = null;
        Instant first = null;
        Instant last = null;
        Map<String, List<String>> lists = new HashMap<>();
        Map<String, Long> counts = new HashMap<>();
        while (r.nextToken() != JsonToken.END_OBJECT) {
            String field = r.getFieldName();
            r.nextToken();
            switch (field) {
                case "address" -> address = r.getString();
                case "firstSeen" -> first = Instant.parse(r.getString());
                case "lastSeen" -> last = Instant.parse(r.getString());
                default -> {
                    if (LISTS.containsKey(field)) {
                        lists.put(field, r.readArray(JsonReader::getString));
                    } else if (COUNTS.containsKey(field)) {
                        counts.put(field, r.getLong());
                    } else {
                        r.skipChildren();
                    }
                }
            }
        }
        if (address == null || first == null || last == null) {
            throw new IllegalArgumentException("a device without address, firstSeen or lastSeen");
        }
        Function<String, List<String>> list = name -> lists.getOrDefault(name, List.of());
        ToLongFunction<String> count = name -> counts.getOrDefault(name, 0L);
        return new Device(address, first, last, list.apply("accounts"), list.apply("networks"),
                list.apply("heloNames"), list.apply("tlsProtocols"), list.apply("senders"), count.applyAsLong("sessions"),
                count.applyAsLong("messages"), count.applyAsLong("bytes"), count.applyAsLong("authFailures"),
                count.applyAsLong("refused"), count.applyAsLong("deliveryFailures"));
    }

    private static void expect(JsonToken actual, JsonToken expected, String what) {
        if (actual != expected) {
            throw new IllegalArgumentException("expected " + what + ", found " + actual);
        }
    }
}
