package dev.oauthrelay.spool;

import dev.oauthrelay.crash.CrashPoint;
import dev.oauthrelay.crash.CrashPoints;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one message into {@code tmp/<id>.msg} and, on {@link #commit()}, makes it a durable
 * entry in {@code queue/}. The file format is described in {@code package-info}.
 *
 * <p>Commit sequence: flush, append the trailer, {@code force(true)}, close, atomic rename into
 * {@code queue/}, fsync {@code queue/}. The data is on disk before the name appears, so a crash at
 * any point leaves either a temp file (removed at start-up, the client never got {@code 250}) or
 * a complete entry.
 *
 * <p>Not thread-safe: use one writer from one thread at a time (handing it to a blocking executor
 * for {@code commit()} is fine, but do not call {@link #close()} while a commit is running).
 */
public final class SpoolWriter implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(SpoolWriter.class);

    /** Bounds memory per message regardless of its size; large enough to keep syscalls rare. */
    static final int BUFFER_SIZE = 64 * 1024;

    private enum State { OPEN, COMMITTED, ABORTED }

    private final QueueId id;
    private final Path tmpFile;
    private final Path queueFile;
    private final Path queueDir;
    private final DurableOps ops;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);
    private final CRC32C crc = new CRC32C();
    private long bodySize;
    private State state = State.OPEN;

    private SpoolWriter(QueueId id, Path tmpFile, Path queueFile, Path queueDir, DurableOps ops, FileChannel channel) {
        this.id = id;
        this.tmpFile = tmpFile;
        this.queueFile = queueFile;
        this.queueDir = queueDir;
        this.ops = ops;
        this.channel = channel;
    }

    /** Creates the temp file and writes the envelope section. */
    static SpoolWriter begin(Path tmpDir, Path queueDir, DurableOps ops, Envelope envelope) throws IOException {
        byte[] section = EnvelopeCodec.encode(envelope); // before creating anything: may reject the envelope
        String name = SpoolFormat.fileName(envelope.id());
        Path queueFile = queueDir.resolve(name);
        // The rename in commit() would silently replace an existing entry on POSIX, losing mail.
        if (Files.exists(queueFile, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(queueFile.toString(), null, "queue id already in use");
        }
        Path tmpFile = tmpDir.resolve(name);
        FileChannel ch = FileChannel.open(tmpFile,
                EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), OwnerOnly.file(tmpDir));
        SpoolWriter writer = new SpoolWriter(envelope.id(), tmpFile, queueFile, queueDir, ops, ch);
        boolean ok = false;
        try {
            writer.put(ByteBuffer.wrap(section));
            ok = true;
        } finally {
            if (!ok) {
                writer.abort();
            }
        }
        return writer;
    }

    /**
     * Appends the chunk's remaining bytes to the body; the chunk is fully consumed on return. No
     * fsync here: durability is commit's job. On failure the temp file is deleted and the writer
     * is aborted.
     */
    public void write(ByteBuffer chunk) throws IOException {
        requireOpen();
        int n = chunk.remaining();
        boolean ok = false;
        try {
            put(chunk);
            ok = true;
        } finally {
            if (!ok) {
                abort();
            }
        }
        bodySize += n;
    }

    public long bodySize() {
        return bodySize;
    }

    public QueueId id() {
        return id;
    }

    /**
     * BLOCKING. Appends the trailer, forces the file to disk, closes it, atomically renames
     * (ATOMIC_MOVE) tmp to queue and fsyncs the queue directory. Only after it returns normally
     * is the entry durable and visible, so only then may the client get {@code 250}. On any
     * failure it deletes the temp file, leaves nothing in {@code queue/} and throws; the writer
     * is then aborted.
     */
    public void commit() throws IOException {
        requireOpen();
        boolean moveAttempted = false;
        boolean ok = false;
        try {
            flush();
            ByteBuffer trailer = SpoolFormat.trailer(bodySize, (int) crc.getValue());
            while (trailer.hasRemaining()) {
                channel.write(trailer);
            }
            ops.force(channel);
            channel.close();
            moveAttempted = true;
            ops.atomicMove(tmpFile, queueFile);
            CrashPoints.reach(CrashPoint.AFTER_RENAME_BEFORE_DIR_SYNC);
            ops.syncDirectory(queueDir);
            ok = true;
            state = State.COMMITTED;
            CrashPoints.reach(CrashPoint.AFTER_SPOOL_COMMIT_BEFORE_ACK);
            notifyCommitted();
        } finally {
            if (!ok) {
                state = State.ABORTED;
                closeQuietly();
                if (moveAttempted) {
                    undoMove();
                }
                deleteQuietly(tmpFile);
            }
        }
    }

    private java.util.function.Consumer<QueueId> onCommit = id -> { };

    /** Called once the entry is durable (the spool uses it to hand new messages to delivery). */
    void onCommit(java.util.function.Consumer<QueueId> listener) {
        this.onCommit = listener;
    }

    private void notifyCommitted() {
        try {
            onCommit.accept(id);
        } catch (RuntimeException e) {
            // The message is safely queued either way; delivery will find it on its next scan.
            log.warn("commit listener failed for {}: {}", id, e.toString());
        }
    }

    /**
     * After a failed or uncertain rename/dir sync the entry may be visible but not known durable;
     * the client will get a 4xx and retry, so the entry must go, or the message would be sent
     * twice. (We own this name: begin() checked it was free and ids are unique.)
     */
    private void undoMove() {
        try {
            if (Files.deleteIfExists(queueFile)) {
                ops.syncDirectory(queueDir);
            }
        } catch (IOException | RuntimeException e) {
            log.error("Could not remove {} after a failed commit; the message may be delivered although the client "
                    + "was told to retry", queueFile, e);
        }
    }

    /** Deletes the temp file; idempotent; no-op after commit. */
    public void abort() {
        if (state != State.OPEN) {
            return;
        }
        state = State.ABORTED;
        closeQuietly();
        deleteQuietly(tmpFile);
    }

    /** Same as {@link #abort()}: an uncommitted message is discarded. */
    @Override
    public void close() {
        abort();
    }

    private void requireOpen() {
        if (state != State.OPEN) {
            throw new IllegalStateException("spool writer for " + id + " is " + state.name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** Copies into the fixed buffer, writing it out whenever it fills. */
    private void put(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            if (!buffer.hasRemaining()) {
                flush();
            }
            int n = Math.min(src.remaining(), buffer.remaining());
            buffer.put(src.slice(src.position(), n));
            src.position(src.position() + n);
        }
    }

    /** Everything written goes through here, so the checksum sees exactly the file's bytes. */
    private void flush() throws IOException {
        buffer.flip();
        crc.update(buffer.duplicate());
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }

    private void closeQuietly() {
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("Closing {} failed", tmpFile, e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("Could not delete temp file {}; it will be removed at the next start", file, e);
        }
    }
}
