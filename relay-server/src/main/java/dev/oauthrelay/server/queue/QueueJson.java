package dev.oauthrelay.server.queue;

import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import dev.oauthrelay.delivery.OperatorResult;
import dev.oauthrelay.delivery.QueueOperations.Activity;
import dev.oauthrelay.spool.DamagedFile;
import dev.oauthrelay.spool.DeliveryState;
import dev.oauthrelay.spool.Envelope;
import dev.oauthrelay.spool.QueueEntry;
import dev.oauthrelay.spool.QueueId;
import dev.oauthrelay.spool.Spool;
import dev.oauthrelay.spool.SpoolContents;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON of the queue routes, built as ordered maps and lists. Field names are part of the admin
 * API: {@code GET /queue} gives {@code {"source", "messages": [...]}}, one object per message
 * with {@code folder} = {@code queue}, {@code deadletter} or {@code quarantine};
 * {@code GET /queue/<id>} gives one message with its envelope, per-recipient state and header
 * section (never the body); changes give {@code {"operation", "target", "outcome", "message"}}.
 */
public final class QueueJson {

    /** Header sections are shown up to this size (the limit of header repair, too). */
    static final int MAX_HEADER_BYTES = 64 * 1024;

    private QueueJson() {
    }

    /**
     * {@code GET /queue}.
     *
     * @param source "relay" (the running relay answered) or "spool" (read from the files)
     */
    public static Map<String, Object> listing(SpoolContents contents, Map<QueueId, Activity> activity, Instant now,
                                              String source) {
        List<Object> messages = new ArrayList<>();
        for (QueueEntry e : contents.entries()) {
            Map<String, Object> m = head(e.id().value(), e.folder(), activity.get(e.id()));
            envelopeSummary(m, e.envelope(), now);
            Optional<DeliveryState> state = e.state();
            Map<String, Object> counts = new LinkedHashMap<>();
            counts.put("total", e.envelope().recipients().size());
            counts.put("pending", state.map(s -> s.pending().size()).orElse(pendingWithoutState(e)));
            counts.put("delivered", state.map(s -> s.delivered().size()).orElse(countWithoutState(e)));
            counts.put("failed", state.map(s -> s.failed().size()).orElse(countWithoutState(e)));
            m.put("recipients", counts);
            deliverySummary(m, e);
            m.put("size", e.bodySize());
            messages.add(m);
        }
        contents.damaged().forEach(d -> messages.add(damaged(d)));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("source", source);
        out.put("messages", messages);
        return out;
    }

    /** A queued message without a state has not been tried: all pending. A dead letter without one: unknown. */
    private static Integer pendingWithoutState(QueueEntry e) {
        return e.folder() == QueueEntry.Folder.QUEUE ? e.envelope().recipients().size() : null;
    }

    private static Integer countWithoutState(QueueEntry e) {
        return e.folder() == QueueEntry.Folder.QUEUE ? 0 : null;
    }

    /**
     * {@code GET /queue/<id>}: everything about one message but its body; empty if the spool has
     * nothing of that id.
     */
    public static Optional<Map<String, Object>> message(Spool spool, QueueId id, Map<QueueId, Activity> activity,
                                                        Instant now) throws IOException {
        SpoolContents contents = spool.contents(id);
        List<Object> damaged = contents.damaged().stream().<Object>map(QueueJson::damaged).toList();
        if (contents.entries().isEmpty()) {
            if (damaged.isEmpty()) {
                return Optional.empty();
            }
            Map<String, Object> m = head(id.value(), contents.damaged().get(0).folder(), null);
            m.put("damaged", damaged);
            return Optional.of(m);
        }
        QueueEntry e = contents.entries().get(0);
        Map<String, Object> m = head(id.value(), e.folder(), activity.get(id));
        m.put("file", e.file().toAbsolutePath().toString());
        m.put("size", e.bodySize());
        Envelope env = e.envelope();
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelopeSummary(envelope, env, now);
        envelope.put("mailParameters", env.mailParameters());
        envelope.put("recipients", env.recipients());
        envelope.put("client", env.clientAddress());
        envelope.put("helo", env.heloName());
        envelope.put("tls", env.tlsProtocol());
        m.put("envelope", envelope);
        Map<String, Object> delivery = new LinkedHashMap<>();
        deliverySummary(delivery, e);
        delivery.put("releasedAt", e.state().map(DeliveryState::releasedAt).map(Instant::toString).orElse(null));
        m.put("delivery", delivery);
        m.put("recipients", recipients(e));
        try {
            String headers = spool.headerSection(e, MAX_HEADER_BYTES);
            m.put("headers", headers);
            m.put("headersComplete", headers.endsWith("\r\n\r\n") || headers.equals("\r\n"));
            m.put("report", e.folder() == QueueEntry.Folder.DEAD_LETTER ? report(spool, id) : null);
        } catch (NoSuchFileException gone) {
            return message(spool, id, activity, now); // delivered, dead-lettered or released meanwhile: look again
        }
        if (!damaged.isEmpty()) {
            m.put("damaged", damaged);
        }
        return Optional.of(m);
    }

    private static String report(Spool spool, QueueId id) throws IOException {
        try {
            return spool.deadLetterReport(id);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static List<Object> recipients(QueueEntry e) {
        Map<String, DeliveryState.RecipientStatus> known = e.state().map(DeliveryState::recipients).orElse(Map.of());
        List<Object> out = new ArrayList<>();
        for (String rcpt : e.envelope().recipients()) {
            DeliveryState.RecipientStatus s = known.get(rcpt);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("address", rcpt);
            r.put("status", s == null ? (e.state().isEmpty() && e.folder() == QueueEntry.Folder.DEAD_LETTER ? "unknown"
                    : "pending") : s.status().name().toLowerCase(Locale.ROOT));
            r.put("reply", s == null ? "" : s.reply());
            out.add(r);
        }
        return out;
    }

    /** The answer to a change: {@code target} is a queue id or "all". */
    public static Map<String, Object> result(String operation, String target, OperatorResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("operation", operation);
        m.put("target", target);
        m.put("outcome", r.outcome().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        m.put("message", r.message());
        return m;
    }

    private static Map<String, Object> head(String id, QueueEntry.Folder folder, Activity activity) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("folder", folder(folder));
        m.put("activity", activity == null ? null : activity.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        return m;
    }

    private static void envelopeSummary(Map<String, Object> m, Envelope env, Instant now) {
        m.put("received", env.receivedAt().toString());
        m.put("ageSeconds", Math.max(0, Duration.between(env.receivedAt(), now).toSeconds()));
        m.put("identity", env.identity());
        m.put("identityKind", env.identityKind());
        m.put("mailbox", env.mailbox());
        m.put("from", env.mailFrom());
    }

    private static void deliverySummary(Map<String, Object> m, QueueEntry e) {
        Optional<DeliveryState> state = e.state();
        m.put("attempts", state.map(DeliveryState::attempts).orElse(0));
        // A dead letter is never tried by itself; its last recorded next attempt means nothing.
        m.put("nextAttempt", e.folder() == QueueEntry.Folder.QUEUE
                ? state.map(s -> s.nextAttempt().toString()).orElse(e.envelope().receivedAt().toString()) : null);
        m.put("lastError", state.map(DeliveryState::lastError).orElse(""));
        m.put("possibleDuplicate", state.map(DeliveryState::possibleDuplicate).orElse(false));
    }

    private static Map<String, Object> damaged(DamagedFile d) {
        Map<String, Object> m = head(d.id().map(QueueId::value).orElse(d.name()), d.folder(), null);
        m.put("file", d.file().toAbsolutePath().toString());
        m.put("size", d.size());
        m.put("modified", d.modified().toString());
        m.put("problem", d.problem());
        return m;
    }

    static String folder(QueueEntry.Folder folder) {
        return switch (folder) {
            case QUEUE -> "queue";
            case DEAD_LETTER -> "deadletter";
            case QUARANTINE -> "quarantine";
        };
    }

    public static String write(Object value) {
        return dev.oauthrelay.server.json.Json.write(value);
    }

    /** Parses a JSON document into maps, lists, strings, numbers, booleans and nulls. */
    public static Object parse(String json) {
        try (JsonReader reader = JsonProviders.createReader(json)) {
            reader.nextToken();
            return reader.readUntyped();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not JSON: " + (json.length() > 200 ? json.substring(0, 200) + "..." : json), e);
        }
    }
}
