package dev.oauthrelay.server.harness;

import dev.oauthrelay.server.e2e.QueuedMessages;
import dev.oauthrelay.server.e2e.RelayProcess;
import dev.oauthrelay.server.standin.StandInExchange;
import dev.oauthrelay.server.standin.StandIns;
import dev.oauthrelay.spool.QueueId;
import dev.oauthrelay.spool.Spool;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The durability harness (issue 4): concurrent {@link HarnessClient}s submit to the relay process
 * while it is killed again and again, each time restarted on the same data directory; the
 * Exchange Online stand-in (in this JVM) refuses connections, answers 451 or drops the connection
 * after the final dot meanwhile. Each {@link CyclePlan} either arms one named crash point
 * ({@code relay.test.crash-point}, halting the relay exactly in that window) or SIGKILLs it after
 * a random delay. After the last cycle the clients stop, the faults are cleared and a relay without
 * crash points drains the queue. {@link DurabilityReport} then compares what was acknowledged with
 * what the stand-in received.
 */
public final class DurabilityHarness {

    /**
     * How one kill cycle went. {@code upstreamBefore}: how many copies the stand-in had received
     * before this cycle's relay was started (no relay runs at that moment, so every copy numbered
     * above it and up to the next cycle's value was sent by this cycle's relay process).
     */
    record CycleResult(CyclePlan plan, int upstreamBefore, boolean listened, boolean crashPointHit, int exitCode,
                       Recovery recovery, int duplicateWarnings, long millis) {

        /** What ended the relay process of this cycle, as it appears in the report. */
        String endedBy() {
            if (crashPointHit) {
                return "crash point " + plan.crashPoint().id();
            }
            if (plan.crashPoint() != null) {
                return "SIGKILL (crash point " + plan.crashPoint().id() + " not reached in time)";
            }
            return plan.killDuringStartup() ? "random SIGKILL during start-up" : "random SIGKILL";
        }
    }

    /** The relay's start-up recovery line: {@code Spool recovered: Q queued, T unfinished temp files removed, X quarantined}. */
    record Recovery(int queued, int tmpRemoved, int quarantined) {
        static final Recovery NONE = new Recovery(0, 0, 0);
        private static final Pattern LINE =
                Pattern.compile("Spool recovered: (\\d+) queued, (\\d+) unfinished temp files removed, (\\d+) quarantined");

        static Recovery parse(String output) {
            Matcher m = LINE.matcher(output);
            return m.find() ? new Recovery(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3))) : NONE;
        }
    }

    /** The final phase: no faults, no crash points, until the queue is empty. */
    record Drain(int upstreamBefore, boolean drained, int exitCode, long millis, Recovery recovery, int duplicateWarnings,
                 int queueLeft, int quarantineFiles, Set<String> deadLettered, int tmpFiles) {
    }

    /** A crash point waits this long to be reached before the cycle falls back to SIGKILL. */
    private static final Duration CRASH_POINT_WAIT = Duration.ofSeconds(15);
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(5);
    /** The relay warns once per copy whose final dot went unanswered (DeliveryScheduler). */
    private static final String DUPLICATE_WARNING = "which may deliver it twice";

    private final Path dir;
    private final int cycles;
    private final long seed;
    private final int clientCount;
    private final Random random;
    private volatile HarnessClient.Target target = HarnessClient.Target.NONE;

    public DurabilityHarness(Path dir, int cycles, long seed, int clients) {
        this.dir = dir;
        this.cycles = cycles;
        this.seed = seed;
        this.clientCount = clients;
        this.random = new Random(seed);
    }

    /** Runs every cycle and the drain; {@code relayLog} receives the relay's whole output. */
    public DurabilityReport run(Path relayLog) throws Exception {
        long started = System.nanoTime();
        Ledger ledger = new Ledger();
        List<CycleResult> results = new ArrayList<>();
        System.out.printf("durability harness: seed %d, %d cycles, %d clients%n", seed, cycles, clientCount);
        try (StandIns standIns = StandIns.start(dir.resolve("stand-ins"))) {
            StandInExchange exchange = standIns.exchange();
            RelayProcess relay = RelayProcess.create(Files.createDirectories(dir.resolve("relay")), "", standIns.hocon());
            ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
            List<HarnessClient> clients = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            Drain drain;
            try {
                for (int i = 0; i < clientCount; i++) {
                    HarnessClient c = new HarnessClient(i, seed, ledger, () -> target);
                    Thread t = new Thread(c, "harness-client-" + i);
                    t.setDaemon(true);
                    clients.add(c);
                    threads.add(t);
                    t.start();
                }
                for (int n = 0; n < cycles; n++) {
                    CycleResult r = cycle(CyclePlan.next(n, random), relay, exchange, killer);
                    results.add(r);
                    System.out.printf("cycle %d/%d: %s -> %s; acknowledged %d, upstream copies %d%n", n + 1, cycles,
                            r.plan().describe(), r.endedBy(), ledger.acknowledgedCount(), exchange.messages().size());
                }
                clients.forEach(HarnessClient::stop);
                for (Thread t : threads) {
                    t.join(TimeUnit.SECONDS.toMillis(30));
                }
                drain = drain(relay, exchange);
                System.out.printf("drain: %s in %d ms, relay exit code %d%n", drain.drained() ? "queue empty" : "NOT drained",
                        drain.millis(), drain.exitCode());
            } finally {
                clients.forEach(HarnessClient::stop);
                killer.shutdownNow();
                relay.stop();
                Files.writeString(relayLog, relay.output());
            }
            long errors = clients.stream().mapToLong(HarnessClient::connectionErrors).sum();
            return DurabilityReport.compute(seed, cycles, clientCount, ledger, results, drain, exchange.messages(),
                    errors, Duration.ofNanos(System.nanoTime() - started));
        }
    }

    private CycleResult cycle(CyclePlan plan, RelayProcess relay, StandInExchange exchange,
                              ScheduledExecutorService killer) throws Exception {
        long t0 = System.nanoTime();
        plan.apply(exchange);
        int upstreamBefore = exchange.messages().size();
        int mark = relay.outputLength();
        ScheduledFuture<?> startupKill = plan.killDuringStartup()
                ? killer.schedule(relay::kill, plan.killAfterMillis(), TimeUnit.MILLISECONDS) : null;
        boolean listening = relay.tryStart(plan.javaOpts());
        ScheduledFuture<?> outageEnds = null;
        if (listening) {
            target = new HarnessClient.Target(relay.port(RelayProcess.PLAIN), plan.number());
            if (plan.refuseMillis() > 0) {
                outageEnds = killer.schedule(() -> exchange.refuseConnections(false), plan.refuseMillis(),
                        TimeUnit.MILLISECONDS);
            }
        }
        if (startupKill != null) {
            startupKill.get();
        } else if (plan.crashPoint() != null) {
            relay.awaitExit(CRASH_POINT_WAIT);
        } else if (listening) {
            Thread.sleep(plan.killAfterMillis());
        }
        relay.kill(); // no-op if it already halted at the crash point (or was killed during start-up)
        target = HarnessClient.Target.NONE;
        if (outageEnds != null) {
            outageEnds.cancel(false);
        }
        int exitCode = relay.awaitExit(Duration.ofSeconds(10)).orElse(-1);
        String output = relay.outputSince(mark);
        boolean hit = plan.crashPoint() != null
                && output.contains("CRASH POINT " + plan.crashPoint().id() + " reached");
        return new CycleResult(plan, upstreamBefore, listening, hit, exitCode, Recovery.parse(output),
                count(output, DUPLICATE_WARNING), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    /** No faults, no crash points, no clients: start once more and wait until the queue is empty. */
    private Drain drain(RelayProcess relay, StandInExchange exchange) throws Exception {
        long t0 = System.nanoTime();
        exchange.clearFaults();
        int upstreamBefore = exchange.messages().size();
        int mark = relay.outputLength();
        relay.start("");
        Path dataDir = relay.dataDir();
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        int lastCount = -1;
        long stableSince = System.nanoTime();
        boolean drained = false;
        while (System.nanoTime() < deadline) {
            int count = exchange.messages().size();
            if (count != lastCount) {
                lastCount = count;
                stableSince = System.nanoTime();
            }
            if (QueuedMessages.ids(dataDir).isEmpty() && System.nanoTime() - stableSince > TimeUnit.SECONDS.toNanos(1)) {
                drained = true;
                break;
            }
            Thread.sleep(100);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        int exitCode = relay.stop();
        String output = relay.outputSince(mark);
        return new Drain(upstreamBefore, drained, exitCode, millis, Recovery.parse(output), count(output, DUPLICATE_WARNING),
                QueuedMessages.ids(dataDir).size(), QueuedMessages.quarantined(dataDir).size(),
                deadLettered(dataDir), QueuedMessages.unfinished(dataDir).size());
    }

    /** The Message-IDs of dead-lettered messages (ids of messages that are not the harness's as their queue id). */
    private static Set<String> deadLettered(Path dataDir) throws IOException {
        Set<String> ids = new TreeSet<>();
        Spool spool = Spool.open(dataDir);
        for (QueueId id : spool.deadLettered()) {
            try (InputStream in = spool.readDeadLetter(id).openBody()) {
                ids.add(DurabilityReport.messageId(in.readAllBytes()).orElse("queue id " + id.value()));
            }
        }
        return ids;
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }

    /** The target directory of relay-server, next to the jar the failsafe run uses. */
    public static Path targetDir() {
        return Path.of(System.getProperty("relay.jar")).toAbsolutePath().getParent();
    }
}
