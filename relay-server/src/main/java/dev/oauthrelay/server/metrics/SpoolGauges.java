package dev.oauthrelay.server.metrics;

import dev.oauthrelay.spool.QueueId;
import dev.oauthrelay.spool.Spool;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gauges of the spool: messages queued, the age of the oldest and the free space. They read the
 * queue directory itself (so messages removed or retried by an operator count as they are), at
 * most once per {@code maxStaleness}: a scrape reads one directory listing, not one file per
 * message. The age comes from the oldest queue id, which encodes when the message arrived.
 */
final class SpoolGauges {

    private static final Logger log = LoggerFactory.getLogger(SpoolGauges.class);

    private record Snapshot(Instant takenAt, int queued, Instant oldest, long free) {
    }

    private final Spool spool;
    private final Clock clock;
    private final Duration maxStaleness;
    private Snapshot last; // guarded by this

    SpoolGauges(Spool spool, Clock clock, Duration maxStaleness) {
        this.spool = spool;
        this.clock = clock;
        this.maxStaleness = maxStaleness;
    }

    /** Strong references: Micrometer holds a gauge's object weakly, and nothing else holds this one. */
    void bindTo(MeterRegistry registry) {
        Gauge.builder("relay.spool.queued", this, g -> g.snapshot().queued())
                .description("Messages in the queue, waiting for delivery").strongReference(true).register(registry);
        Gauge.builder("relay.spool.oldest.age", this, SpoolGauges::oldestAgeSeconds).baseUnit("seconds")
                .description("How long the oldest queued message has waited (0 when the queue is empty)")
                .strongReference(true).register(registry);
        Gauge.builder("relay.spool.free", this, g -> g.snapshot().free()).baseUnit("bytes")
                .description("Free space on the spool's file system").strongReference(true).register(registry);
    }

    private double oldestAgeSeconds() {
        Snapshot s = snapshot();
        if (s.oldest() == null) {
            return 0;
        }
        return Math.max(0, Duration.between(s.oldest(), clock.instant()).toMillis() / 1000.0);
    }

    private synchronized Snapshot snapshot() {
        Instant now = clock.instant();
        if (last != null && Duration.between(last.takenAt(), now).compareTo(maxStaleness) < 0) {
            return last;
        }
        try {
            List<QueueId> queued = spool.queued();
            last = new Snapshot(now, queued.size(), queued.isEmpty() ? null : queued.get(0).timestamp(),
                    spool.usableSpace());
        } catch (IOException | RuntimeException e) {
            log.debug("cannot read the spool for metrics: {}", e.toString());
            if (last == null) {
                last = new Snapshot(now, 0, null, 0);
            }
        }
        return last;
    }
}
