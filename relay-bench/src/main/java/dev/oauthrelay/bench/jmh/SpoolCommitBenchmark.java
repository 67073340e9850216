package dev.oauthrelay.bench.jmh;

import dev.oauthrelay.bench.load.MessageBody;
import dev.oauthrelay.spool.Envelope;
import dev.oauthrelay.spool.QueueId;
import dev.oauthrelay.spool.Spool;
import dev.oauthrelay.spool.SpoolWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One durable spool commit as the listener does it: begin, write the body, commit (envelope
 * record, force() of the files, atomic rename into the queue, fsync of the directory). Disk-bound:
 * the score is mostly the file system's fsync latency, in the directory given by the system
 * property {@code bench.spool.dir} (default: the JVM's temp directory). Committed messages are
 * removed after each iteration.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SpoolCommitBenchmark {

    @Param({"1024", "102400"})
    public int size;

    private Path dir;
    private Spool spool;
    private ByteBuffer body;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path parent = Path.of(System.getProperty("bench.spool.dir", System.getProperty("java.io.tmpdir")));
        Files.createDirectories(parent);
        dir = Files.createTempDirectory(parent, "spool-bench");
        spool = Spool.open(dir);
        body = ByteBuffer.wrap(MessageBody.content(size));
    }

    @Benchmark
    public QueueId commit() throws IOException {
        QueueId id = spool.newId();
        Envelope envelope = new Envelope(id, Instant.now(), "127.0.0.0/8", Envelope.KIND_TRUSTED_NETWORK,
                "bench@example.com", "bench@example.com", List.of(), List.of("sink@example.com"), "127.0.0.1",
                "bench.local", "none");
        try (SpoolWriter writer = spool.begin(envelope)) {
            writer.write(body.duplicate());
            writer.commit();
        }
        return id;
    }

    @TearDown(Level.Iteration)
    public void removeCommitted() throws IOException {
        for (QueueId id : spool.queued()) {
            spool.remove(id);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
