package dev.oauthrelay.spool;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The message spool under {@code <dataDir>/spool}: {@code tmp/} for messages being received,
 * {@code queue/} for committed entries, {@code quarantine/} for damaged ones (format and
 * guarantees in {@code package-info}).
 *
 * <p>Thread-safe. One process per spool directory: {@link #recover()} deletes temp files, so it
 * must run at start-up before any {@link SpoolWriter} exists.
 */
public final class Spool {

    private static final Logger log = LoggerFactory.getLogger(Spool.class);

    /** One generator per JVM, so ids are unique even across several Spool instances. */
    private static final QueueIdGenerator IDS = new QueueIdGenerator(System::currentTimeMillis, new SecureRandom());

    private final Path tmpDir;
    private final Path queueDir;
    private final Path quarantineDir;
    private final Path stateDir;
    private final Path deadLetterDir;
    private final DurableOps ops;
    private final List<java.util.function.Consumer<QueueId>> commitListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    private Spool(Path root, DurableOps ops) {
        this.tmpDir = root.resolve("tmp");
        this.queueDir = root.resolve("queue");
        this.quarantineDir = root.resolve("quarantine");
        this.stateDir = root.resolve("state");
        this.deadLetterDir = root.resolve("deadletter");
        this.ops = ops;
    }

    /** Opens (creating if needed) {@code <dataDir>/spool/{tmp,queue,quarantine}}. */
    public static Spool open(Path dataDir) throws IOException {
        return open(dataDir, DurableOps.REAL);
    }

    static Spool open(Path dataDir, DurableOps ops) throws IOException {
        Path root = dataDir.resolve("spool");
        Spool spool = new Spool(root, ops);
        boolean created = false;
        for (Path dir : List.of(spool.tmpDir, spool.queueDir, spool.quarantineDir, spool.stateDir, spool.deadLetterDir)) {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, OwnerOnly.directory(dataDir));
                created = true;
            }
        }
        if (created) {
            // The directories must survive a crash too, or a committed entry could vanish with them.
            ops.syncDirectory(root);
            ops.syncDirectory(dataDir);
        }
        return spool;
    }

    /** A new unique id (thread-safe), increasing in creation order within this JVM. */
    public QueueId newId() {
        return IDS.next();
    }

    /** Creates {@code tmp/<id>.msg} and writes the envelope section; the body follows via the writer. */
    public SpoolWriter begin(Envelope envelope) throws IOException {
        SpoolWriter writer = SpoolWriter.begin(tmpDir, queueDir, ops, envelope);
        writer.onCommit(id -> commitListeners.forEach(l -> l.accept(id)));
        return writer;
    }

    /** Called (on the committing thread) with the id of every message once it is durable. */
    public void addCommitListener(java.util.function.Consumer<QueueId> listener) {
        commitListeners.add(listener);
    }

    /**
     * Start-up recovery: deletes leftovers in {@code tmp/} (messages never acknowledged), validates
     * every entry in {@code queue/} and moves torn, unreadable or invalid ones to
     * {@code quarantine/} with a WARN log line naming the file and the reason; they are never
     * returned. Reads every body once to verify checksums.
     */
    public RecoveryReport recover() throws IOException {
        int removed = removeLeftovers();
        List<QueueId> valid = new ArrayList<>();
        int quarantined = 0;
        // Snapshot first: moving files while iterating a directory stream is unspecified.
        for (Path entry : list(queueDir)) {
            String reason = problemWith(entry);
            if (reason == null) {
                valid.add(SpoolFormat.idFromFileName(entry.getFileName().toString()));
            } else {
                Path target = quarantine(entry);
                log.warn("Quarantined spool file {} ({}); moved to {}", entry, reason, target);
                quarantined++;
            }
        }
        if (quarantined > 0) {
            ops.syncDirectory(queueDir);
            ops.syncDirectory(quarantineDir);
        }
        removeOrphanStates(valid);
        Collections.sort(valid);
        log.info("Spool recovered: {} queued, {} unfinished temp files removed, {} quarantined",
                valid.size(), removed, quarantined);
        return new RecoveryReport(valid, removed, quarantined);
    }

    /** Why an entry in queue/ is not a valid committed message, or {@code null} if it is. */
    private static String problemWith(Path entry) {
        QueueId id = SpoolFormat.idFromFileName(entry.getFileName().toString());
        if (id == null) {
            return "file name is not <queue id>" + SpoolFormat.SUFFIX;
        }
        if (!Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
            return "not a regular file";
        }
        try {
            SpoolFileReader.read(entry, id);
            return null;
        } catch (SpoolCorruptException e) {
            return e.reason();
        } catch (IOException e) {
            return "unreadable: " + e;
        }
    }

    private int removeLeftovers() throws IOException {
        int removed = 0;
        for (Path leftover : list(tmpDir)) {
            try {
                Files.delete(leftover);
                removed++;
                log.info("Removed unfinished message {} (never acknowledged to the client)", leftover);
            } catch (IOException e) {
                log.warn("Could not remove leftover {} in the spool's tmp directory", leftover, e);
            }
        }
        return removed;
    }

    /** Moves an entry to quarantine/ under a name that does not overwrite an earlier one. */
    private Path quarantine(Path entry) throws IOException {
        String name = entry.getFileName().toString();
        Path target = quarantineDir.resolve(name);
        for (int n = 1; Files.exists(target, LinkOption.NOFOLLOW_LINKS); n++) {
            target = quarantineDir.resolve(name + "." + n);
        }
        ops.atomicMove(entry, target);
        return target;
    }

    /** Committed entries, sorted by id (arrival order). Names only; {@link #read} validates. */
    public List<QueueId> queued() throws IOException {
        return messageIds(queueDir);
    }

    private static List<QueueId> messageIds(Path dir) throws IOException {
        List<QueueId> ids = new ArrayList<>();
        for (Path entry : list(dir)) {
            QueueId id = SpoolFormat.idFromFileName(entry.getFileName().toString());
            if (id != null) {
                ids.add(id);
            }
        }
        Collections.sort(ids);
        return ids;
    }

    /** Reads and fully validates an entry; throws {@link SpoolCorruptException} if it is invalid. */
    public StoredMessage read(QueueId id) throws IOException {
        return SpoolFileReader.read(queueDir.resolve(SpoolFormat.fileName(id)), id);
    }

    /**
     * Deletes the entry (if present: safe to retry) and fsyncs {@code queue/} so it stays deleted;
     * then its delivery state (a leftover state file is harmless and removed at start-up).
     */
    public void remove(QueueId id) throws IOException {
        Files.deleteIfExists(queueDir.resolve(SpoolFormat.fileName(id)));
        ops.syncDirectory(queueDir);
        Files.deleteIfExists(stateFile(id));
    }

    /** The delivery state of a queued message, or empty if none was written yet (or it is unreadable). */
    public java.util.Optional<DeliveryState> readState(QueueId id) throws IOException {
        Path file = stateFile(id);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(StateCodec.decode(Files.readAllBytes(file)));
        } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
            // Starting over re-sends pending recipients at worst; it never loses the message.
            log.warn("Ignoring unreadable delivery state {} ({}); delivery starts over", file, e.getMessage());
            return java.util.Optional.empty();
        }
    }

    /** Replaces the delivery state atomically and durably (write, force, rename, directory sync). */
    public void writeState(QueueId id, DeliveryState state) throws IOException {
        writeDurably(stateFile(id), StateCodec.encode(state));
    }

    /**
     * Moves a message that failed permanently to {@code deadletter/}, with a report beside it
     * ({@code <id>.report}: the upstream replies). It is kept for the operator, never retried.
     */
    public void deadLetter(QueueId id, String report) throws IOException {
        String name = SpoolFormat.fileName(id);
        writeDurably(deadLetterDir.resolve(id.value() + ".report"), report.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        ops.atomicMove(queueDir.resolve(name), deadLetterDir.resolve(name));
        ops.syncDirectory(deadLetterDir);
        ops.syncDirectory(queueDir);
        Files.deleteIfExists(stateFile(id));
    }

    /** Messages in {@code deadletter/}, sorted by id. */
    public List<QueueId> deadLettered() throws IOException {
        return messageIds(deadLetterDir);
    }

    /** Reads a dead-lettered message (validated like a queued one). */
    public StoredMessage readDeadLetter(QueueId id) throws IOException {
        return SpoolFileReader.read(deadLetterDir.resolve(SpoolFormat.fileName(id)), id);
    }

    /** The report written when a message was dead-lettered. */
    public String deadLetterReport(QueueId id) throws IOException {
        return Files.readString(deadLetterDir.resolve(id.value() + ".report"));
    }

    private void writeDurably(Path target, byte[] content) throws IOException {
        DurableFile.write(ops, tmpDir.resolve(target.getFileName() + ".tmp"), target, content);
    }

    private Path stateFile(QueueId id) {
        return stateDir.resolve(id.value() + ".state");
    }

    private void removeOrphanStates(List<QueueId> queued) throws IOException {
        java.util.Set<String> live = new java.util.HashSet<>();
        queued.forEach(id -> live.add(id.value() + ".state"));
        for (Path state : list(stateDir)) {
            if (!live.contains(state.getFileName().toString())) {
                Files.deleteIfExists(state);
            }
        }
    }

    /** Bytes free for this process on the spool's file store. */
    public long usableSpace() throws IOException {
        return Files.getFileStore(queueDir).getUsableSpace();
    }

    public Path queueDir() {
        return queueDir;
    }

    public Path quarantineDir() {
        return quarantineDir;
    }

    public Path tmpDir() {
        return tmpDir;
    }

    public Path deadLetterDir() {
        return deadLetterDir;
    }

    private static List<Path> list(Path dir) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(entries::add);
        }
        return entries;
    }
}
