package dev.oauthrelay.server.upstream;

import dev.oauthrelay.crash.CrashPoint;
import dev.oauthrelay.crash.CrashPoints;
import dev.oauthrelay.delivery.AttemptResult.Stage;
import dev.oauthrelay.delivery.OutboundBodyEncoder;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Streams the stored message through {@link OutboundBodyEncoder} to the upstream after its 354,
 * ending with the final dot.
 *
 * <p>The file is read on the blocking executor, not on the event loop: a spool on slow or network
 * storage (a Kubernetes volume) could stall a read for a long time, and an event loop shared with
 * other connections (or the listeners) must never wait for a disk. Backpressure: a chunk is read
 * only while the channel is writable; otherwise the writer waits for writability without holding
 * a thread. So one message buffers at most the channel's high water mark plus one chunk, whatever
 * its size.
 */
final class BodyWriter {

    static final int CHUNK = 64 * 1024;
    private static final int READ_FAILED = Integer.MIN_VALUE;

    private final UpstreamConnection conn;
    private final InputStream in;
    private final Executor blocking;
    private final Duration stallTimeout;
    private final OutboundBodyEncoder encoder = new OutboundBodyEncoder();
    private final byte[] chunk = new byte[CHUNK];
    private final ByteBuffer encoded = ByteBuffer.allocate(OutboundBodyEncoder.maxEncodedSize(CHUNK));
    private final CompletableFuture<Void> dotWritten = new CompletableFuture<>();

    BodyWriter(UpstreamConnection conn, InputStream in, Executor blocking, Duration stallTimeout) {
        this.conn = conn;
        this.in = in;
        this.blocking = blocking;
        this.stallTimeout = stallTimeout;
    }

    /**
     * Starts streaming. Completes once the final dot has been written to the socket (from then on
     * the upstream may have the message); fails if the connection breaks first, or with an
     * {@link UpstreamFailure} if the stored message cannot be read (the connection is then closed,
     * the only way to abandon DATA: RFC 5321 has no abort).
     */
    CompletableFuture<Void> start() {
        schedule();
        return dotWritten;
    }

    private void schedule() {
        try {
            blocking.execute(this::pump);
        } catch (RejectedExecutionException e) {
            conn.close();
            dotWritten.completeExceptionally(new ConnectionLostException("relay is shutting down"));
        }
    }

    private void pump() {
        while (!dotWritten.isDone()) {
            if (!conn.isOpen()) {
                dotWritten.completeExceptionally(conn.failure());
                return;
            }
            if (!conn.isWritable()) {
                conn.whenWritable(stallTimeout).whenComplete((v, t) -> {
                    if (t != null) {
                        dotWritten.completeExceptionally(t);
                    } else {
                        schedule();
                    }
                });
                return;
            }
            int n = read();
            if (n == READ_FAILED) {
                return;
            }
            if (n < 0) {
                writeFinalDot();
                return;
            }
            if (n > 0) {
                encoded.clear();
                encoder.encode(ByteBuffer.wrap(chunk, 0, n), encoded);
                conn.write(copy(encoded.flip()));
                CrashPoints.reach(CrashPoint.MID_DELIVERY);
            }
        }
    }

    private int read() {
        try {
            return in.read(chunk);
        } catch (IOException | RuntimeException e) {
            conn.close();
            UpstreamFailure failure = UpstreamFailure.of(Stage.CONNECTION_LOST, null,
                    "cannot read the stored message: " + UpstreamFailure.describe(e));
            dotWritten.completeExceptionally(failure);
            return READ_FAILED;
        }
    }

    private void writeFinalDot() {
        ByteBuffer end = ByteBuffer.allocate(OutboundBodyEncoder.MAX_FINISH_SIZE);
        encoder.finish(end);
        conn.write(copy(end.flip())).addListener(f -> {
            if (f.isSuccess()) {
                dotWritten.complete(null);
            } else {
                dotWritten.completeExceptionally(conn.failure());
            }
        });
    }

    private ByteBuf copy(ByteBuffer bytes) {
        ByteBuf buf = conn.alloc().ioBuffer(bytes.remaining());
        buf.writeBytes(bytes);
        return buf;
    }
}
