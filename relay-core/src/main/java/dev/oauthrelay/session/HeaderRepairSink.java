package dev.oauthrelay.session;

import dev.oauthrelay.policy.HeaderRepairOptions;
import dev.oauthrelay.session.data.BodySink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Sits between the DATA decoder and the spool: holds back the header section of the message as it
 * arrives, has {@link HeaderRepair} repair it, writes it on, then passes the body through
 * untouched, chunk by chunk. Memory is bounded: at most {@code maxHeaderBytes} are held; a longer
 * header section is passed on unrepaired. With every repair off nothing is held at all.
 *
 * <p>The header section ends at the first empty line (which stays where it is), or at the first
 * line that is neither a header field ({@code name:}) nor a continuation of one (a line starting
 * with a space or tab after a field): that line and everything after it is body. If such a
 * message gets a repair, an empty line is put in before its body ({@value HeaderRepair#ADD_SEPARATOR}),
 * so the added fields and the body stay apart. A message that ends inside its header section is
 * all header. The body bytes themselves are never changed.
 *
 * <p>Input line ends: the DATA decoder hands over CRLF only; a bare LF is nevertheless taken as
 * a line end here. Not thread-safe; one instance per message.
 */
public final class HeaderRepairSink implements BodySink {

    /** The longest header section repaired: 64 KiB, far more than any device sends. */
    public static final int DEFAULT_MAX_HEADER_BYTES = 64 * 1024;

    private enum State { HEADER, BODY, FINISHED }

    private final BodySink out;
    private final HeaderRepairOptions options;
    private final HeaderRepair.Context context;
    private final int maxHeaderBytes;

    private State state;
    private byte[] buf;
    private int len;
    /** Where the line being read starts in {@link #buf}. */
    private int lineStart;
    private boolean sawField;
    private List<String> repairs = List.of();
    private String skipped;
    private String messageId;

    public HeaderRepairSink(BodySink out, HeaderRepairOptions options, HeaderRepair.Context context) {
        this(out, options, context, DEFAULT_MAX_HEADER_BYTES);
    }

    public HeaderRepairSink(BodySink out, HeaderRepairOptions options, HeaderRepair.Context context, int maxHeaderBytes) {
        this.out = Objects.requireNonNull(out, "out");
        this.options = Objects.requireNonNull(options, "options");
        this.context = Objects.requireNonNull(context, "context");
        if (maxHeaderBytes < 1) {
            throw new IllegalArgumentException("maxHeaderBytes must be positive");
        }
        this.maxHeaderBytes = maxHeaderBytes;
        // The header section is always read (also without repairs) for its Message-ID.
        this.state = State.HEADER;
    }

    @Override
    public void write(ByteBuffer chunk) throws IOException {
        if (state == State.FINISHED) {
            throw new IllegalStateException("finished");
        }
        if (state == State.BODY) {
            if (chunk.hasRemaining()) {
                out.write(chunk);
            }
            return;
        }
        while (chunk.hasRemaining()) {
            if (len == maxHeaderBytes) {
                skipped = options.any() ? "header section longer than " + maxHeaderBytes + " bytes" : null;
                passOn(0, len);
                state = State.BODY;
                break;
            }
            byte b = chunk.get();
            append(b);
            if (b == '\n' && endOfLine()) {
                break;
            }
        }
        if (state == State.BODY && chunk.hasRemaining()) {
            out.write(chunk);
        }
    }

    /**
     * The end of the data: a message that ended inside its header section is repaired now. Call
     * it once, after the last {@link #write}.
     */
    public void finish() throws IOException {
        if (state == State.HEADER) {
            if (lineStart < len) {
                // A last line without a line end (the decoder never produces one): leave it all alone.
                skipped = options.any() ? "last header line has no line end" : null;
                passOn(0, len);
            } else {
                endHeader(len, false);
            }
        }
        state = State.FINISHED;
        buf = null;
    }

    /** The names of the repairs made, in order; empty if none (yet). */
    public List<String> repairs() {
        return repairs;
    }

    /** The message's Message-ID (after repair), or null if it has none or the header was not read. */
    public String messageId() {
        return messageId;
    }

    /** Why the header section was passed on unrepaired although repairs were on, or null. */
    public String skipped() {
        return skipped;
    }

    /** A line [lineStart, len) is complete; returns true if it ended the header section. */
    private boolean endOfLine() throws IOException {
        int contentEnd = len - 1;
        if (contentEnd > lineStart && buf[contentEnd - 1] == '\r') {
            contentEnd--;
        }
        if (contentEnd == lineStart) {
            endHeader(lineStart, true); // the empty line: it stays, after the repaired fields
            return true;
        }
        byte first = buf[lineStart];
        boolean continuation = first == ' ' || first == '\t';
        if ((continuation && sawField) || (!continuation && isFieldStart(lineStart, contentEnd))) {
            sawField = true;
            lineStart = len;
            return false;
        }
        endHeader(lineStart, false); // the first body line, with no empty line before it
        return true;
    }

    /** {@code name:} or {@code name WSP* :} with a name of printable ASCII (RFC 5322 section 2.2, 4.5 for the space). */
    private boolean isFieldStart(int from, int to) {
        int i = from;
        while (i < to && buf[i] >= 33 && buf[i] <= 126 && buf[i] != ':') {
            i++;
        }
        if (i == from) {
            return false;
        }
        while (i < to && (buf[i] == ' ' || buf[i] == '\t')) {
            i++;
        }
        return i < to && buf[i] == ':';
    }

    /**
     * The fields are {@code buf[0, fieldsEnd)}; {@code buf[fieldsEnd, len)} is the empty line
     * ({@code separator}) or the start of the body.
     */
    private void endHeader(int fieldsEnd, boolean separator) throws IOException {
        state = State.BODY;
        byte[] fields = java.util.Arrays.copyOf(buf == null ? new byte[0] : buf, fieldsEnd);
        HeaderRepair.Result result = HeaderRepair.repair(fields, options, context);
        messageId = result.messageId();
        if (!result.changed()) {
            passOn(0, len);
            return;
        }
        List<String> made = new ArrayList<>(result.repairs());
        out.write(ByteBuffer.wrap(result.header()));
        if (!separator && fieldsEnd < len) {
            out.write(ByteBuffer.wrap(new byte[] {'\r', '\n'}));
            made.add(HeaderRepair.ADD_SEPARATOR);
        }
        passOn(fieldsEnd, len);
        repairs = List.copyOf(made);
    }

    private void passOn(int from, int to) throws IOException {
        if (to > from) {
            out.write(ByteBuffer.wrap(buf, from, to - from));
        }
        buf = null;
        len = 0;
        lineStart = 0;
    }

    private void append(byte b) {
        if (buf == null) {
            buf = new byte[Math.min(1024, maxHeaderBytes)];
        } else if (len == buf.length) {
            buf = java.util.Arrays.copyOf(buf, Math.min(buf.length * 2, maxHeaderBytes));
        }
        buf[len++] = b;
    }
}
