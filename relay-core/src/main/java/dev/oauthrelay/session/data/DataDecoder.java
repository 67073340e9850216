package dev.oauthrelay.session.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Streaming decoder for the SMTP DATA body: removes dot-stuffing and finds the end-of-data marker
 * (RFC 5321 sections 4.1.1.4 and 4.5.2).
 *
 * <p>Only CRLF "." CRLF ends the data. The CRLF of the DATA command line counts as the first CRLF,
 * so the input ".\r\n" is an empty message. The CRLF before the final dot ends the last line of the
 * message and is part of the content. Bare CR and bare LF are ordinary content bytes and never
 * form a line ending here: accepting "\n.\n" or similar as the end of data is what makes SMTP
 * smuggling possible.
 *
 * <p>The decoder hands the sink contiguous runs of the input as slices, so the number of sink
 * calls is proportional to the number of input buffers plus the number of stuffed dots, not to the
 * number of bytes. Nothing is buffered except the state: memory use does not depend on message
 * size. Not thread-safe; one instance per DATA transaction.
 */
public final class DataDecoder {

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte DOT = '.';

    /** A CR that was held back in an earlier {@link #feed} call and turned out to be content. */
    private static final ByteBuffer HELD_CR = ByteBuffer.wrap(new byte[] {CR}).asReadOnlyBuffer();

    /**
     * Where the decoder is, in terms of the last byte it read. A later strict or normalizing mode
     * (rejecting or rewriting bare CR and LF) hooks into AFTER_CR, IN_LINE and AFTER_DOT.
     */
    private enum State {
        /** At the start of a line: at the very start of the data, or right after CRLF. */
        LINE_START,
        /** Inside a line; the last byte was neither a line-leading dot nor a CR. */
        IN_LINE,
        /** The last byte was a content CR; an LF next completes a CRLF line ending. */
        AFTER_CR,
        /** The last byte was a line-leading dot, which has been dropped (RFC 5321 4.5.2). */
        AFTER_DOT,
        /** Line-leading dot then CR: the CR is held back, since an LF next makes this the marker. */
        AFTER_DOT_CR,
        /** The end-of-data marker has been consumed. */
        DONE
    }

    private final BodySink sink;
    private State state = State.LINE_START;

    public DataDecoder(BodySink sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /**
     * Decodes bytes from {@code in}, advancing its position, until the end-of-data marker has been
     * consumed or {@code in} is exhausted. Unstuffed message bytes go to the sink, mostly as slices
     * of {@code in}.
     *
     * @return true once the marker has been consumed; {@code in} is then positioned right after it
     *         and any remaining bytes (pipelined commands) are left unconsumed. False if {@code in}
     *         was exhausted first; feed the next bytes in another call.
     * @throws IllegalStateException if the marker was already consumed by an earlier call
     * @throws IOException           from the sink; the decoder must not be used afterwards
     */
    public boolean feed(ByteBuffer in) throws IOException {
        if (state == State.DONE) {
            throw new IllegalStateException("end of data already reached");
        }
        int pos = in.position();
        final int end = in.limit();

        // A CR held back at the end of the previous buffer: LF completes the marker, anything else
        // makes the CR content (without the dot, which stays removed).
        if (state == State.AFTER_DOT_CR && pos < end) {
            if (in.get(pos) == LF) {
                in.position(pos + 1);
                state = State.DONE;
                return true;
            }
            sink.write(HELD_CR.duplicate());
            state = State.AFTER_CR;
        }

        // Bytes in [runStart, pos) are content not yet handed to the sink.
        int runStart = pos;
        for (; pos < end; pos++) {
            byte b = in.get(pos);
            switch (state) {
                case IN_LINE -> {
                    // The hot path: ordinary content until a CR.
                    if (b == CR) {
                        state = State.AFTER_CR;
                    }
                }
                case AFTER_CR -> state = b == LF ? State.LINE_START : b == CR ? State.AFTER_CR : State.IN_LINE;
                case LINE_START -> {
                    if (b == DOT) {
                        // RFC 5321 4.5.2: drop the first character of a line if it is a period.
                        // This also covers the dot of the marker (RFC 5321 4.1.1.4).
                        emit(in, runStart, pos);
                        runStart = pos + 1;
                        state = State.AFTER_DOT;
                    } else {
                        state = b == CR ? State.AFTER_CR : State.IN_LINE;
                    }
                }
                // Any byte after the dropped dot is content ("..", ".x", bare LF); only CR could
                // still turn out to be the marker.
                case AFTER_DOT -> state = b == CR ? State.AFTER_DOT_CR : State.IN_LINE;
                case AFTER_DOT_CR -> {
                    if (b == LF) {
                        // CRLF "." CRLF (RFC 5321 4.1.1.4). The held CR at pos - 1 is not content.
                        emit(in, runStart, pos - 1);
                        in.position(pos + 1);
                        state = State.DONE;
                        return true;
                    }
                    // The held CR (pos - 1) is content after all and is still in the run.
                    state = b == CR ? State.AFTER_CR : State.IN_LINE;
                }
                case DONE -> throw new IllegalStateException("unreachable");
            }
        }
        // In AFTER_DOT_CR the last byte of this buffer is the held CR: keep it out of the sink
        // until the next byte shows whether it belongs to the marker.
        emit(in, runStart, state == State.AFTER_DOT_CR ? end - 1 : end);
        in.position(end);
        return false;
    }

    /** Whether the end-of-data marker has been consumed. */
    public boolean finished() {
        return state == State.DONE;
    }

    private void emit(ByteBuffer in, int from, int to) throws IOException {
        if (to > from) {
            sink.write(in.slice(from, to - from));
        }
    }
}
