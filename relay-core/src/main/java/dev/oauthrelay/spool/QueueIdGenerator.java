package dev.oauthrelay.spool;

import java.util.Random;
import java.util.function.LongSupplier;

/**
 * Makes queue ids that are strictly increasing within this process, ULID style: a new millisecond
 * starts the random part at a random value below 2^31; further ids in the same millisecond (or
 * after the clock stepped back) increment it. That keeps ids unique and in creation order even
 * when thousands arrive in one millisecond, while the random start keeps ids from different
 * processes or restarts apart.
 */
final class QueueIdGenerator {

    private final LongSupplier clock;
    private final Random random;
    private long lastMillis = -1;
    private long lastRandom;

    QueueIdGenerator(LongSupplier clock, Random random) {
        this.clock = clock;
        this.random = random;
    }

    synchronized QueueId next() {
        long now = clock.getAsLong();
        if (now > lastMillis) {
            lastMillis = now;
            lastRandom = freshRandom();
        } else if (lastRandom < QueueId.MAX_RANDOM) {
            lastRandom++;
        } else {
            // 2^31+ ids in one millisecond: borrow the next millisecond rather than repeat an id.
            lastMillis++;
            lastRandom = freshRandom();
        }
        return QueueId.of(lastMillis, lastRandom);
    }

    private long freshRandom() {
        // Top bit clear leaves at least 2^31 increments before the millisecond overflows.
        return random.nextInt() & 0x7FFF_FFFFL;
    }
}
