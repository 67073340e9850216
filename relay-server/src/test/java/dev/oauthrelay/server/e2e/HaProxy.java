package dev.oauthrelay.server.e2e;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real HAProxy (Debian package {@code haproxy}) in TCP mode on 127.0.0.1, as a load balancer in
 * front of the relay: one frontend per route, each forwarding to a relay port with {@code
 * send-proxy} (PROXY v1) or {@code send-proxy-v2}. HAProxy connects to the relay from 127.0.0.1.
 */
final class HaProxy implements AutoCloseable {

    /**
     * A frontend: the relay ports it balances over (round robin) and what HAProxy sends to them. A
     * connection to a stopped relay is re-dispatched to another one ({@code option redispatch}).
     */
    record Route(List<Integer> relayPorts, String sendProxy) {
        Route(int relayPort, String sendProxy) {
            this(List.of(relayPort), sendProxy);
        }
    }

    private final Process process;
    private final Map<String, Integer> ports;
    private final Path log;

    private HaProxy(Process process, Map<String, Integer> ports, Path log) {
        this.process = process;
        this.ports = ports;
        this.log = log;
    }

    static HaProxy start(Path dir, Map<String, Route> routes) throws Exception {
        Map<String, Integer> ports = new LinkedHashMap<>();
        StringBuilder cfg = new StringBuilder("""
                global
                  maxconn 100
                defaults
                  mode tcp
                  timeout connect 5s
                  timeout client 60s
                  timeout server 60s
                  retries 3
                  option redispatch
                """);
        for (var route : routes.entrySet()) {
            int port = freePort();
            ports.put(route.getKey(), port);
            cfg.append("frontend fe-").append(route.getKey()).append('\n')
                    .append("  bind 127.0.0.1:").append(port).append('\n')
                    .append("  default_backend be-").append(route.getKey()).append('\n')
                    .append("backend be-").append(route.getKey()).append('\n')
                    .append("  balance roundrobin\n");
            List<Integer> relayPorts = route.getValue().relayPorts();
            for (int i = 0; i < relayPorts.size(); i++) {
                cfg.append("  server relay").append(i).append(" 127.0.0.1:").append(relayPorts.get(i)).append(' ')
                        .append(route.getValue().sendProxy()).append('\n');
            }
        }
        Path file = dir.resolve("haproxy.cfg");
        Files.writeString(file, cfg, StandardCharsets.US_ASCII);
        Path log = dir.resolve("haproxy.log");
        Process p = new ProcessBuilder("haproxy", "-db", "-f", file.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        HaProxy haProxy = new HaProxy(p, ports, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (int port : ports.values()) {
            while (!accepts(port)) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    haProxy.close();
                    fail("haproxy did not start:\n" + Files.readString(log));
                }
                Thread.sleep(20);
            }
        }
        return haProxy;
    }

    /** The frontend port of a route. */
    int port(String route) {
        return ports.get(route);
    }

    String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
