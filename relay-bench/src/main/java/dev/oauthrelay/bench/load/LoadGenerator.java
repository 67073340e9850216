package dev.oauthrelay.bench.load;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives one MTA through a list of cells (message size x concurrent sessions). Each session
 * behaves like a device: connect (from its own 127.0.0.x address), wait for the greeting, EHLO,
 * MAIL, RCPT, DATA, the message, QUIT; one message per connection, as Postfix's smtp-source does
 * by default. For each cell it records the acceptance rate, the acknowledgement latency (from
 * the last byte of the final dot to the 250 reply), the end-to-end delivery rate (until the
 * sink has counted every accepted message), CPU time and peak RSS of the MTA's process tree.
 */
public final class LoadGenerator {

    /** One cell: message size in bytes, concurrent sessions. */
    record Cell(int size, int sessions) {
        static Cell parse(String s) {
            String[] p = s.split("x");
            return new Cell(Integer.parseInt(p[0]), Integer.parseInt(p[1]));
        }
    }

    private final Options o;
    private final ProcessTree tree;

    private LoadGenerator(Options o) {
        this.o = o;
        this.tree = new ProcessTree(o.cgroup == null ? null : Path.of(o.cgroup));
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        LoadGenerator gen = new LoadGenerator(o);
        if (o.warmup > 0) {
            gen.run(new Cell(1024, 10), o.warmup, Integer.MAX_VALUE, false);
        }
        for (String c : o.cells) {
            gen.run(Cell.parse(c), o.duration, o.maxBytes, true);
        }
    }

    private void run(Cell cell, double seconds, long maxBytes, boolean record) throws Exception {
        String load = Files.readString(Path.of("/proc/loadavg")).trim().split(" ")[0];
        byte[] wire = MessageBody.wire(cell.size, true);
        int cap = (int) Math.max(cell.sessions * 2L, Math.min(Integer.MAX_VALUE, maxBytes / cell.size));
        long[] before = sinkStats();
        long cpuBefore = tree.cpuMicros();
        AtomicInteger claimed = new AtomicInteger();
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicLong lastAck = new AtomicLong();
        List<long[]> ackLatencies = new ArrayList<>();
        List<long[]> greetLatencies = new ArrayList<>();
        List<String> firstErrors = new ArrayList<>();
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        try (ProcessTree.PeakRss rss = tree.new PeakRss()) {
            Thread[] threads = new Thread[cell.sessions];
            for (int i = 0; i < cell.sessions; i++) {
                InetAddress source = InetAddress.getByName("127.0.0." + (10 + i % o.sources));
                long[] acks = new long[cap + 1];
                long[] greets = new long[cap + 1];
                synchronized (ackLatencies) {
                    ackLatencies.add(acks);
                    greetLatencies.add(greets);
                }
                threads[i] = new Thread(() -> {
                    int n = 0;
                    while (System.nanoTime() < deadline && claimed.incrementAndGet() <= cap) {
                        try {
                            long[] t = sendOne(source, wire);
                            greets[n] = t[0];
                            acks[n] = t[1];
                            n++;
                            accepted.incrementAndGet();
                            lastAck.accumulateAndGet(System.nanoTime(), Math::max);
                        } catch (IOException e) {
                            errors.incrementAndGet();
                            synchronized (firstErrors) {
                                if (firstErrors.size() < 3) {
                                    firstErrors.add(e.getMessage());
                                }
                            }
                        }
                    }
                    acks[cap] = n; // the count, in the last slot
                    greets[cap] = n;
                }, "session-" + i);
                threads[i].start();
            }
            for (Thread t : threads) {
                t.join();
            }
            long acceptEnd = lastAck.get() == 0 ? System.nanoTime() : lastAck.get();
            int n = accepted.get();
            long deliveredAt = awaitDelivery(before, n);
            long cpuAfter = tree.cpuMicros();
            long[] after = sinkStats();
            long peak = rss.peakKiB();
            long peakPss = rss.peakPssKiB();
            if (!record) {
                System.err.printf(Locale.ROOT, "%s warm-up: %d messages%n", o.label, n);
                return;
            }
            long[] acks = merge(ackLatencies, cap);
            long[] greets = merge(greetLatencies, cap);
            double acceptSecs = (acceptEnd - start) / 1e9;
            double deliverSecs = deliveredAt < 0 ? Double.NaN : (deliveredAt - start) / 1e9;
            long delivered = after[0] - before[0];
            String json = String.format(Locale.ROOT,
                    "{\"label\":\"%s\",\"size\":%d,\"sessions\":%d,\"accepted\":%d,\"errors\":%d,\"delivered\":%d,"
                            + "\"accept_secs\":%.3f,\"accept_msgs\":%.1f,\"accept_mbs\":%.2f,"
                            + "\"deliver_secs\":%s,\"deliver_msgs\":%s,\"deliver_mbs\":%s,"
                            + "\"ack_p50_ms\":%s,\"ack_p99_ms\":%s,\"greet_p50_ms\":%s,"
                            + "\"cpu_s_per_1000\":%s,\"peak_rss_mib\":%s,\"peak_pss_mib\":%s,\"load\":\"%s\",\"first_errors\":%s}",
                    o.label, cell.size, cell.sessions, n, errors.get(), delivered,
                    acceptSecs, n / acceptSecs, n * (double) cell.size / 1e6 / acceptSecs,
                    num(deliverSecs, 3), num(n / deliverSecs, 1), num(n * (double) cell.size / 1e6 / deliverSecs, 2),
                    num(pct(acks, 0.50), 2), num(pct(acks, 0.99), 2), num(pct(greets, 0.50), 2),
                    cpuBefore < 0 || cpuAfter < 0 || n == 0 ? "null" : num((cpuAfter - cpuBefore) / 1e6 / n * 1000, 3),
                    peak < 0 ? "null" : num(peak / 1024.0, 1), peakPss < 0 ? "null" : num(peakPss / 1024.0, 1), load, jsonList(firstErrors));
            System.out.println(json);
            if (n == 0) {
                System.err.println(o.label + ": no message accepted in cell " + cell + ": " + firstErrors);
            }
            if (o.out != null) {
                Files.writeString(Path.of(o.out), json + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        }
    }

    /** {greeting latency, acknowledgement latency} in nanoseconds. */
    private long[] sendOne(InetAddress source, byte[] wire) throws IOException {
        long connectStart = System.nanoTime();
        try (Smtp s = new Smtp(o.host, o.port, source, 120_000)) {
            int greeting = s.reply();
            long greeted = System.nanoTime();
            if (greeting != 220) {
                throw new IOException("greeting " + greeting);
            }
            s.expect(250, "EHLO loadgen.bench.local");
            s.expect(250, "MAIL FROM:<bench@example.com> SIZE=" + wire.length);
            s.expect(250, "RCPT TO:<sink@example.com>");
            s.expect(354, "DATA");
            OutputStream out = s.out;
            out.write(wire);
            out.flush();
            long dot = System.nanoTime();
            String reply = s.replyLine();
            long acked = System.nanoTime();
            if (!reply.startsWith("250")) {
                throw new IOException("after DATA: " + reply);
            }
            try {
                s.command("QUIT");
            } catch (IOException ignored) {
                // the message is accepted; a lost 221 does not matter
            }
            return new long[] {greeted - connectStart, acked - dot};
        }
    }

    /** The moment the sink has counted {@code n} messages more than {@code before}; -1 on time-out. */
    private long awaitDelivery(long[] before, int n) throws Exception {
        long limit = System.nanoTime() + (long) (o.drainTimeout * 1e9);
        while (System.nanoTime() < limit) {
            long[] now = sinkStats();
            if (now[0] - before[0] >= n) {
                return System.nanoTime();
            }
            Thread.sleep(10);
        }
        return -1;
    }

    private long[] sinkStats() throws IOException {
        try (Smtp s = new Smtp("127.0.0.1", o.sinkPort, null, 10_000)) {
            s.reply();
            s.send("XSTATS");
            String[] p = s.replyLine().split(" ");
            s.send("QUIT");
            return new long[] {Long.parseLong(p[1]), Long.parseLong(p[2]), Long.parseLong(p[3])};
        }
    }

    private static long[] merge(List<long[]> parts, int cap) {
        int total = 0;
        for (long[] p : parts) {
            total += (int) p[cap];
        }
        long[] all = new long[total];
        int i = 0;
        for (long[] p : parts) {
            int n = (int) p[cap];
            System.arraycopy(p, 0, all, i, n);
            i += n;
        }
        Arrays.sort(all);
        return all;
    }

    /** Nearest-rank percentile in milliseconds. */
    private static double pct(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))] / 1e6;
    }

    private static String num(double v, int decimals) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "null" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static String jsonList(List<String> items) {
        StringBuilder sb = new StringBuilder("[");
        for (String s : items) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append('"').append(String.valueOf(s).replace("\\", "\\\\").replace("\"", "'")).append('"');
        }
        return sb.append(']').toString();
    }

    /** Command-line options: --name value pairs. */
    static final class Options {
        String host = "127.0.0.1";
        int port;
        int sinkPort;
        String label = "mta";
        String out;
        String cgroup;
        List<String> cells = List.of("1024x10");
        double duration = 5;
        double warmup = 0;
        long maxBytes = 400_000_000L;
        int sources = 10;
        double drainTimeout = 180;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i + 1 < args.length; i += 2) {
                String v = args[i + 1];
                switch (args[i]) {
                    case "--host" -> o.host = v;
                    case "--port" -> o.port = Integer.parseInt(v);
                    case "--sink-port" -> o.sinkPort = Integer.parseInt(v);
                    case "--label" -> o.label = v;
                    case "--out" -> o.out = v;
                    case "--cgroup" -> o.cgroup = v.isEmpty() ? null : v;
                    case "--cells" -> o.cells = List.of(v.split(","));
                    case "--duration" -> o.duration = Double.parseDouble(v);
                    case "--warmup" -> o.warmup = Double.parseDouble(v);
                    case "--max-bytes" -> o.maxBytes = Long.parseLong(v);
                    case "--sources" -> o.sources = Integer.parseInt(v);
                    case "--drain-timeout" -> o.drainTimeout = Double.parseDouble(v);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (o.port == 0 || o.sinkPort == 0) {
                throw new IllegalArgumentException("--port and --sink-port are required");
            }
            return o;
        }
    }
}
