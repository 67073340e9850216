package dev.oauthrelay.bench.jmh;

import dev.oauthrelay.bench.load.MessageBody;
import dev.oauthrelay.session.data.DataDecoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@link DataDecoder}: a whole message in wire form (dot-stuffed, ending in CRLF.CRLF), fed in
 * 16 KiB buffers as Netty hands them over, into a sink that only looks at the bytes. The score is
 * per message: divide the size by it for bytes per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DataDecoderBenchmark {

    @Param({"1024", "102400", "1048576"})
    public int size;

    @Param({"STRICT"})
    public DataDecoder.Mode mode;

    private ByteBuffer[] chunks;

    @Setup
    public void setUp() {
        byte[] wire = MessageBody.wire(size, true);
        int n = (wire.length + 16383) / 16384;
        chunks = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            int from = i * 16384;
            chunks[i] = ByteBuffer.wrap(wire, from, Math.min(16384, wire.length - from)).slice();
        }
    }

    @Benchmark
    public DataDecoder.Result decode(Blackhole bh) throws IOException {
        DataDecoder decoder = new DataDecoder(chunk -> bh.consume(chunk.remaining()), mode);
        DataDecoder.Result r = DataDecoder.Result.NEED_MORE;
        for (ByteBuffer c : chunks) {
            ByteBuffer in = c.duplicate();
            r = decoder.feed(in);
        }
        if (r != DataDecoder.Result.END_OF_DATA) {
            throw new IllegalStateException("no end of data: " + r);
        }
        return r;
    }
}
