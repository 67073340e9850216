package dev.oauthrelay.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/** The real {@link DurableOps}. */
final class FileSystemDurableOps implements DurableOps {

    // Windows cannot open a directory as a FileChannel; NTFS journals directory changes itself.
    private static final boolean WINDOWS =
            System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

    @Override
    public void force(FileChannel channel) throws IOException {
        channel.force(true);
    }

    @Override
    public void atomicMove(Path source, Path target) throws IOException {
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        if (WINDOWS) {
            return;
        }
        // A rename is only durable once the directory holding the new name is fsynced (POSIX).
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
