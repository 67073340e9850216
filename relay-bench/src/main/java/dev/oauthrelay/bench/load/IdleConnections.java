package dev.oauthrelay.bench.load;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The scale test: opens {@code --count} connections that each read their greeting and then stay
 * idle, from {@code --sources} addresses 127.1.x.y (so a per-address limit applies as it would to
 * that many devices), then measures how long a new client waits for its greeting while they are
 * all open, and the MTA's RSS.
 */
public final class IdleConnections {

    private IdleConnections() {}

    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        int port = 0;
        int count = 10_000;
        int sources = 500;
        int probes = 5;
        String cgroup = null;
        String out = null;
        String label = "relay";
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--host" -> host = v;
                case "--port" -> port = Integer.parseInt(v);
                case "--count" -> count = Integer.parseInt(v);
                case "--sources" -> sources = Integer.parseInt(v);
                case "--probes" -> probes = Integer.parseInt(v);
                case "--cgroup" -> cgroup = v;
                case "--out" -> out = v;
                case "--label" -> label = v;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        ProcessTree tree = new ProcessTree(cgroup == null ? null : Path.of(cgroup));
        long rssBefore = tree.rssKiB();
        List<SocketChannel> channels = new ArrayList<>(count);
        long start = System.nanoTime();
        int greeted = 0;
        ByteBuffer buf = ByteBuffer.allocate(512);
        try (Selector selector = Selector.open()) {
            InetSocketAddress target = new InetSocketAddress(host, port);
            int pending = 0;
            for (int i = 0; i < count; i++) {
                SocketChannel ch = SocketChannel.open();
                ch.bind(new InetSocketAddress(InetAddress.getByName("127.1." + (i % sources) / 250 + "." + (1 + (i % sources) % 250)), 0));
                ch.configureBlocking(false);
                channels.add(ch);
                if (ch.connect(target)) {
                    ch.register(selector, SelectionKey.OP_READ);
                } else {
                    ch.register(selector, SelectionKey.OP_CONNECT);
                }
                pending++;
                // Keep at most 200 handshakes in flight so the listen backlog never overflows.
                while (pending - greeted > 200 || (i == count - 1 && greeted < count)) {
                    int before = greeted;
                    greeted += poll(selector, buf, 200);
                    if (greeted == before && (System.nanoTime() - start) > 120e9) {
                        throw new IOException("only " + greeted + " of " + count + " greeted after 120 s");
                    }
                    if (i == count - 1 && greeted >= count) {
                        break;
                    }
                }
            }
            double openSecs = (System.nanoTime() - start) / 1e9;
            Thread.sleep(2000); // let the MTA settle (buffers released, GC) before measuring
            long rssIdle = tree.rssKiB();
            long pssIdle = tree.pssKiB();
            double[] greet = new double[probes];
            for (int p = 0; p < probes; p++) {
                long t0 = System.nanoTime();
                try (Smtp s = new Smtp(host, port, InetAddress.getByName("127.0.0.2"), 10_000)) {
                    int code = s.reply();
                    greet[p] = (System.nanoTime() - t0) / 1e6;
                    if (code != 220) {
                        throw new IOException("probe greeting " + code);
                    }
                    s.command("QUIT");
                }
            }
            Arrays.sort(greet);
            int stillOpen = 0;
            for (SocketChannel ch : channels) {
                if (ch.isOpen() && ch.isConnected()) {
                    stillOpen++;
                }
            }
            String load = Files.readString(Path.of("/proc/loadavg")).trim().split(" ")[0];
            String json = String.format(Locale.ROOT,
                    "{\"label\":\"%s\",\"idle\":%d,\"greeted\":%d,\"still_open\":%d,\"sources\":%d,\"open_secs\":%.1f,"
                            + "\"rss_before_mib\":%.1f,\"rss_idle_mib\":%.1f,\"pss_idle_mib\":%.1f,\"probe_greet_ms_median\":%.1f,"
                            + "\"probe_greet_ms_max\":%.1f,\"load\":\"%s\"}",
                    label, count, greeted, stillOpen, sources, openSecs, rssBefore / 1024.0, rssIdle / 1024.0, pssIdle / 1024.0,
                    greet[greet.length / 2], greet[greet.length - 1], load);
            System.out.println(json);
            if (out != null) {
                Files.writeString(Path.of(out), json + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        } finally {
            for (SocketChannel ch : channels) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
    }

    /** Finishes connects and reads greetings; returns how many greetings arrived. */
    private static int poll(Selector selector, ByteBuffer buf, long millis) throws IOException {
        int greetings = 0;
        selector.select(millis);
        for (SelectionKey key : selector.selectedKeys()) {
            SocketChannel ch = (SocketChannel) key.channel();
            if (key.isConnectable()) {
                if (ch.finishConnect()) {
                    key.interestOps(SelectionKey.OP_READ);
                }
            } else if (key.isReadable()) {
                buf.clear();
                int n = ch.read(buf);
                if (n > 0 && buf.get(0) == '2') {
                    greetings++;
                    key.interestOps(0); // greeted: now idle
                } else if (n < 0) {
                    key.cancel();
                    throw new IOException("connection closed before its greeting (limit reached?)");
                }
            }
        }
        selector.selectedKeys().clear();
        return greetings;
    }
}
