package dev.oauthrelay.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;

/**
 * Replaces a small file so that a crash leaves either the old content or the new, never a mix:
 * write a temp file, force it to disk, rename it over the target, sync the directory. New files
 * are readable by the relay's own user only.
 */
public final class DurableFile {

    private DurableFile() {
    }

    /** Replaces {@code target} with {@code content}, through {@code <target>.tmp} beside it. */
    public static void replace(Path target, byte[] content) throws IOException {
        write(DurableOps.REAL, target.resolveSibling(target.getFileName() + ".tmp"), target, content);
    }

    /** {@code tmp} must be on the same file store as {@code target}. */
    static void write(DurableOps ops, Path tmp, Path target, byte[] content) throws IOException {
        try (FileChannel ch = FileChannel.open(tmp, EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING), OwnerOnly.file(tmp.toAbsolutePath().getParent()))) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ops.force(ch);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        ops.atomicMove(tmp, target);
        ops.syncDirectory(target.toAbsolutePath().getParent());
    }
}
