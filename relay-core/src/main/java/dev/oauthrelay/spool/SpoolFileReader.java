package dev.oauthrelay.spool;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.DateTimeException;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Validates a spool file completely (structure, length, checksum, envelope, id) and returns it as
 * a {@link StoredFile}. Reads the body once to check the checksum but keeps only the envelope in
 * memory.
 */
final class SpoolFileReader {

    private static final int SCAN_BUFFER = 64 * 1024;

    private SpoolFileReader() {
    }

    static StoredFile read(Path file, QueueId expectedId) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            byte[] section = readEnvelopeSection(ch, size, file);
            if (size - section.length < SpoolFormat.TRAILER_LENGTH) {
                throw new SpoolCorruptException(file, "missing trailer: file truncated");
            }
            byte[] trailerBytes = new byte[SpoolFormat.TRAILER_LENGTH];
            readFully(ch, ByteBuffer.wrap(trailerBytes), size - trailerBytes.length, file);
            SpoolFormat.Trailer trailer = SpoolFormat.parseTrailer(trailerBytes);
            if (trailer == null) {
                throw new SpoolCorruptException(file, "missing or damaged trailer: file truncated, torn or extended");
            }
            long bodySize = size - section.length - SpoolFormat.TRAILER_LENGTH;
            if (trailer.bodySize() != bodySize) {
                throw new SpoolCorruptException(file, "length mismatch: trailer says " + trailer.bodySize()
                        + " body bytes, file holds " + bodySize);
            }
            CRC32C crc = new CRC32C();
            crc.update(section);
            checksum(ch, section.length, bodySize, crc, file);
            if ((int) crc.getValue() != trailer.crc()) {
                throw new SpoolCorruptException(file, "checksum mismatch: content altered");
            }
            return new StoredFile(file, decode(section, file, expectedId), section, bodySize, trailer.crc());
        }
    }

    /** An entry's envelope and where its body lies, read without checking the body (for listings). */
    record EnvelopeOnly(Envelope envelope, long bodyOffset, long bodySize) {
    }

    /**
     * Reads only the envelope section and checks the file is long enough for a trailer: cheap
     * enough to list a large queue, but not a validation ({@link #read} is).
     */
    static EnvelopeOnly readEnvelope(Path file, QueueId expectedId) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            byte[] section = readEnvelopeSection(ch, size, file);
            long bodySize = size - section.length - SpoolFormat.TRAILER_LENGTH;
            if (bodySize < 0) {
                throw new SpoolCorruptException(file, "missing trailer: file truncated");
            }
            return new EnvelopeOnly(decode(section, file, expectedId), section.length, bodySize);
        }
    }

    private static Envelope decode(byte[] section, Path file, QueueId expectedId) throws SpoolCorruptException {
        Envelope envelope;
        try {
            envelope = EnvelopeCodec.decode(section);
        } catch (IllegalArgumentException | DateTimeException e) {
            throw new SpoolCorruptException(file, "bad envelope: " + e.getMessage());
        }
        if (!envelope.id().equals(expectedId)) {
            throw new SpoolCorruptException(file, "envelope id " + envelope.id() + " does not match the file name");
        }
        return envelope;
    }

    /** The magic line through the blank line that ends the envelope. */
    private static byte[] readEnvelopeSection(FileChannel ch, long size, Path file) throws IOException {
        byte[] magic = SpoolFormat.MAGIC;
        if (size < magic.length) {
            throw new SpoolCorruptException(file, "too short for a spool file (" + size + " bytes)");
        }
        byte[] head = new byte[magic.length];
        readFully(ch, ByteBuffer.wrap(head), 0, file);
        if (!Arrays.equals(head, magic)) {
            throw new SpoolCorruptException(file, "bad magic: not a spool file, or another format version");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        out.writeBytes(head);
        // The magic line's CRLF counts, so an empty envelope is still found.
        if (copyThroughEmptyLine(ch, magic.length, Math.min(size, SpoolFormat.MAX_ENVELOPE_BYTES), out)) {
            return out.toByteArray();
        }
        throw new SpoolCorruptException(file, "no end of envelope found: file truncated or not a spool file");
    }

    /**
     * Copies bytes from {@code from} (just after a CRLF) into {@code out} until an empty line
     * (CRLF CRLF, the first CRLF possibly before {@code from}) has been copied, or {@code end}.
     * Returns whether the empty line was found.
     */
    static boolean copyThroughEmptyLine(FileChannel ch, long from, long end, ByteArrayOutputStream out)
            throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(8192);
        long pos = from;
        int last4 = 0x0D0A;
        while (pos < end) {
            buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
            int n = ch.read(buf, pos);
            if (n < 0) {
                return false;
            }
            for (int i = 0; i < n; i++) {
                byte b = buf.get(i);
                out.write(b);
                last4 = (last4 << 8) | (b & 0xFF);
                if (last4 == 0x0D0A0D0A) {
                    return true;
                }
            }
            pos += n;
        }
        return false;
    }

    private static void checksum(FileChannel ch, long from, long count, CRC32C crc, Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(SCAN_BUFFER, Math.max(count, 1)));
        long pos = from;
        long end = from + count;
        while (pos < end) {
            buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
            readFully(ch, buf, pos, file);
            buf.flip();
            pos += buf.remaining();
            crc.update(buf);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos, Path file) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new SpoolCorruptException(file, "file shrank while being read");
            }
            pos += n;
        }
    }
}
