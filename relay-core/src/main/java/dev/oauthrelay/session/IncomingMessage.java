package dev.oauthrelay.session;

import dev.oauthrelay.session.data.BodySink;
import dev.oauthrelay.session.data.DataDecoder;
import dev.oauthrelay.spool.SpoolWriter;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The body of one message on its way from the socket into the spool. Bytes are written as they
 * arrive (only the header section, at most 64 KiB, is held back for {@link HeaderRepairSink}), so
 * memory does not grow with the message size. The size limit counts the bytes the client sent. Past the size limit, or after a write
 * error, the rest of the data is still read (and dropped) up to the end marker, so none of it is
 * ever taken for commands (the approach of chasquid's dotreader). A bare CR or LF in STRICT mode
 * stops reading at once instead: the session refuses the message and closes the connection.
 */
final class IncomingMessage implements BodySink {

    enum Outcome { COMPLETE, TOO_BIG, WRITE_FAILED }

    private final SpoolWriter writer;
    private final dev.oauthrelay.spool.Envelope envelope;
    /** Between the decoder and the writer: repairs the header section, then passes the body through. */
    private final HeaderRepairSink headerRepair;
    private final DataDecoder decoder;
    private final long limit;
    private long size;
    private IOException writeFailure;
    private boolean tooBig;

    IncomingMessage(SpoolWriter writer, dev.oauthrelay.spool.Envelope envelope, HeaderRepairSink headerRepair,
                    long limit, long alreadyWritten, DataDecoder.Mode mode) {
        this.envelope = envelope;
        this.decoder = new DataDecoder(this, mode);
        this.writer = writer;
        this.headerRepair = headerRepair;
        this.limit = limit;
        this.size = alreadyWritten;
    }

    /** Feeds bytes from the client; see {@link DataDecoder#feed}. */
    DataDecoder.Result feed(ByteBuffer in) {
        try {
            DataDecoder.Result result = decoder.feed(in);
            if (result == DataDecoder.Result.END_OF_DATA && !tooBig && writeFailure == null) {
                finishHeaderRepair();
            }
            return result;
        } catch (IOException e) {
            // Only the sink throws, and it records its own failures; this is unreachable.
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void write(ByteBuffer chunk) {
        int n = chunk.remaining();
        size += n;
        if (tooBig || writeFailure != null) {
            chunk.position(chunk.limit());
            return;
        }
        if (size > limit) {
            // RFC 1870 section 6.2: keep reading to the end, then refuse with 552.
            tooBig = true;
            writer.abort();
            chunk.position(chunk.limit());
            return;
        }
        try {
            headerRepair.write(chunk);
        } catch (IOException e) {
            writeFailure = e;
            writer.abort();
            chunk.position(chunk.limit());
        }
    }

    /** A message that ended inside its header section gets its repaired header section written now. */
    private void finishHeaderRepair() {
        try {
            headerRepair.finish();
        } catch (IOException e) {
            writeFailure = e;
            writer.abort();
        }
    }

    dev.oauthrelay.spool.Envelope envelope() {
        return envelope;
    }

    HeaderRepairSink headerRepair() {
        return headerRepair;
    }

    Outcome outcome() {
        return tooBig ? Outcome.TOO_BIG : writeFailure != null ? Outcome.WRITE_FAILED : Outcome.COMPLETE;
    }

    IOException writeFailure() {
        return writeFailure;
    }

    SpoolWriter writer() {
        return writer;
    }

    long size() {
        return size;
    }
}
