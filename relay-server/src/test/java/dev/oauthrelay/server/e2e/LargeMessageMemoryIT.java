package dev.oauthrelay.server.e2e;

import static dev.oauthrelay.server.e2e.RelayProcess.MAILBOX;
import static dev.oauthrelay.server.e2e.RelayProcess.PASSWORD;
import static dev.oauthrelay.server.e2e.RelayProcess.USER;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay streams a message to disk as it arrives: a 100 MB message passes through a relay with a
 * 64 MB heap, and the process's resident memory hardly moves. A relay that buffered the message
 * would run out of heap (or of direct memory, which defaults to the heap size) and grow by more
 * than the bound checked here.
 */
class LargeMessageMemoryIT {

    private static final long MESSAGE_BYTES = 100L * 1024 * 1024;
    private static final long MAX_GROWTH_BYTES = 96L * 1024 * 1024;
    private static final Pattern VM_RSS = Pattern.compile("^VmRSS:\\s+(\\d+) kB$", Pattern.MULTILINE);
    private static final String RCPT = "archive@contoso.com";

    @TempDir
    Path dir;

    @RegisterExtension
    final RelayExtension relays = new RelayExtension();

    @Test
    void hundredMegabyteMessageIsStreamedToDiskWithBoundedMemory() throws Exception {
        RelayProcess relay = relays.start(dir, "-Xmx64m");
        long pid = relay.pid();
        assertThat(Files.readString(Path.of("/proc/" + pid + "/comm")).strip())
                .as("the launcher execs java, so its pid is the JVM's").isEqualTo("java");
        String port = String.valueOf(relay.port(RelayProcess.SUBMISSION));

        // Warm up the same path (TLS, AUTH, spool) so class loading and JIT are not counted as growth.
        Clients.Result warmUp = Clients.python("send_large.py", port, USER, PASSWORD, MAILBOX, RCPT,
                String.valueOf(256 * 1024));
        assertThat(warmUp.exitCode()).as("%s", warmUp).isZero();

        long before = rssBytes(pid);
        AtomicLong peak = new AtomicLong(before);
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        Clients.Result python;
        try {
            sampler.scheduleAtFixedRate(() -> {
                try {
                    peak.accumulateAndGet(rssBytes(pid), Math::max);
                } catch (RuntimeException e) {
                    // the process may be gone at the very end; the assertions below will say so
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
            python = Clients.python("send_large.py", port, USER, PASSWORD, MAILBOX, RCPT,
                    String.valueOf(MESSAGE_BYTES));
        } finally {
            sampler.shutdownNow();
            sampler.awaitTermination(5, TimeUnit.SECONDS);
        }
        peak.accumulateAndGet(rssBytes(pid), Math::max);

        System.out.printf("relay RSS with -Xmx64m: before %.1f MiB, peak %.1f MiB during a %d MiB message"
                        + " (growth %.1f MiB)%n", mib(before), mib(peak.get()), MESSAGE_BYTES >> 20,
                mib(peak.get() - before));

        assertThat(python.exitCode()).as("%s", python).isZero();
        assertThat(python.stdout()).contains("SIZE " + MESSAGE_BYTES);
        String id = python.queueId();
        QueuedMessages.Digest stored = QueuedMessages.digest(relay.dataDir(), id);
        assertThat(stored.size()).isEqualTo(MESSAGE_BYTES);
        assertThat(python.stdout()).contains("SHA256 " + stored.sha256());
        assertThat(stored.envelope().mailParameters()).containsExactly("SIZE=" + MESSAGE_BYTES);
        assertThat(relay.isAlive()).isTrue();
        assertThat(relay.output()).doesNotContain("OutOfMemoryError");
        assertThat(peak.get() - before).as("RSS growth in bytes").isLessThan(MAX_GROWTH_BYTES);
    }

    private static long rssBytes(long pid) {
        try {
            Matcher m = VM_RSS.matcher(Files.readString(Path.of("/proc/" + pid + "/status")));
            if (!m.find()) {
                throw new IllegalStateException("no VmRSS for pid " + pid);
            }
            return Long.parseLong(m.group(1)) * 1024;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
