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
        // Concurrent commits share directory fsyncs (group commit); each still waits for one.
        this.ops = new CoalescingDurableOps(ops);
    }

    /** Opens (creating if needed) {@code <dataDir>/spool/{tmp,queue,quarantine}}. */
    public static Spool open(Path dataDir) throws IOException {
        return open(dataDir, DurableOps.REAL);
    }

    /**
     * Opens an existing spool without creating, recovering or changing anything: for reading it
     * from another process (the {@code relay queue} command while the relay is stopped).
     */
    public static Spool openExisting(Path dataDir) throws IOException {
        Path root = dataDir.resolve("spool");
        if (!Files.isDirectory(root)) {
            throw new java.nio.file.NoSuchFileException(root.toString(), null, "no spool here");
        }
        return new Spool(root, DurableOps.REAL);
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
     * Deletes the entry (if present: safe to retry), then its delivery state (a leftover state file
     * is harmless and removed at start-up). The deletion is not fsynced on its own: a power failure
     * that undid it would make the relay deliver the message again (a duplicate, never a loss), and
     * the next commit's sync of {@code queue/} makes it durable anyway. A process crash loses
     * nothing either way (the kernel keeps the directory change). Postfix does not sync its
     * deletions either; this saves an fsync per delivered message.
     */
    public void remove(QueueId id) throws IOException {
        Files.deleteIfExists(queueDir.resolve(SpoolFormat.fileName(id)));
        Files.deleteIfExists(stateFile(id));
    }

    /** The delivery state of a queued message, or empty if none was written yet (or it is unreadable). */
    public java.util.Optional<DeliveryState> readState(QueueId id) throws IOException {
        return readState(stateFile(id));
    }

    private static java.util.Optional<DeliveryState> readState(Path file) throws IOException {
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
     * ({@code <id>.report}: the upstream replies) and its final delivery state ({@code <id>.state},
     * which says who already has it, should an operator {@link #release} it). It is kept for the
     * operator and never retried by itself.
     */
    public void deadLetter(QueueId id, String report, DeliveryState state) throws IOException {
        String name = SpoolFormat.fileName(id);
        writeDurably(deadLetterDir.resolve(id.value() + ".report"), report.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        writeDurably(deadLetterStateFile(id), StateCodec.encode(state));
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

    /** The delivery state a message had when it was dead-lettered; empty if none was kept. */
    public java.util.Optional<DeliveryState> readDeadLetterState(QueueId id) throws IOException {
        return readState(deadLetterStateFile(id));
    }

    public boolean isQueued(QueueId id) {
        return Files.exists(queueDir.resolve(SpoolFormat.fileName(id)), LinkOption.NOFOLLOW_LINKS);
    }

    public boolean isDeadLettered(QueueId id) {
        return Files.exists(deadLetterDir.resolve(SpoolFormat.fileName(id)), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Puts a dead-lettered message back into {@code queue/} with {@code state} as its delivery
     * state. The state is written first, then the message is renamed (atomically) and both
     * directories synced: a crash in between leaves it dead-lettered (the stray state is removed
     * at start-up), never in both places or in neither. Nobody may be delivering it meanwhile:
     * the caller coordinates with the scheduler.
     */
    public void release(QueueId id, DeliveryState state) throws IOException {
        String name = SpoolFormat.fileName(id);
        Path source = deadLetterDir.resolve(name);
        Path target = queueDir.resolve(name);
        if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
            throw new java.nio.file.NoSuchFileException(source.toString());
        }
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new java.nio.file.FileAlreadyExistsException(target.toString());
        }
        writeState(id, state);
        ops.atomicMove(source, target);
        ops.syncDirectory(queueDir);
        ops.syncDirectory(deadLetterDir);
        Files.deleteIfExists(deadLetterDir.resolve(id.value() + ".report"));
        Files.deleteIfExists(deadLetterStateFile(id));
    }

    /** Deletes a dead letter with its report and state; false if there was none. */
    public boolean removeDeadLetter(QueueId id) throws IOException {
        boolean existed = Files.deleteIfExists(deadLetterDir.resolve(SpoolFormat.fileName(id)));
        ops.syncDirectory(deadLetterDir);
        Files.deleteIfExists(deadLetterDir.resolve(id.value() + ".report"));
        Files.deleteIfExists(deadLetterStateFile(id));
        return existed;
    }

    /** Deletes the quarantined files of {@code id} ({@code <id>.msg}, {@code <id>.msg.1}, ...); how many. */
    public int removeQuarantined(QueueId id) throws IOException {
        int removed = 0;
        for (Path file : sortedFiles(quarantineDir)) {
            if (file.getFileName().toString().startsWith(SpoolFormat.fileName(id)) && Files.deleteIfExists(file)) {
                removed++;
            }
        }
        if (removed > 0) {
            ops.syncDirectory(quarantineDir);
        }
        return removed;
    }

    /** Every message an operator can see: queued, dead-lettered, and damaged files (see {@link SpoolListing}). */
    public SpoolContents contents() throws IOException {
        return SpoolListing.list(this, name -> true);
    }

    /** As {@link #contents()}, only the files of one message. */
    public SpoolContents contents(QueueId id) throws IOException {
        return SpoolListing.list(this, name -> name.startsWith(id.value() + "."));
    }

    /**
     * The header section of a listed message (its first bytes up to and including the empty line
     * that ends the header, at most {@code max} bytes), decoded as UTF-8.
     */
    public String headerSection(QueueEntry entry, int max) throws IOException {
        return SpoolListing.headerSection(entry, max);
    }

    private void writeDurably(Path target, byte[] content) throws IOException {
        DurableFile.write(ops, tmpDir.resolve(target.getFileName() + ".tmp"), target, content);
    }

    private Path stateFile(QueueId id) {
        return stateDir.resolve(id.value() + ".state");
    }

    private Path deadLetterStateFile(QueueId id) {
        return deadLetterDir.resolve(id.value() + ".state");
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
        java.nio.file.FileStore store = fileStore;
        if (store == null) {
            // Looking the store up reads the whole mount table (/proc/mounts on Linux); it is
            // asked at every MAIL FROM, so look it up once (the spool never moves to another one).
            store = Files.getFileStore(queueDir);
            fileStore = store;
        }
        return store.getUsableSpace();
    }

    /** The file system of {@link #queueDir}, once looked up; see {@link #usableSpace()}. */
    private volatile java.nio.file.FileStore fileStore;

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

    /** The files in {@code dir}, sorted by name. */
    static List<Path> sortedFiles(Path dir) throws IOException {
        List<Path> files = list(dir);
        files.sort(java.util.Comparator.comparing(p -> p.getFileName().toString()));
        return files;
    }

    private static List<Path> list(Path dir) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(entries::add);
        }
        return entries;
    }
}
