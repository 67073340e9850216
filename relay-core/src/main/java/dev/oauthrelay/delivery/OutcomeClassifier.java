package dev.oauthrelay.delivery;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place that decides what an attempt's result means for each recipient (the role of
 * Postfix's smtp_trouble.c): 2xx delivered; 4xx, network, TLS and token trouble deferred; 5xx
 * failed. Authentication failures defer even though they are 5xx: a rejected token is the relay's
 * problem (an expired secret, missing consent), not the message's, and the device already has its
 * 250, so the message waits until an operator fixes the tenant.
 */
public final class OutcomeClassifier {

    private OutcomeClassifier() {
    }

    public static Map<String, RecipientOutcome> classify(AttemptResult result, List<String> recipients) {
        Map<String, RecipientOutcome> out = new LinkedHashMap<>();
        if (result instanceof AttemptResult.Failed failed) {
            RecipientOutcome all = failedSession(failed);
            recipients.forEach(r -> out.put(r, all));
            return out;
        }
        AttemptResult.Completed done = (AttemptResult.Completed) result;
        for (String r : recipients) {
            RemoteReply rcpt = done.recipientReplies().get(r);
            out.put(r, rcpt == null ? new RecipientOutcome.Deferred("no RCPT reply for this recipient")
                    : forRecipient(rcpt, done.dataReply()));
        }
        return out;
    }

    private static RecipientOutcome failedSession(AttemptResult.Failed failed) {
        RemoteReply reply = failed.reply();
        String reason = failed.stage() + ": " + (reply != null ? reply + " (" + failed.reason() + ")" : failed.reason());
        if (failed.stage() == AttemptResult.Stage.MAIL && reply != null && reply.isPermanent()) {
            return new RecipientOutcome.Failed(reply.toString());
        }
        return new RecipientOutcome.Deferred(reason);
    }

    private static RecipientOutcome forRecipient(RemoteReply rcpt, RemoteReply data) {
        if (rcpt.isPermanent()) {
            return new RecipientOutcome.Failed(rcpt.toString());
        }
        if (!rcpt.isPositive()) {
            return new RecipientOutcome.Deferred("RCPT: " + rcpt);
        }
        if (data == null) {
            return new RecipientOutcome.Deferred("DATA was not sent");
        }
        if (data.isPositive()) {
            return new RecipientOutcome.Delivered(data.toString());
        }
        return data.isPermanent() ? new RecipientOutcome.Failed(data.toString())
                : new RecipientOutcome.Deferred("DATA: " + data);
    }
}
