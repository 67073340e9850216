package dev.oauthrelay.policy;

/**
 * Which header repairs the relay makes to the messages of one identity (see
 * {@code dev.oauthrelay.session.HeaderRepair}). Devices often send messages that Exchange Online
 * refuses or that mail clients show badly; the relay, acting as the message submission agent,
 * may complete them (RFC 6409 section 8).
 *
 * @param addDate          add {@code Date:} (the time the relay received the message) if missing
 * @param addMessageId     add {@code Message-ID:} if missing
 * @param quoteDisplayName quote a display name with an unquoted {@code @} in From, Sender and
 *                         Reply-To ({@code From: a@b <a@b>} becomes {@code From: "a@b" <a@b>})
 * @param rewriteFrom      send as the mailbox: the From address (and Sender's, and the envelope
 *                         sender) become the identity's mailbox; the original From goes into a
 *                         new {@code Reply-To:} unless the message has one
 */
public record HeaderRepairOptions(boolean addDate, boolean addMessageId, boolean quoteDisplayName,
                                  boolean rewriteFrom) {

    /** The built-in defaults (as in reference.conf): complete and quote, but do not rewrite From. */
    public static final HeaderRepairOptions DEFAULTS = new HeaderRepairOptions(true, true, true, false);

    /** No repairs: the message is stored as received. */
    public static final HeaderRepairOptions NONE = new HeaderRepairOptions(false, false, false, false);

    /** Whether any repair is on. */
    public boolean any() {
        return addDate || addMessageId || quoteDisplayName || rewriteFrom;
    }
}
