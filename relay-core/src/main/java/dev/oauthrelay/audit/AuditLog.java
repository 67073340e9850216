package dev.oauthrelay.audit;

import dev.oauthrelay.observe.RelayEvents;
import dev.oauthrelay.spool.Envelope;
import dev.oauthrelay.spool.QueueId;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Writes the audit log from the relay's events. Every line about a queued message names its
 * queue id ({@code id}), so the lines of one message can be followed from {@code received} to
 * {@code delivered} or {@code failed}; they also repeat its {@code message-id} and {@code size}
 * while the relay remembers them (for at most {@value #REMEMBERED} messages received since it
 * started: a message queued before a restart is followed by its id alone).
 *
 * <p>Thread-safe and cheap: a logging call, and a small map under a lock.
 */
public final class AuditLog implements RelayEvents {

    /** The logger name: route or silence it in the logging configuration. */
    public static final String LOGGER = "audit";
    static final int REMEMBERED = 10_000;

    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    private final Clock clock;
    private final Map<QueueId, Known> known = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<QueueId, Known> eldest) {
            return size() > REMEMBERED;
        }
    };

    private record Known(String messageId, long size) {
    }

    public AuditLog(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void messageReceived(Envelope envelope, long size, String messageId) {
        synchronized (known) {
            known.put(envelope.id(), new Known(messageId, size));
        }
        if (!log.isInfoEnabled()) {
            return;
        }
        LoggingEventBuilder line = message("received", envelope);
        line.addKeyValue("kind", envelope.identityKind());
        line.addKeyValue("helo", envelope.heloName());
        line.addKeyValue("tls", envelope.tlsProtocol());
        line.log();
    }

    @Override
    public void messageRefused(InetAddress client, String identity, int code) {
        log.atInfo().setMessage("refused").addKeyValue("client", client.getHostAddress())
                .addKeyValue("identity", identity).addKeyValue("code", code).log();
    }

    @Override
    public void messageDeferred(Envelope envelope, int attempt, String reason, Duration retryIn) {
        if (!log.isInfoEnabled()) {
            return;
        }
        message("deferred", envelope)
                .addKeyValue("attempt", attempt)
                .addKeyValue("reason", reason)
                .addKeyValue("retry-in", retryIn.toMillis() + "ms")
                .addKeyValue("retry-at", clock.instant().plus(retryIn).truncatedTo(ChronoUnit.MILLIS).toString())
                .log();
    }

    @Override
    public void messageDelivered(Envelope envelope, int attempts, String upstreamReply) {
        finished("delivered", envelope, attempts, upstreamReply);
    }

    @Override
    public void messageFailed(Envelope envelope, int attempts, String upstreamReply) {
        finished("failed", envelope, attempts, upstreamReply);
    }

    private void finished(String event, Envelope envelope, int attempts, String upstreamReply) {
        LoggingEventBuilder line = message(event, envelope);
        synchronized (known) {
            known.remove(envelope.id());
        }
        line.addKeyValue("attempts", attempts).addKeyValue("reply", upstreamReply).log();
    }

    /** A line about a queued message, with what every such line carries. */
    private LoggingEventBuilder message(String event, Envelope envelope) {
        Known k;
        synchronized (known) {
            k = known.get(envelope.id());
        }
        LoggingEventBuilder line = log.atInfo().setMessage(event).addKeyValue("id", envelope.id().value());
        if (k != null) {
            if (k.messageId() != null) {
                line.addKeyValue("message-id", k.messageId());
            }
            line.addKeyValue("size", k.size());
        }
        return line.addKeyValue("identity", envelope.identity())
                .addKeyValue("mailbox", envelope.mailbox())
                .addKeyValue("from", envelope.mailFrom().isEmpty() ? "<>" : envelope.mailFrom())
                .addKeyValue("to", envelope.recipients())
                .addKeyValue("client", envelope.clientAddress());
    }
}
