package dev.oauthrelay.delivery;

import java.nio.ByteBuffer;

/**
 * Streaming encoder for the message bytes sent upstream after DATA (RFC 5321 sections 4.1.1.4 and
 * 4.5.2): canonical line ends, dot-stuffing, and the end-of-data marker.
 *
 * <ul>
 *   <li>Every line end becomes CRLF: CRLF stays, and a bare LF or a bare CR becomes CRLF. RFC 5321
 *       section 2.3.8 forbids bare CR and LF in SMTP; a stray one that reaches a server which reads
 *       it as a line end is what SMTP smuggling exploits. The inbound side refuses bare CR and LF
 *       or stores them as CRLF (the DATA decoder's STRICT and NORMALIZE modes), but messages spooled
 *       by earlier versions may hold them; this is the outbound half: none ever reaches the upstream.
 *       "CR CR LF" is a bare CR followed by CRLF, so it becomes two line ends.
 *   <li>A line that begins with "." gets another "." in front (RFC 5321 section 4.5.2).
 *   <li>Non-empty content that does not end with a line end gets a CRLF, because the marker
 *       CRLF "." CRLF needs the content's last line to be complete (RFC 5321 section 4.1.1.4).
 *       Empty content stays empty (just ".\r\n" is sent).
 *   <li>{@link #finish} appends ".\r\n".
 * </ul>
 *
 * <p>Works chunk by chunk; the only state across chunks is where the last byte left the line (and
 * whether a CR is waiting to see if an LF follows), so memory does not depend on message size.
 * Not thread-safe; one instance per message.
 */
public final class OutboundBodyEncoder {

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte DOT = '.';

    /** The most {@link #finish} writes: CRLF to end the last line, then ".\r\n". */
    public static final int MAX_FINISH_SIZE = 5;

    private enum State {
        /** At the start of a line: the start of the content or right after an emitted CRLF. */
        LINE_START,
        /** Inside a line. */
        IN_LINE,
        /** A CR was read and not yet written: LF next makes it CRLF, anything else a bare CR. */
        AFTER_CR,
        /** {@link #finish} was called. */
        FINISHED
    }

    private State state = State.LINE_START;

    /**
     * The most {@link #encode(ByteBuffer, ByteBuffer)} writes for {@code inputBytes} input bytes:
     * each byte yields at most two (a line-leading dot, or LF to CRLF), plus the CRLF of a CR held
     * back from the previous chunk.
     */
    public static int maxEncodedSize(int inputBytes) {
        return Math.addExact(Math.multiplyExact(2, inputBytes), 2);
    }

    /**
     * Encodes all remaining bytes of {@code in} into {@code out}, advancing both positions.
     *
     * @throws IllegalArgumentException if {@code out} has less room than
     *                                  {@link #maxEncodedSize(int) maxEncodedSize(in.remaining())}
     * @throws IllegalStateException    after {@link #finish}
     */
    public void encode(ByteBuffer in, ByteBuffer out) {
        requireOpen();
        if (out.remaining() < maxEncodedSize(in.remaining())) {
            throw new IllegalArgumentException("output buffer too small: " + out.remaining() + " < "
                    + maxEncodedSize(in.remaining()));
        }
        int pos = in.position();
        final int end = in.limit();
        // Bytes in [runStart, pos) are ordinary content not yet copied to out.
        int runStart = pos;
        for (; pos < end; pos++) {
            byte b = in.get(pos);
            if (state == State.IN_LINE && b != CR && b != LF) {
                continue; // the hot path
            }
            copy(in, runStart, pos, out);
            runStart = pos + 1;
            if (state == State.AFTER_CR) {
                out.put(CR).put(LF); // the held CR with LF, or a bare CR made into CRLF
                state = State.LINE_START;
                if (b == LF) {
                    continue;
                }
            }
            switch (b) {
                case CR -> state = State.AFTER_CR;
                case LF -> {
                    out.put(CR).put(LF);
                    state = State.LINE_START;
                }
                default -> {
                    if (state == State.LINE_START && b == DOT) {
                        out.put(DOT); // RFC 5321 4.5.2: double a line-leading dot
                    }
                    out.put(b);
                    state = State.IN_LINE;
                }
            }
        }
        copy(in, runStart, end, out);
        in.position(end);
    }

    /** Encodes all remaining bytes of {@code in} into a new buffer, ready to read. */
    public ByteBuffer encode(ByteBuffer in) {
        ByteBuffer out = ByteBuffer.allocate(maxEncodedSize(in.remaining()));
        encode(in, out);
        return out.flip();
    }

    /**
     * Ends the last line if needed and writes the end-of-data marker ".\r\n" into {@code out}, which
     * needs {@link #MAX_FINISH_SIZE} bytes of room. The encoder cannot be used afterwards.
     */
    public void finish(ByteBuffer out) {
        requireOpen();
        if (out.remaining() < MAX_FINISH_SIZE) {
            throw new IllegalArgumentException("output buffer too small: " + out.remaining());
        }
        if (state != State.LINE_START) {
            out.put(CR).put(LF); // a held CR, or an unterminated last line
        }
        out.put(DOT).put(CR).put(LF);
        state = State.FINISHED;
    }

    /** {@link #finish(ByteBuffer)} into a new buffer, ready to read. */
    public ByteBuffer finish() {
        ByteBuffer out = ByteBuffer.allocate(MAX_FINISH_SIZE);
        finish(out);
        return out.flip();
    }

    private void requireOpen() {
        if (state == State.FINISHED) {
            throw new IllegalStateException("already finished");
        }
    }

    private static void copy(ByteBuffer in, int from, int to, ByteBuffer out) {
        if (to > from) {
            out.put(in.slice(from, to - from));
        }
    }
}
