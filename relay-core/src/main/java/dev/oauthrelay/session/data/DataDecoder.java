package dev.oauthrelay.session.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Streaming decoder for the SMTP DATA body: removes dot-stuffing, finds the end-of-data marker
 * (RFC 5321 sections 4.1.1.4 and 4.5.2) and deals with bare CR and bare LF according to its
 * {@link Mode}.
 *
 * <p><b>The end of the data.</b> In both modes only CRLF "." CRLF ends the data. The CRLF of the
 * DATA command line counts as the first CRLF, so the input ".\r\n" is an empty message. The CRLF
 * before the final dot ends the last line of the message and is part of the content. A dot line
 * delimited by a bare CR or bare LF on either side ("\n.\n", "\r\n.\n", "\n.\r\n", "\r.\r\n",
 * "\r\n.\r\r\n", ...) never ends the data: a server that accepts one of them as the end while the
 * sending server does not (or the other way round) is what makes SMTP smuggling possible (the
 * SEC Consult advisory of December 2023; CVE-2023-51764, CVE-2023-51765, CVE-2023-51766).
 *
 * <p><b>Bare CR and LF</b> (RFC 5321 section 2.3.8: CR and LF must only occur together as CRLF).
 * A bare LF is an LF not preceded by CR; a bare CR is a CR not followed by LF, which is only known
 * once the next byte has been read (possibly in the next {@link #feed} call).
 * <ul>
 *   <li>{@link Mode#STRICT}: the first bare CR or LF stops decoding with
 *       {@link Result#BARE_LINE_ENDING}. The message must then be discarded, and nothing the client
 *       sent after it may be read as a command (the session answers 521 and closes).
 *   <li>{@link Mode#NORMALIZE}: every bare LF and every bare CR is stored as CRLF, so the content
 *       handed to the sink only ever has CRLF line ends ("a\nb" gives "a\r\nb", "a\rb" gives
 *       "a\r\nb", and "a\r\r\n" gives "a\r\n\r\n": the bare CR is one line end and the CRLF
 *       another, as in the outbound encoder). A bare line end still ends a line: a line that
 *       starts after it is dot-unstuffed like any other ("a\n..b" gives "a\r\n.b"), but its dot
 *       can never be the end-of-data marker. Exact results for the smuggling variants, with
 *       "a" before and "b\r\n.\r\n" after them: "\n.\n", "\n.\r\n", "\r\n.\n", "\r.\r",
 *       "\r.\r\n", "\r\n.\r", "\n.\r" and "\r.\n" all give "a\r\n\r\nb\r\n" (the dot is a
 *       line-leading dot and is dropped, the bare line ends become CRLF), and "\r\n.\r\r\n" gives
 *       "a\r\n\r\n\r\nb\r\n".
 * </ul>
 * In both modes the position of the end of the data is the same: the first CRLF "." CRLF (or
 * "." CRLF at the very start). STRICT accepts exactly the inputs that contain no bare CR or LF
 * before it, and for those produces the same content as NORMALIZE.
 *
 * <p><b>Speed and memory.</b> Long runs of content go to the sink as slices of the input; short
 * runs (between stuffed dots or normalized line ends) and inserted bytes are collected in a small
 * internal buffer first. So the number of sink calls is bounded by the number of input buffers
 * plus about one per {@value #SHORT_RUN} input bytes, never one per byte, whatever the input.
 * Memory use does not depend on message size. Not thread-safe; one instance per DATA transaction.
 */
public final class DataDecoder {

    /** What to do with a bare CR or bare LF in the data; see the class comment. */
    public enum Mode {
        /** Refuse the message at the first bare CR or LF. The default: the secure choice. */
        STRICT,
        /** Store every bare CR and bare LF as CRLF; for legacy devices that send bare LF line ends. */
        NORMALIZE
    }

    /** Where a {@link #feed} call stopped. */
    public enum Result {
        /** The input was used up without reaching the end of the data; feed more. */
        NEED_MORE,
        /** The end-of-data marker has been consumed; the bytes after it are left in the input. */
        END_OF_DATA,
        /** {@link Mode#STRICT} only: a bare CR or LF was found; the message must be discarded. */
        BARE_LINE_ENDING
    }

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte DOT = '.';

    /** Content runs shorter than this are copied into {@link #pending} rather than sliced. */
    static final int SHORT_RUN = 256;
    private static final int PENDING_SIZE = 8192;

    /** Where the decoder is, in terms of the last byte it read. */
    private enum State {
        /** At the start of a line begun by CRLF, or at the very start of the data. */
        LINE_START,
        /** NORMALIZE: at the start of a line begun by a bare LF or bare CR; its dot is never the marker. */
        BARE_LINE_START,
        /** Inside a line; the last byte was not a CR, and not a line-leading dot at a LINE_START. */
        IN_LINE,
        /** The last byte was a CR (already content); an LF next completes a CRLF line ending. */
        AFTER_CR,
        /** The last byte was a dot at a LINE_START, which has been dropped (RFC 5321 4.5.2). */
        AFTER_DOT,
        /** Such a dot, then CR: the CR is held back, since an LF next makes this the marker. */
        AFTER_DOT_CR,
        /** The end-of-data marker has been consumed. */
        DONE,
        /** STRICT: a bare CR or LF was found. */
        FAILED
    }

    private final BodySink sink;
    private final Mode mode;
    private final boolean strict;
    private State state = State.LINE_START;
    /** Short runs and inserted bytes not yet handed to the sink; allocated on first use. */
    private ByteBuffer pending;

    public DataDecoder(BodySink sink, Mode mode) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.strict = mode == Mode.STRICT;
    }

    public Mode mode() {
        return mode;
    }

    /**
     * Decodes bytes from {@code in}, advancing its position, until the end-of-data marker has been
     * consumed, a bare CR or LF stops a STRICT decoder, or {@code in} is exhausted. Unstuffed (and
     * in NORMALIZE mode normalized) message bytes go to the sink; everything decoded from
     * {@code in} has reached the sink when this method returns, except a CR that may still turn
     * out to belong to the marker.
     *
     * @return {@link Result#END_OF_DATA} once the marker has been consumed: {@code in} is then
     *         positioned right after it and any remaining bytes (pipelined commands) are left
     *         unconsumed. {@link Result#BARE_LINE_ENDING} (STRICT only) if a bare CR or LF was
     *         found: {@code in} is positioned after the byte that showed it, some content before
     *         it may have reached the sink, and the rest of the input must not be interpreted.
     *         {@link Result#NEED_MORE} if {@code in} was exhausted first; feed the next bytes in
     *         another call.
     * @throws IllegalStateException if an earlier call already returned END_OF_DATA or BARE_LINE_ENDING
     * @throws IOException           from the sink; the decoder must not be used afterwards
     */
    public Result feed(ByteBuffer in) throws IOException {
        if (state == State.DONE || state == State.FAILED) {
            throw new IllegalStateException(state == State.DONE ? "end of data already reached"
                    : "bare CR or LF already found");
        }
        int pos = in.position();
        final int end = in.limit();

        // A CR held back at the end of the previous buffer: LF completes the marker, anything else
        // makes it a bare CR after a dropped dot.
        if (state == State.AFTER_DOT_CR && pos < end) {
            if (in.get(pos) == LF) {
                in.position(pos + 1);
                state = State.DONE;
                return Result.END_OF_DATA;
            }
            if (strict) {
                return fail(in, pos);
            }
            put(CR);
            put(LF);
            state = State.BARE_LINE_START;
        }

        // Bytes in [runStart, pos) are content not yet handed to the sink.
        int runStart = pos;
        while (pos < end) {
            byte b = in.get(pos);
            switch (state) {
                case IN_LINE -> {
                    // The hot path: ordinary content until a CR or LF.
                    if (b == CR) {
                        state = State.AFTER_CR;
                    } else if (b == LF) {
                        if (strict) {
                            return fail(in, pos);
                        }
                        runStart = bareLf(in, runStart, pos);
                    }
                }
                case AFTER_CR -> {
                    if (b == LF) {
                        state = State.LINE_START;
                    } else {
                        // The CR at pos - 1 was bare.
                        if (strict) {
                            return fail(in, pos);
                        }
                        runStart = bareCr(in, runStart, pos);
                        continue; // b is the first byte of the next line
                    }
                }
                case LINE_START, BARE_LINE_START -> {
                    if (b == DOT) {
                        // RFC 5321 4.5.2: drop the first character of a line if it is a period.
                        // After CRLF this also covers the dot of the marker (RFC 5321 4.1.1.4);
                        // after a bare line end it cannot be the marker.
                        emit(in, runStart, pos);
                        runStart = pos + 1;
                        state = state == State.LINE_START ? State.AFTER_DOT : State.IN_LINE;
                    } else if (b == CR) {
                        state = State.AFTER_CR;
                    } else if (b == LF) {
                        if (strict) {
                            return fail(in, pos);
                        }
                        runStart = bareLf(in, runStart, pos);
                    } else {
                        state = State.IN_LINE;
                    }
                }
                case AFTER_DOT -> {
                    // Any byte after the dropped dot is content ("..", ".x"); only CR could still
                    // turn out to be the marker.
                    if (b == CR) {
                        state = State.AFTER_DOT_CR; // held: runStart stays at the CR
                    } else if (b == LF) {
                        if (strict) {
                            return fail(in, pos);
                        }
                        runStart = bareLf(in, runStart, pos);
                    } else {
                        state = State.IN_LINE;
                    }
                }
                case AFTER_DOT_CR -> {
                    if (b == LF) {
                        // CRLF "." CRLF (RFC 5321 4.1.1.4). The held CR at pos - 1 is not content.
                        emit(in, runStart, pos - 1);
                        flush();
                        in.position(pos + 1);
                        state = State.DONE;
                        return Result.END_OF_DATA;
                    }
                    // The held CR (pos - 1, still in the run) was bare.
                    if (strict) {
                        return fail(in, pos);
                    }
                    runStart = bareCr(in, runStart, pos);
                    continue; // b is the first byte of the next line
                }
                case DONE, FAILED -> throw new IllegalStateException("unreachable");
            }
            pos++;
        }
        // In AFTER_DOT_CR the last byte of this buffer is the held CR: keep it out of the sink
        // until the next byte shows whether it belongs to the marker.
        emit(in, runStart, state == State.AFTER_DOT_CR ? end - 1 : end);
        flush();
        in.position(end);
        return Result.NEED_MORE;
    }

    /** Whether the end-of-data marker has been consumed. */
    public boolean finished() {
        return state == State.DONE;
    }

    /** NORMALIZE: the LF at {@code pos} is bare; a CR goes in before it. Returns the new run start. */
    private int bareLf(ByteBuffer in, int runStart, int pos) throws IOException {
        emit(in, runStart, pos);
        put(CR);
        state = State.BARE_LINE_START;
        return pos; // the LF itself starts the next run
    }

    /** NORMALIZE: the CR at {@code pos - 1} (in the run) is bare; an LF goes in after it. */
    private int bareCr(ByteBuffer in, int runStart, int pos) throws IOException {
        emit(in, runStart, pos);
        put(LF);
        state = State.BARE_LINE_START;
        return pos;
    }

    private Result fail(ByteBuffer in, int pos) {
        state = State.FAILED;
        in.position(pos + 1);
        return Result.BARE_LINE_ENDING;
    }

    /** Content bytes [from, to) of {@code in}: a slice to the sink if long, else into {@link #pending}. */
    private void emit(ByteBuffer in, int from, int to) throws IOException {
        int n = to - from;
        if (n <= 0) {
            return;
        }
        if (n < SHORT_RUN) {
            room(n);
            pending.put(pending.position(), in, from, n);
            pending.position(pending.position() + n);
        } else {
            flush();
            sink.write(in.slice(from, n));
        }
    }

    private void put(byte b) throws IOException {
        room(1);
        pending.put(b);
    }

    private void room(int n) throws IOException {
        if (pending == null) {
            pending = ByteBuffer.allocate(PENDING_SIZE);
        } else if (pending.remaining() < n) {
            flush();
        }
    }

    private void flush() throws IOException {
        if (pending != null && pending.position() > 0) {
            pending.flip();
            sink.write(pending);
            pending.clear();
        }
    }
}
