package dev.oauthrelay.server.upstream;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A large message body made up on the fly, so the test itself holds no copy: 64-byte CRLF lines
 * ("line 0000001 bcd...\r\n"), cut at {@code size}. Reading it twice gives the same bytes.
 */
final class GeneratedBody extends InputStream {

    static final int LINE = 64;

    private final long size;
    private long position;
    private final byte[] line = new byte[LINE];
    private long lineNumber = -1;

    GeneratedBody(long size) {
        this.size = size;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (position >= size) {
            return -1;
        }
        int n = (int) Math.min(len, size - position);
        int done = 0;
        while (done < n) {
            fill(position / LINE);
            int column = (int) (position % LINE);
            int chunk = Math.min(n - done, LINE - column);
            System.arraycopy(line, column, b, off + done, chunk);
            done += chunk;
            position += chunk;
        }
        return n;
    }

    private void fill(long number) {
        if (number == lineNumber) {
            return;
        }
        lineNumber = number;
        byte[] prefix = String.format("line %07d ", number % 10_000_000).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(prefix, 0, line, 0, prefix.length);
        for (int i = prefix.length; i < LINE - 2; i++) {
            line[i] = (byte) ('a' + (int) ((number + i) % 26));
        }
        line[LINE - 2] = '\r';
        line[LINE - 1] = '\n';
    }
}
