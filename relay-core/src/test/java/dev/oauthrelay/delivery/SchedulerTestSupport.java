package dev.oauthrelay.delivery;

import dev.oauthrelay.spool.Envelope;
import dev.oauthrelay.spool.QueueId;
import dev.oauthrelay.spool.Spool;
import dev.oauthrelay.spool.SpoolWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A spool in a temporary directory, a {@link ScriptedUpstream} and the executors a
 * {@link DeliveryScheduler} runs on; the scheduler a test starts is closed after it.
 */
abstract class SchedulerTestSupport {

    static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    Spool spool;
    ScheduledExecutorService timer;
    ExecutorService io;
    ScriptedUpstream upstream;
    DeliveryScheduler scheduler;
    /** The scheduler's clock, also the reception time of queued messages. */
    Clock clock = Clock.systemUTC();

    @BeforeEach
    void setUpSpoolAndExecutors() throws Exception {
        spool = Spool.open(dir);
        timer = Executors.newSingleThreadScheduledExecutor();
        io = Executors.newFixedThreadPool(4);
        upstream = new ScriptedUpstream();
    }

    @AfterEach
    void closeSchedulerAndExecutors() {
        if (scheduler != null) {
            scheduler.close();
        }
        timer.shutdownNow();
        io.shutdownNow();
    }

    /** Starts the scheduler as the relay does: recovery, then every recovered message. */
    void startScheduler(RetryPolicy retry, Notifier notifier, int maxConcurrent) throws Exception {
        scheduler = new DeliveryScheduler(spool, upstream, retry, notifier, clock, timer, io, maxConcurrent);
        spool.addCommitListener(scheduler::enqueue);
        scheduler.start(spool.recover().queued());
    }

    /** Commits a message of the printer account (mailbox printer@contoso.com) into the queue. */
    QueueId queue(String from, List<String> mailParameters, List<String> rcpts, String body) throws Exception {
        QueueId id = spool.newId();
        Envelope env = new Envelope(id, clock.instant(), "printer", Envelope.KIND_ACCOUNT,
                "printer@contoso.com", from, mailParameters, rcpts, "10.0.0.5", "mfp", "TLSv1.3");
        try (SpoolWriter w = spool.begin(env)) {
            w.write(ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)));
            w.commit();
        }
        return id;
    }
}
