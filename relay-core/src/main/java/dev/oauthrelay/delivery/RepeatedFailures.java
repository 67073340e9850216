package dev.oauthrelay.delivery;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Notices a mailbox failing the same way again and again: Exchange Online blocks a sender that
 * keeps sending into identical errors ({@code 5.2.251}-{@code 5.2.255}, exchange-online.md), and
 * retrying {@code 5.7.60} (send-as denied), {@code 5.2.2} (quota) or {@code 535 5.7.3} /
 * {@code 5.7.139} (authentication) cannot succeed until an administrator acts.
 *
 * <p>Only failures of the whole submission count (a permanent reply to AUTH, MAIL or the end of
 * data), never a single recipient's ({@code 5.1.1} for a mistyped address says nothing about the
 * mailbox). Two failures are the same when their reply code and enhanced status code are. Any
 * other outcome ends the streak. Thread-safe; in memory only.
 */
public final class RepeatedFailures {

    private static final Pattern ENHANCED = Pattern.compile("(?<![\\d.])[245]\\.\\d{1,3}\\.\\d{1,3}(?![\\d.])");

    private record Streak(String kind, int count) {
    }

    private final int pauseAfter;
    private final Map<String, Streak> streaks = new HashMap<>();

    /** @param pauseAfter identical failures in a row that pause the mailbox */
    public RepeatedFailures(int pauseAfter) {
        if (pauseAfter < 1) {
            throw new IllegalArgumentException("pause-after-failures must be at least 1");
        }
        this.pauseAfter = pauseAfter;
    }

    /**
     * Counts one attempt's result for {@code mailbox}; returns the failure's reply if it is the
     * {@code pauseAfter}-th identical one in a row (the streak then starts over), else null.
     */
    public synchronized RemoteReply observe(String mailbox, AttemptResult result) {
        String key = mailbox.toLowerCase(Locale.ROOT);
        RemoteReply reply = submissionFailure(result);
        if (reply == null) {
            streaks.remove(key);
            return null;
        }
        String kind = kind(reply);
        Streak before = streaks.get(key);
        int count = before != null && before.kind().equals(kind) ? before.count() + 1 : 1;
        if (count >= pauseAfter) {
            streaks.remove(key);
            return reply;
        }
        streaks.put(key, new Streak(kind, count));
        return null;
    }

    /** The permanent reply that refused the whole submission, or null. */
    static RemoteReply submissionFailure(AttemptResult result) {
        if (result instanceof AttemptResult.Failed f) {
            return f.reply() != null && f.reply().isPermanent() ? f.reply() : null;
        }
        RemoteReply data = ((AttemptResult.Completed) result).dataReply();
        return data != null && data.isPermanent() ? data : null;
    }

    /** Code and enhanced status code: "550 5.7.60"; the rest of the text (ids, times) differs each time. */
    static String kind(RemoteReply reply) {
        Matcher m = ENHANCED.matcher(reply.text());
        return reply.code() + (m.find() ? " " + m.group() : "");
    }
}
