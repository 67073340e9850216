package dev.oauthrelay.server.status;

import dev.oauthrelay.server.status.StatusView.DeadLetter;
import dev.oauthrelay.server.status.StatusView.Deferral;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The recent failures: dead letters (newest first) and the deferred messages, each with the reply
 * of Exchange Online or Entra ID and, where {@code ErrorExplainer} knows it, what it means and the fix.
 */
final class FailuresSection {

    private FailuresSection() {
    }

    static void render(StringBuilder b, StatusView view, Instant now) {
        b.append("<section id=\"failures\"><h2>Recent failures</h2>");
        if (view.deadLetters().isEmpty() && view.queue().deferrals().isEmpty()) {
            b.append("<p class=\"none\">No dead letters and no deferred messages.</p></section>\n");
            return;
        }
        if (!view.deadLetters().isEmpty()) {
            b.append("<h3>Failed for good (dead-lettered").append(view.queue().deadLettered() > view.deadLetters().size()
                    ? ", the newest " + view.deadLetters().size() : "").append(")</h3>");
            b.append("<p class=\"note\">Kept in spool/deadletter/ with a report; a failure notice went to the admin"
                    + " if relay.delivery.notify is set.</p>");
            view.deadLetters().forEach(d -> deadLetter(b, d, now));
        }
        if (!view.queue().deferrals().isEmpty()) {
            b.append("<h3>Deferred (retried automatically)</h3>");
            view.queue().deferrals().forEach(d -> deferral(b, d, now));
        }
        b.append("</section>\n");
    }

    private static void deadLetter(StringBuilder b, DeadLetter d, Instant now) {
        b.append("<article class=\"failure failed\" id=\"f-").append(Html.text(d.id().value()))
                .append("\"><h3><span class=\"badge bad\">failed</span> ").append(Html.text(d.id().value()))
                .append("</h3><p class=\"meta\">Received ").append(Html.when(d.received(), now)).append(", ")
                .append(d.attempts()).append(" attempt(s), sent as ").append(Html.text(d.mailbox()))
                .append(", from &lt;").append(Html.text(d.mailFrom())).append("&gt;</p>");
        // One explanation per distinct reply: a message to 50 recipients usually failed 50 times the same way.
        Set<String> replies = new LinkedHashSet<>(d.failed().values());
        for (String reply : replies) {
            b.append("<p>").append(Html.text(recipientsWith(d.failed(), reply))).append(":</p>")
                    .append(Explanation.error(reply));
        }
        if (replies.isEmpty()) {
            b.append("<p class=\"note\">The report names no failed recipient (expired or unreadable).</p>");
        }
        b.append("</article>\n");
    }

    private static String recipientsWith(Map<String, String> failed, String reply) {
        return String.join(", ", failed.entrySet().stream().filter(e -> e.getValue().equals(reply))
                .map(e -> "<" + e.getKey() + ">").toList());
    }

    private static void deferral(StringBuilder b, Deferral d, Instant now) {
        b.append("<article class=\"failure deferred\" id=\"f-").append(Html.text(d.id().value()))
                .append("\"><h3><span class=\"badge warn\">deferred</span> ").append(Html.text(d.id().value()))
                .append("</h3><p class=\"meta\">Queued ").append(Html.when(d.received(), now)).append(", ")
                .append(d.attempts()).append(" attempt(s), next ").append(Html.when(d.nextAttempt(), now))
                .append(", waiting: ").append(Html.text(String.join(", ", d.pending()))).append("</p>");
        if (d.possibleDuplicate()) {
            b.append("<p class=\"note\">An attempt lost its connection after the message was sent: the retry may"
                    + " deliver it twice.</p>");
        }
        b.append(Explanation.error(d.lastError().isEmpty() ? "(no error recorded)" : d.lastError())).append("</article>\n");
    }
}
