package dev.oauthrelay.server.graph;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Decodes quoted-printable (RFC 2045 section 6.7): {@code =XX} is that byte, {@code =} at the end
 * of a line is a soft line break; anything else (including a malformed {@code =}) passes as it is,
 * as rule 1 of that section suggests for robustness.
 */
final class QuotedPrintableInputStream extends InputStream {

    private final BufferedInputStream in;

    QuotedPrintableInputStream(InputStream in) {
        this.in = new BufferedInputStream(in);
    }

    @Override
    public int read() throws IOException {
        while (true) {
            int c = in.read();
            if (c != '=') {
                return c;
            }
            in.mark(2);
            int a = in.read();
            int b = in.read();
            if (a == '\r' && b == '\n') {
                continue; // soft line break
            }
            if (a == '\n') { // soft line break with a bare LF
                in.reset();
                in.read();
                continue;
            }
            int hi = Character.digit(a, 16);
            int lo = Character.digit(b, 16);
            if (a >= 0 && b >= 0 && hi >= 0 && lo >= 0) {
                return hi << 4 | lo;
            }
            in.reset();
            return '=';
        }
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        int n = 0;
        while (n < len) {
            int c = read();
            if (c < 0) {
                return n == 0 ? -1 : n;
            }
            buf[off + n++] = (byte) c;
            if (in.available() == 0 && n > 0) {
                break;
            }
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
