package dev.oauthrelay.session.data;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/** Test sink: copies every chunk into a byte array and counts the calls. */
final class CollectingSink implements BodySink {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int calls;

    @Override
    public void write(ByteBuffer chunk) {
        if (!chunk.hasRemaining()) {
            throw new AssertionError("the decoder must not write empty chunks");
        }
        calls++;
        // Copy: the chunk is a view of the caller's buffer and only valid during this call.
        byte[] copy = new byte[chunk.remaining()];
        chunk.get(copy);
        out.write(copy, 0, copy.length);
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    int calls() {
        return calls;
    }
}
