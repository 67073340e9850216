package dev.oauthrelay.delivery;

import dev.oauthrelay.spool.DeliveryState;
import dev.oauthrelay.spool.Envelope;
import java.util.Map;

/** The text report stored beside a dead-lettered message, for the operator. */
final class DeadLetterReport {

    private DeadLetterReport() {
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
