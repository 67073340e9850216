package dev.oauthrelay.spool;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/** A committed, validated spool entry. */
public interface StoredMessage {

    Envelope envelope();

    /** Length of the body in bytes. */
    long bodySize();

    /**
     * A fresh stream over the body: exactly the bytes written through {@link SpoolWriter#write}.
     * The stream re-checks the checksum as it goes and throws {@link SpoolCorruptException} before
     * handing out the last bytes if the file changed since it was validated, so a consumer that
     * reaches end of stream has seen the committed body.
     */
    InputStream openBody() throws IOException;

    /** The entry's file in {@code queue/}. */
    Path file();
}
