package dev.oauthrelay.spool;

import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Creation attributes that keep spooled mail readable by the relay's own user only: bodies are
 * often scanned documents. Empty where the file system has no POSIX permissions (Windows).
 */
public final class OwnerOnly {

    private OwnerOnly() {
    }

    public static FileAttribute<?>[] directory(Path where) {
        return posix(where) ? new FileAttribute<?>[] {
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))} : new FileAttribute<?>[0];
    }

    public static FileAttribute<?>[] file(Path where) {
        return posix(where) ? new FileAttribute<?>[] {
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))} : new FileAttribute<?>[0];
    }

    private static boolean posix(Path where) {
        return where.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
