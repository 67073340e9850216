package dev.oauthrelay.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QueueIdTest {

    private static final String FORMAT = "[0-9A-HJKMNP-TV-Z]{16}";

    @TempDir
    Path dataDir;

    @Test
    void newIdIsSixteenCrockfordBase32Characters() throws Exception {
        QueueId id = Spool.open(dataDir).newId();
        assertThat(id.value()).matches(FORMAT);
        assertThat(id.toString()).isEqualTo(id.value());
        assertThat(QueueId.parse(id.value())).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "01J0ZK3V8Q4M7XR", "01J0ZK3V8Q4M7XR2A", "01j0zk3v8q4m7xr2", "01J0ZK3V8Q4M7XRI",
        "01J0ZK3V8Q4M7XRL", "01J0ZK3V8Q4M7XRO", "01J0ZK3V8Q4M7XRU", "01J0ZK3V8Q4M7XR-", "../../etc/passwd"})
    void parseRejectsAnythingButTheExactFormat(String s) {
        assertThatThrownBy(() -> QueueId.parse(s)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parseRejectsNull() {
        assertThatThrownBy(() -> QueueId.parse(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void idEncodesItsCreationTime() {
        long millis = Instant.parse("2024-06-01T10:15:30.123Z").toEpochMilli();
        assertThat(QueueId.of(millis, 0).timestamp().toEpochMilli()).isEqualTo(millis);
        assertThat(QueueId.of(millis, QueueId.MAX_RANDOM).timestamp().toEpochMilli()).isEqualTo(millis);
        assertThat(QueueId.of(0, 0).value()).isEqualTo("0000000000000000");
        assertThat(QueueId.of(QueueId.MAX_MILLIS, QueueId.MAX_RANDOM).value()).isEqualTo("ZZZZZZZZZZZZZZZZ");
    }

    @Test
    void idsSortByCreationTime() {
        AtomicLong clock = new AtomicLong(1_700_000_000_000L);
        QueueIdGenerator generator = new QueueIdGenerator(clock::get, new Random(1));
        List<QueueId> ids = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            ids.add(generator.next());
            clock.addAndGet(i % 3 == 0 ? 1 : 0); // several ids per millisecond, too
        }
        assertThat(ids).isSortedAccordingTo(QueueId::compareTo).doesNotHaveDuplicates();
        assertThat(ids.get(0).timestamp().toEpochMilli()).isEqualTo(1_700_000_000_000L);
        // Later millisecond beats any random part of an earlier one.
        assertThat(QueueId.of(1001, 0)).isGreaterThan(QueueId.of(1000, QueueId.MAX_RANDOM));
    }

    @Test
    void idsKeepIncreasingWhenTheClockStepsBack() {
        AtomicLong clock = new AtomicLong(1_700_000_000_000L);
        QueueIdGenerator generator = new QueueIdGenerator(clock::get, new Random(2));
        QueueId before = generator.next();
        clock.addAndGet(-5000);
        assertThat(generator.next()).isGreaterThan(before);
    }

    @Test
    void realIdsCarryTheCurrentTimeAndSortAcrossMilliseconds() throws Exception {
        Spool spool = Spool.open(dataDir);
        Instant start = Instant.now().minusMillis(1);
        QueueId first = spool.newId();
        Thread.sleep(3);
        QueueId second = spool.newId();
        assertThat(first).isLessThan(second);
        assertThat(first.timestamp()).isBetween(start, Instant.now().plusMillis(1));
    }

    @Test
    void idsAreUniqueAcrossConcurrentGenerations() throws Exception {
        Spool spool = Spool.open(dataDir);
        int threads = 8;
        int perThread = 25_000;
        Set<QueueId> seen = ConcurrentHashMap.newKeySet();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        seen.add(spool.newId());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(seen).hasSize(threads * perThread);
    }
}
