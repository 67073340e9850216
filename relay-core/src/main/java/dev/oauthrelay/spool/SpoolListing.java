package dev.oauthrelay.spool;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Reads the spool for an operator ({@link Spool#contents()}): envelopes and delivery states, never
 * bodies, and never changes a file. A message that moves or leaves while it is being listed (an
 * attempt finished it) is simply not listed.
 */
final class SpoolListing {

    private SpoolListing() {
    }

    /** Entries whose file name {@code names} accepts: queue first, then dead letters, each in arrival order. */
    static SpoolContents list(Spool spool, Predicate<String> names) throws IOException {
        List<QueueEntry> entries = new ArrayList<>();
        List<DamagedFile> damaged = new ArrayList<>();
        readFolder(spool, QueueEntry.Folder.QUEUE, spool.queueDir(), names, entries, damaged);
        readFolder(spool, QueueEntry.Folder.DEAD_LETTER, spool.deadLetterDir(), names, entries, damaged);
        for (Path file : Spool.sortedFiles(spool.quarantineDir())) {
            String name = file.getFileName().toString();
            if (names.test(name)) {
                damaged(QueueEntry.Folder.QUARANTINE, file, "failed its checks at start-up (the relay's log says why)")
                        .ifPresent(damaged::add);
            }
        }
        return new SpoolContents(entries, damaged);
    }

    private static void readFolder(Spool spool, QueueEntry.Folder folder, Path dir, Predicate<String> names,
                                   List<QueueEntry> entries, List<DamagedFile> damaged) throws IOException {
        boolean deadLetters = folder == QueueEntry.Folder.DEAD_LETTER;
        for (Path file : Spool.sortedFiles(dir)) {
            String name = file.getFileName().toString();
            if (!names.test(name) || deadLetters && !name.endsWith(SpoolFormat.SUFFIX)) {
                continue; // a dead letter's .report and .state belong to its .msg
            }
            QueueId id = SpoolFormat.idFromFileName(name);
            if (id == null) {
                damaged(folder, file, "file name is not <queue id>" + SpoolFormat.SUFFIX).ifPresent(damaged::add);
                continue;
            }
            try {
                SpoolFileReader.EnvelopeOnly e = SpoolFileReader.readEnvelope(file, id);
                Optional<DeliveryState> state = deadLetters ? spool.readDeadLetterState(id) : spool.readState(id);
                entries.add(new QueueEntry(folder, id, file, e.envelope(), e.bodyOffset(), e.bodySize(), state));
            } catch (NoSuchFileException gone) {
                // Delivered, dead-lettered or deleted while we looked: not there any more.
            } catch (SpoolCorruptException c) {
                damaged(folder, file, c.reason() + " (quarantined at the next start)").ifPresent(damaged::add);
            }
        }
    }

    private static Optional<DamagedFile> damaged(QueueEntry.Folder folder, Path file, String problem) throws IOException {
        String name = file.getFileName().toString();
        Optional<QueueId> id = name.length() >= QueueId.LENGTH && QueueId.isValid(name.substring(0, QueueId.LENGTH))
                ? Optional.of(new QueueId(name.substring(0, QueueId.LENGTH))) : Optional.empty();
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            return Optional.of(new DamagedFile(folder, name, id, file, a.size(), a.lastModifiedTime().toInstant(), problem));
        } catch (NoSuchFileException gone) {
            return Optional.empty();
        }
    }

    /** See {@link Spool#headerSection}. Stored messages have CRLF line ends (see {@code package-info}). */
    static String headerSection(QueueEntry entry, int max) throws IOException {
        long limit = Math.min(entry.bodySize(), max);
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(limit, 8192));
        try (FileChannel ch = FileChannel.open(entry.file(), StandardOpenOption.READ)) {
            // The envelope section ends with CRLF, so a message that starts with its empty line has no header.
            SpoolFileReader.copyThroughEmptyLine(ch, entry.bodyOffset(), entry.bodyOffset() + limit, out);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
