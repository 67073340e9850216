package dev.oauthrelay.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Group commit of directory syncs: shared when concurrent, never returning before a sync that began after the call. */
class CoalescingDurableOpsTest {

    private static final Path QUEUE = Path.of("/spool/queue");

    /** Directory syncs that block until released, counting how many began and recording which finished. */
    static final class GatedOps implements DurableOps {
        final Semaphore release = new Semaphore(0);
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger finished = new AtomicInteger();
        volatile boolean fail;

        @Override
        public void force(FileChannel channel) {
        }

        @Override
        public void atomicMove(Path source, Path target) {
        }

        @Override
        public void syncDirectory(Path dir) throws IOException {
            started.incrementAndGet();
            release.acquireUninterruptibly();
            if (fail) {
                throw new IOException("sync failed");
            }
            finished.incrementAndGet();
        }
    }

    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    private CompletableFuture<Void> sync(CoalescingDurableOps ops) {
        return CompletableFuture.runAsync(() -> {
            try {
                ops.syncDirectory(QUEUE);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, pool);
    }

    private static void awaitStarted(GatedOps gated, int n) throws InterruptedException {
        for (int i = 0; i < 3000 && gated.started.get() < n; i++) {
            Thread.sleep(10);
        }
        assertThat(gated.started.get()).isEqualTo(n);
    }

    private static void awaitRequests(CoalescingDurableOps ops, long n) throws InterruptedException {
        for (int i = 0; i < 3000 && ops.requests(QUEUE) < n; i++) {
            Thread.sleep(10);
        }
        assertThat(ops.requests(QUEUE)).isEqualTo(n);
    }

    @Test
    void callersArrivingDuringASyncShareTheNextOneAndNoneReturnsBeforeIt() throws Exception {
        GatedOps gated = new GatedOps();
        CoalescingDurableOps ops = new CoalescingDurableOps(gated);
        CompletableFuture<Void> first = sync(ops);
        awaitStarted(gated, 1);

        List<CompletableFuture<Void>> waiting = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            waiting.add(sync(ops));
        }
        awaitRequests(ops, 8); // all queued behind the running sync
        assertThat(waiting).noneMatch(CompletableFuture::isDone);

        gated.release.release(); // the first sync ends: it began before the others called, so it covers none of them
        first.get(5, TimeUnit.SECONDS);
        awaitStarted(gated, 2);
        Thread.sleep(100);
        assertThat(waiting).as("still waiting for the sync that covers them").noneMatch(CompletableFuture::isDone);

        gated.release.release(); // one more sync covers all seven
        CompletableFuture.allOf(waiting.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
        assertThat(gated.started.get()).as("eight callers, two syncs").isEqualTo(2);
        assertThat(gated.finished.get()).isEqualTo(2);
    }

    @Test
    void aFailedSyncIsNotSharedEachWaiterRunsItsOwn() throws Exception {
        GatedOps gated = new GatedOps();
        CoalescingDurableOps ops = new CoalescingDurableOps(gated);
        CompletableFuture<Void> first = sync(ops);
        awaitStarted(gated, 1);
        CompletableFuture<Void> second = sync(ops);
        awaitRequests(ops, 2);

        gated.fail = true;
        gated.release.release();
        assertThatThrownBy(() -> first.get(5, TimeUnit.SECONDS)).hasRootCauseMessage("sync failed");
        awaitStarted(gated, 2); // the waiter was not told "done": it runs a sync of its own
        gated.fail = false;
        gated.release.release();
        second.get(5, TimeUnit.SECONDS);
        assertThat(gated.finished.get()).isEqualTo(1);
    }

    @Test
    void sequentialCallersEachGetTheirOwnSync() throws Exception {
        GatedOps gated = new GatedOps();
        gated.release.release(3);
        CoalescingDurableOps ops = new CoalescingDurableOps(gated);
        for (int i = 0; i < 3; i++) {
            ops.syncDirectory(QUEUE);
        }
        assertThat(gated.started.get()).isEqualTo(3);
    }
}
