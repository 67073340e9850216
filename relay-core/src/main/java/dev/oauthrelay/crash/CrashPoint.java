package dev.oauthrelay.crash;

/**
 * The windows where a crash is most interesting for durability. Each names the moment just
 * before which the previous step is complete and the next has not happened.
 */
public enum CrashPoint {
    /** The message is durable in the queue (file forced, renamed, directory synced); the 250 is not sent. */
    AFTER_SPOOL_COMMIT_BEFORE_ACK("after-spool-commit-before-ack"),
    /** The message file was renamed into the queue; the queue directory is not synced yet. */
    AFTER_RENAME_BEFORE_DIR_SYNC("after-rename-before-dir-sync"),
    /** Part of the body has been written upstream, not all. */
    MID_DELIVERY("mid-delivery"),
    /** The upstream answered 250 to the final dot; the entry is still in the queue. */
    AFTER_UPSTREAM_ACCEPT_BEFORE_REMOVE("after-upstream-accept-before-remove");

    private final String id;

    CrashPoint(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}
