package dev.oauthrelay.spool;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * The body region of a spool file. Checks the checksum when the last body byte has been read and
 * throws instead of returning those bytes if it does not match, so that a consumer relaying the
 * stream upstream fails before it could complete the message with altered content.
 */
final class BodyInputStream extends InputStream {

    private final FileChannel channel;
    private final Path file;
    private final CRC32C crc;
    private final int expectedCrc;
    private long position;
    private long remaining;

    BodyInputStream(FileChannel channel, Path file, long offset, long length, CRC32C crcOfEnvelope, int expectedCrc) {
        this.channel = channel;
        this.file = file;
        this.position = offset;
        this.remaining = length;
        this.crc = crcOfEnvelope;
        this.expectedCrc = expectedCrc;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (remaining == 0) {
            verify();
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, remaining)), position);
        if (n < 0) {
            throw new SpoolCorruptException(file, "file shrank while the body was read");
        }
        crc.update(b, off, n);
        position += n;
        remaining -= n;
        if (remaining == 0) {
            verify();
        }
        return n;
    }

    private void verify() throws SpoolCorruptException {
        if ((int) crc.getValue() != expectedCrc) {
            throw new SpoolCorruptException(file, "checksum mismatch while reading the body: file altered");
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
