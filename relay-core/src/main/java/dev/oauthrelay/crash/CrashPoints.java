package dev.oauthrelay.crash;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Kills the JVM at a named {@link CrashPoint}, for durability tests only. Enabled by the system
 * properties {@code relay.test.crash-point} (the point's id) and {@code relay.test.crash-at}
 * (the n-th time the point is reached, default 1). {@link Runtime#halt} skips shutdown hooks and
 * finalisation: from the spool's point of view it is the same as SIGKILL or a power cut (the
 * page cache survives, which is why the tests also rely on fsync ordering, not on luck).
 */
public final class CrashPoints {

    private static final String POINT = System.getProperty("relay.test.crash-point", "");
    private static final int AT = Integer.getInteger("relay.test.crash-at", 1);
    private static final AtomicInteger HITS = new AtomicInteger();

    private CrashPoints() {
    }

    /** Reached {@code point}: halt if this is the configured point and hit. Costs one string compare otherwise. */
    public static void reach(CrashPoint point) {
        if (!POINT.isEmpty() && POINT.equals(point.id()) && HITS.incrementAndGet() == AT) {
            System.err.println("relay: CRASH POINT " + point.id() + " reached (relay.test.crash-point); halting");
            System.err.flush();
            Runtime.getRuntime().halt(137);
        }
    }
}
