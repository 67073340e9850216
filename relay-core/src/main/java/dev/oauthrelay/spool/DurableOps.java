package dev.oauthrelay.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * The operations that make an entry durable and visible. They sit behind an interface so tests
 * can make each one fail and prove that a failed commit leaves nothing behind.
 */
interface DurableOps {

    /** Forces file content and metadata to stable storage. */
    void force(FileChannel channel) throws IOException;

    /** Renames atomically; source and target are on the same file store. */
    void atomicMove(Path source, Path target) throws IOException;

    /** Makes directory entries (creations, renames, deletions) durable. */
    void syncDirectory(Path dir) throws IOException;

    DurableOps REAL = new FileSystemDurableOps();
}
