package dev.oauthrelay.session.data;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Receives the unstuffed message bytes produced by {@link DataDecoder}, in order.
 *
 * <p>Contract: the chunk is usually a slice (a view) of the buffer the caller passed to
 * {@link DataDecoder#feed(ByteBuffer)}, so its contents are only valid during this call. The sink
 * must consume all of it (copy it, or write it out) before returning and must not keep a
 * reference to it. The chunk may be read-only and is never empty. The sink may move the chunk's
 * position and limit freely; that does not affect the decoder's input buffer.
 */
@FunctionalInterface
public interface BodySink {

    /**
     * Consumes the remaining bytes of {@code chunk}.
     *
     * @throws IOException if the bytes cannot be stored; the decoder is then unusable and the
     *                     DATA transaction should be failed
     */
    void write(ByteBuffer chunk) throws IOException;
}
