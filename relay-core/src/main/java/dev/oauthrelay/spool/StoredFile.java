package dev.oauthrelay.spool;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * A validated entry. Keeps the envelope section so that {@link #openBody()} can re-run the
 * checksum over the whole file while streaming the body.
 */
record StoredFile(Path file, Envelope envelope, byte[] envelopeSection, long bodySize, int crc)
        implements StoredMessage {

    private static final int BUFFER_SIZE = 64 * 1024;

    @Override
    public InputStream openBody() throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            if (ch.size() != envelopeSection.length + bodySize + SpoolFormat.TRAILER_LENGTH) {
                throw new SpoolCorruptException(file, "file size changed since it was validated");
            }
            CRC32C running = new CRC32C();
            running.update(envelopeSection);
            return new BufferedInputStream(
                    new BodyInputStream(ch, file, envelopeSection.length, bodySize, running, crc), BUFFER_SIZE);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }
}
