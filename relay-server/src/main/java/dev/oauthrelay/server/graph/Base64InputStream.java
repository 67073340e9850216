package dev.oauthrelay.server.graph;

import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;

/**
 * Reads another stream as base64 (RFC 4648 section 4, no line breaks), so a message can be sent
 * to Graph without holding it in memory: Graph wants the MIME message base64-encoded as the body.
 */
final class Base64InputStream extends InputStream {

    private static final int GROUPS = 1024; // 3 KiB in, 4 KiB out per refill

    private final InputStream source;
    private final byte[] raw = new byte[3 * GROUPS];
    private byte[] encoded = new byte[0];
    private int pos;
    private boolean eof;

    Base64InputStream(InputStream source) {
        this.source = source;
    }

    /** The encoded length of {@code n} bytes. */
    static long encodedLength(long n) {
        return 4 * ((n + 2) / 3);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (pos == encoded.length && !refill()) {
            return -1;
        }
        int n = Math.min(len, encoded.length - pos);
        System.arraycopy(encoded, pos, b, off, n);
        pos += n;
        return n;
    }

    /** Fills {@code raw} completely (a partial group only at the end), then encodes it. */
    private boolean refill() throws IOException {
        if (eof) {
            return false;
        }
        int filled = source.readNBytes(raw, 0, raw.length);
        if (filled < raw.length) {
            eof = true;
        }
        if (filled == 0) {
            return false;
        }
        encoded = Base64.getEncoder().encode(filled == raw.length ? raw : java.util.Arrays.copyOf(raw, filled));
        pos = 0;
        return true;
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
