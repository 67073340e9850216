package dev.oauthrelay.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The process tree of the MTA under test, as a cgroup (v2 or v1 cpuacct) that the harness put it
 * in: CPU time from the cgroup's counter (which includes processes that have already exited, such
 * as Postfix's short-lived smtpd and cleanup processes), and resident memory as the sum of VmRSS
 * over the processes in it at one moment.
 */
final class ProcessTree {

    private final Path dir;

    ProcessTree(Path dir) {
        this.dir = dir;
    }

    /** CPU time in microseconds, or -1 if unknown. */
    long cpuMicros() {
        if (dir == null) {
            return -1;
        }
        try {
            Path v2 = dir.resolve("cpu.stat");
            if (Files.exists(v2)) {
                for (String line : Files.readAllLines(v2)) {
                    if (line.startsWith("usage_usec ")) {
                        return Long.parseLong(line.substring(11).trim());
                    }
                }
            }
            Path v1 = dir.resolve("cpuacct.usage");
            if (Files.exists(v1)) {
                return Long.parseLong(Files.readString(v1).trim()) / 1000;
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** Sum of VmRSS of the processes in the tree, in KiB; -1 if unknown. */
    long rssKiB() {
        return sum("status", "VmRSS:");
    }

    /**
     * Sum of the proportional set sizes (Pss in smaps_rollup), in KiB; -1 if unknown. Unlike the
     * RSS sum it counts pages shared between processes (Postfix's smtpd processes share their
     * code and libraries) once in total, not once per process.
     */
    long pssKiB() {
        return sum("smaps_rollup", "Pss:");
    }

    private long sum(String file, String key) {
        if (dir == null) {
            return -1;
        }
        long total = 0;
        try {
            List<String> pids = Files.readAllLines(dir.resolve("cgroup.procs"));
            for (String pid : pids) {
                try {
                    for (String line : Files.readAllLines(Path.of("/proc", pid.trim(), file))) {
                        if (line.startsWith(key)) {
                            total += Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                            break;
                        }
                    }
                } catch (IOException | RuntimeException gone) {
                    // the process exited between the listing and the read
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return total;
    }

    /** Samples {@link #rssKiB()} every 100 ms on a daemon thread and keeps the peak. */
    final class PeakRss implements AutoCloseable {
        private volatile boolean running = true;
        private volatile long peak;
        private volatile long peakPss;
        private final Thread thread;

        PeakRss() {
            peak = rssKiB();
            peakPss = pssKiB();
            thread = new Thread(() -> {
                while (running) {
                    peak = Math.max(peak, rssKiB());
                    peakPss = Math.max(peakPss, pssKiB());
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "rss-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        long peakKiB() {
            return Math.max(peak, rssKiB());
        }

        long peakPssKiB() {
            return Math.max(peakPss, pssKiB());
        }

        @Override
        public void close() {
            running = false;
            thread.interrupt();
        }
    }
}
