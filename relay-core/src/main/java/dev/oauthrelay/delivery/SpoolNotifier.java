package dev.oauthrelay.delivery;

import dev.oauthrelay.spool.DeliveryState;
import dev.oauthrelay.spool.Envelope;
import dev.oauthrelay.spool.QueueId;
import dev.oauthrelay.spool.Spool;
import dev.oauthrelay.spool.SpoolWriter;
import dev.oauthrelay.spool.StoredMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends failure notices through the relay's own queue, so they take the same upstream path (and
 * retries) as device mail: each notice is a new spool entry sent as the notification mailbox.
 * Never to the null sender, and never about a notice (no loops).
 */
public final class SpoolNotifier implements Notifier {

    private static final Logger log = LoggerFactory.getLogger(SpoolNotifier.class);
    /** Enough for any sane header block; the rest of the original stays in the dead-letter folder. */
    private static final int MAX_HEADER_BYTES = 64 * 1024;

    private final Spool spool;
    private final String reportingHost;
    private final String mailbox;
    private final Optional<String> admin;
    private final boolean notifySender;
    private final Clock clock;

    /**
     * @param mailbox      the mailbox notices are sent as (must be allowed to send upstream)
     * @param admin        where every notice goes, if set
     * @param notifySender whether the message's own envelope sender gets a notice too
     */
    public SpoolNotifier(Spool spool, String reportingHost, String mailbox, Optional<String> admin,
                         boolean notifySender, Clock clock) {
        this.spool = spool;
        this.reportingHost = reportingHost;
        this.mailbox = mailbox;
        this.admin = admin;
        this.notifySender = notifySender;
        this.clock = clock;
    }

    @Override
    public void permanentFailure(StoredMessage message, DeliveryState state) throws IOException {
        Envelope env = message.envelope();
        if (env.identityKind().equals(Envelope.KIND_RELAY)) {
            log.warn("notice {} itself could not be delivered; not sending a notice about a notice", env.id());
            return;
        }
        List<String> to = new ArrayList<>();
        admin.ifPresent(to::add);
        // RFC 5321 section 4.5.5 / RFC 3464: never notify the null sender.
        if (notifySender && !env.mailFrom().isEmpty() && to.stream().noneMatch(env.mailFrom()::equalsIgnoreCase)) {
            to.add(env.mailFrom());
        }
        if (to.isEmpty()) {
            return;
        }
        String headers = originalHeaders(message);
        for (String recipient : to) {
            byte[] notice = FailureNotice.build(reportingHost, mailbox, recipient, env, state, headers, clock.instant());
            QueueId id = spool.newId();
            Envelope noticeEnvelope = new Envelope(id, clock.instant(), "relay", Envelope.KIND_RELAY, mailbox, mailbox,
                    List.of(), List.of(recipient), "127.0.0.1", reportingHost, "none");
            try (SpoolWriter w = spool.begin(noticeEnvelope)) {
                w.write(ByteBuffer.wrap(notice));
                w.commit();
            }
            log.info("failure notice {} for message {} queued to <{}>", id, env.id(), recipient);
        }
    }

    private static String originalHeaders(StoredMessage message) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = new java.io.BufferedInputStream(message.openBody())) {
            int prev1 = -1;
            int prev2 = -1;
            int prev3 = -1;
            int b;
            while (out.size() < MAX_HEADER_BYTES && (b = in.read()) >= 0) {
                out.write(b);
                if (prev3 == '\r' && prev2 == '\n' && prev1 == '\r' && b == '\n') {
                    break;
                }
                prev3 = prev2;
                prev2 = prev1;
                prev1 = b;
            }
        } catch (IOException e) {
            return "(original headers unavailable: " + e.getMessage() + ")\r\n";
        }
        String s = out.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r\n\r\n") ? s.substring(0, s.length() - 2) : s;
    }
}
