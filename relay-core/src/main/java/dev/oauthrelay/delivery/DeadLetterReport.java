package dev.oauthrelay.delivery;

import dev.oauthrelay.spool.DeliveryState;
import dev.oauthrelay.spool.Envelope;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The text report stored beside a dead-lettered message, for the operator; {@link #parse} reads it back. */
public final class DeadLetterReport {

    private static final Pattern RECIPIENT = Pattern.compile("recipient: <(.*)> ([a-z]+): ?(.*)");

    /**
     * What a report says, for the status page.
     *
     * @param received when the message was accepted, if the report says
     * @param failed   the recipients that failed, each with the reply that decided it, in envelope order
     */
    public record Summary(String mailbox, String mailFrom, java.util.Optional<Instant> received, int attempts,
                          Map<String, String> failed) {
        public Summary {
            failed = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(failed));
        }
    }

    private DeadLetterReport() {
    }

    /** Reads a report written by {@link #render}; lines it does not know are skipped, missing ones left empty. */
    public static Summary parse(String report) {
        String mailbox = "";
        String mailFrom = "";
        Instant received = null;
        int attempts = 0;
        Map<String, String> failed = new LinkedHashMap<>();
        for (String line : report.split("\n")) {
            Matcher r = RECIPIENT.matcher(line);
            if (r.matches()) {
                if (r.group(2).equals("failed")) {
                    failed.put(r.group(1), r.group(3));
                }
            } else if (line.startsWith("mailbox: ")) {
                mailbox = line.substring(9);
            } else if (line.startsWith("mail-from: <") && line.endsWith(">")) {
                mailFrom = line.substring(12, line.length() - 1);
            } else if (line.startsWith("received: ")) {
                try {
                    received = Instant.parse(line.substring(10));
                } catch (DateTimeParseException e) {
                    received = null;
                }
            } else if (line.startsWith("attempts: ")) {
                try {
                    attempts = Integer.parseInt(line.substring(10).strip());
                } catch (NumberFormatException e) {
                    attempts = 0;
                }
            }
        }
        return new Summary(mailbox, mailFrom, java.util.Optional.ofNullable(received), attempts, failed);
    }

    static String render(Envelope env, DeliveryState state) {
        StringBuilder b = new StringBuilder(512);
        b.append("queue-id: ").append(env.id()).append('\n');
        b.append("received: ").append(env.receivedAt()).append('\n');
        b.append("identity: ").append(env.identity()).append(" (").append(env.identityKind()).append(")\n");
        b.append("mailbox: ").append(env.mailbox()).append('\n');
        b.append("mail-from: <").append(env.mailFrom()).append(">\n");
        b.append("attempts: ").append(state.attempts()).append('\n');
        if (state.possibleDuplicate()) {
            b.append("note: an attempt lost its connection after the final dot; a copy may have been delivered\n");
        }
        for (Map.Entry<String, DeliveryState.RecipientStatus> r : state.recipients().entrySet()) {
            b.append("recipient: <").append(r.getKey()).append("> ").append(r.getValue().status().name().toLowerCase())
                    .append(": ").append(r.getValue().reply()).append('\n');
        }
        return b.toString();
    }
}
