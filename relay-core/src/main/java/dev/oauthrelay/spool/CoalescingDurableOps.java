package dev.oauthrelay.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Group commit for directory syncs. Every commit renames its file into {@code queue/} and must
 * then fsync the directory before the {@code 250}; when many sessions commit at once, one
 * directory fsync covers every rename that happened before it began. So a caller waits for a sync
 * that <em>started</em> after its call (its rename is then in it), and while one runs, the callers
 * that arrive meanwhile share the next one instead of queueing one each. File fsyncs are not
 * shared: each message's own data must be on disk.
 *
 * <p>A failed sync is not shared: a caller whose covering sync failed runs its own, and gets its
 * own result, so every caller sees the error that concerns it.
 */
final class CoalescingDurableOps implements DurableOps {

    private final DurableOps delegate;
    private final Map<Path, DirectorySync> directories = new ConcurrentHashMap<>();

    CoalescingDurableOps(DurableOps delegate) {
        this.delegate = delegate;
    }

    @Override
    public void force(FileChannel channel) throws IOException {
        delegate.force(channel);
    }

    @Override
    public void atomicMove(Path source, Path target) throws IOException {
        delegate.atomicMove(source, target);
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        directories.computeIfAbsent(dir.toAbsolutePath().normalize(), DirectorySync::new).sync(delegate);
    }

    /** For tests: how many syncs of {@code dir} have been asked for so far. */
    long requests(Path dir) {
        DirectorySync d = directories.get(dir.toAbsolutePath().normalize());
        if (d == null) {
            return 0;
        }
        synchronized (d) {
            return d.issued;
        }
    }

    /** One directory's syncs: tickets in call order; a finished sync covers the tickets taken before it began. */
    private static final class DirectorySync {
        private final Path dir;
        private long issued;
        private long covered;
        private boolean running;

        DirectorySync(Path dir) {
            this.dir = dir;
        }

        void sync(DurableOps ops) throws IOException {
            long ticket;
            long target;
            synchronized (this) {
                ticket = ++issued;
                while (covered < ticket && running) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted while waiting for the sync of " + dir, e);
                    }
                }
                if (covered >= ticket) {
                    return; // a sync that began after this call finished
                }
                running = true;
                target = issued; // every ticket so far: their renames happened before this sync begins
            }
            boolean ok = false;
            try {
                ops.syncDirectory(dir);
                ok = true;
            } finally {
                synchronized (this) {
                    running = false;
                    if (ok) {
                        covered = Math.max(covered, target);
                    }
                    notifyAll();
                }
            }
        }
    }
}
