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
    private final DurableOps ops;

    private Spool(Path root, DurableOps ops) {
        this.tmpDir = root.resolve("tmp");
        this.queueDir = root.resolve("queue");
        this.quarantineDir = root.resolve("quarantine");
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
        for (Path dir : List.of(spool.tmpDir, spool.queueDir, spool.quarantineDir)) {
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
        return SpoolWriter.begin(tmpDir, queueDir, ops, envelope);
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
        List<QueueId> ids = new ArrayList<>();
        for (Path entry : list(queueDir)) {
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

    /** Deletes the entry (if present: safe to retry) and fsyncs {@code queue/} so it stays deleted. */
    public void remove(QueueId id) throws IOException {
        Files.deleteIfExists(queueDir.resolve(SpoolFormat.fileName(id)));
        ops.syncDirectory(queueDir);
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

    private static List<Path> list(Path dir) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(entries::add);
        }
        return entries;
    }
}
