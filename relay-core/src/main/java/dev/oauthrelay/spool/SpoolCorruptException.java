package dev.oauthrelay.spool;

import java.io.IOException;
import java.nio.file.Path;

/** A spool file that is not a complete, unaltered entry: torn, truncated, altered or not ours. */
public final class SpoolCorruptException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String reason;

    public SpoolCorruptException(Path file, String reason) {
        super(file + ": " + reason);
        this.file = file;
        this.reason = reason;
    }

    public Path file() {
        return file;
    }

    /** What is wrong, without the file name. */
    public String reason() {
        return reason;
    }
}
