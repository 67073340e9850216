package dev.oauthrelay.delivery;

import dev.oauthrelay.spool.DeliveryState;
import dev.oauthrelay.spool.Envelope;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds a delivery status notification in the shape of RFC 3464 (a multipart/report of RFC
 * 6522): a human-readable part, a message/delivery-status part with one block per failed
 * recipient, and the original message's headers (text/rfc822-headers; the body is left out, the
 * original is kept in the dead-letter folder).
 */
final class FailureNotice {

    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final Pattern ENHANCED = Pattern.compile("\\b([245]\\.\\d{1,3}\\.\\d{1,3})\\b");

    private FailureNotice() {
    }

    static byte[] build(String reportingHost, String from, String to, Envelope env, DeliveryState state,
                        String originalHeaders, Instant now) {
        String boundary = "=_relay-" + UUID.randomUUID();
        StringBuilder m = new StringBuilder(2048);
        m.append("From: Mail Delivery System <").append(from).append(">\r\n");
        m.append("To: <").append(to).append(">\r\n");
        m.append("Subject: Undelivered mail: ").append(state.failed().size()).append(" recipient(s) failed\r\n");
        m.append("Date: ").append(DATE.format(now)).append("\r\n");
        m.append("Message-ID: <").append(env.id()).append(".dsn.").append(now.toEpochMilli()).append('@')
                .append(reportingHost).append(">\r\n");
        // RFC 3834: an automatic message; auto-responders must not answer it.
        m.append("Auto-Submitted: auto-replied\r\n");
        m.append("MIME-Version: 1.0\r\n");
        m.append("Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"")
                .append(boundary).append("\"\r\n\r\n");
        m.append("This is a delivery status notification in MIME format.\r\n\r\n");

        m.append("--").append(boundary).append("\r\n");
        m.append("Content-Type: text/plain; charset=utf-8\r\n\r\n");
        m.append("The relay ").append(reportingHost).append(" could not deliver a message from <")
                .append(env.mailFrom()).append("> (device identity ").append(env.identity())
                .append(", received ").append(env.receivedAt()).append(", queue id ").append(env.id())
                .append(").\r\nIt was sent as the mailbox ").append(env.mailbox())
                .append(" and has been kept in the relay's dead-letter folder.\r\n\r\n");
        for (String r : state.failed()) {
            m.append("  <").append(r).append(">: ").append(state.recipients().get(r).reply()).append("\r\n");
        }
        m.append("\r\n");

        m.append("--").append(boundary).append("\r\n");
        m.append("Content-Type: message/delivery-status\r\n\r\n");
        m.append("Reporting-MTA: dns; ").append(reportingHost).append("\r\n");
        m.append("X-Queue-ID: ").append(env.id()).append("\r\n");
        m.append("Arrival-Date: ").append(DATE.format(env.receivedAt())).append("\r\n");
        for (Map.Entry<String, DeliveryState.RecipientStatus> r : state.recipients().entrySet()) {
            if (r.getValue().status() != DeliveryState.Status.FAILED) {
                continue;
            }
            String reply = r.getValue().reply();
            m.append("\r\nFinal-Recipient: rfc822; ").append(r.getKey()).append("\r\n");
            m.append("Action: failed\r\n");
            m.append("Status: ").append(status(reply)).append("\r\n");
            if (reply.matches("\\d{3} .*")) {
                m.append("Remote-MTA: dns; upstream\r\n");
                m.append("Diagnostic-Code: smtp; ").append(reply).append("\r\n");
            }
        }
        m.append("\r\n");

        m.append("--").append(boundary).append("\r\n");
        m.append("Content-Type: text/rfc822-headers\r\n\r\n");
        m.append(originalHeaders.endsWith("\r\n") ? originalHeaders : originalHeaders + "\r\n");
        m.append("\r\n--").append(boundary).append("--\r\n");
        return m.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The enhanced status code in the reply, or a generic permanent failure. */
    static String status(String reply) {
        Matcher matcher = ENHANCED.matcher(reply);
        if (matcher.find() && !matcher.group(1).startsWith("2")) {
            String s = matcher.group(1);
            // A DSN's Action "failed" goes with a 5.x.x status (RFC 3464 section 2.3.4).
            return s.startsWith("4") ? "5" + s.substring(1) : s;
        }
        return "5.0.0";
    }
}
