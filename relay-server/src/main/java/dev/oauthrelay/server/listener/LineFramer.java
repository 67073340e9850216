package dev.oauthrelay.server.listener;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

/**
 * Cuts command lines out of the inbound bytes with a hard length limit, so an endless line costs
 * bounded memory. A line ends at LF; a CR before it is dropped. A bare LF is tolerated as a line
 * end for commands because old devices send it (RFC 5321 section 4.1.1 asks for CRLF; message
 * data is stricter, see the DATA decoder).
 */
final class LineFramer {

    /** The result of one framing attempt. */
    sealed interface Frame {
        record Line(byte[] bytes) implements Frame { }
        /** A line exceeded the limit; its bytes were discarded up to and including its LF. */
        record TooLong() implements Frame { }
        /** No complete line yet. */
        record NeedMore() implements Frame { }
    }

    private static final Frame.NeedMore NEED_MORE = new Frame.NeedMore();
    private static final Frame.TooLong TOO_LONG = new Frame.TooLong();

    private final int maxLength;
    private boolean discarding;

    LineFramer(int maxLength) {
        this.maxLength = maxLength;
    }

    /** Whether an over-long line is being dropped: it is still under way, though nothing is buffered. */
    boolean discarding() {
        return discarding;
    }

    Frame next(ByteBuf in) {
        int lf = in.forEachByte(ByteProcessor.FIND_LF);
        if (discarding) {
            if (lf < 0) {
                in.skipBytes(in.readableBytes());
                return NEED_MORE;
            }
            in.readerIndex(lf + 1);
            discarding = false;
            return TOO_LONG;
        }
        if (lf < 0) {
            if (in.readableBytes() > maxLength) {
                // Drop what we have and keep dropping until the line ends.
                in.skipBytes(in.readableBytes());
                discarding = true;
            }
            return NEED_MORE;
        }
        int length = lf - in.readerIndex() + 1; // including LF
        if (length > maxLength) {
            in.readerIndex(lf + 1);
            return TOO_LONG;
        }
        int contentLength = length - 1;
        if (contentLength > 0 && in.getByte(lf - 1) == '\r') {
            contentLength--;
        }
        byte[] line = new byte[contentLength];
        in.getBytes(in.readerIndex(), line);
        in.readerIndex(lf + 1);
        return new Frame.Line(line);
    }
}
