package dev.oauthrelay.bench;

import dev.oauthrelay.bench.load.IdleConnections;
import dev.oauthrelay.bench.load.LoadGenerator;
import dev.oauthrelay.bench.sink.BenchSink;
import dev.oauthrelay.server.standin.StandInTokenEndpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Entry point of relay-bench.jar, driven by {@code bench/run}:
 * <ul>
 *   <li>{@code sink --port P --dir D [--token-endpoint FILE]}: the benchmark sink (and, with
 *       {@code --token-endpoint}, the project's HTTPS token stand-in, whose settings it writes to
 *       FILE as HOCON for the relay's configuration); runs until killed</li>
 *   <li>{@code load ...}: the load generator ({@link LoadGenerator})</li>
 *   <li>{@code idle ...}: the idle-connection scale test ({@link IdleConnections})</li>
 *   <li>{@code jmh ...}: JMH with the given arguments</li>
 * </ul>
 */
public final class BenchMain {

    /** The client id and secret the bench relay uses at the token stand-in (benchmark values). */
    static final String CLIENT_ID = "00000000-0000-0000-0000-0000000be4c4";
    static final String CLIENT_SECRET = "bench-client-secret";

    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: relay-bench.jar sink|load|idle|jmh ...");
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "sink" -> sink(rest);
            case "load" -> LoadGenerator.main(rest);
            case "idle" -> IdleConnections.main(rest);
            case "jmh" -> org.openjdk.jmh.Main.main(rest);
            default -> {
                System.err.println("unknown command " + args[0]);
                System.exit(2);
            }
        }
    }

    private static void sink(String[] args) throws Exception {
        int port = 0;
        Path dir = Path.of("bench-sink");
        Path tokenFile = null;
        int threads = 2;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--dir" -> dir = Path.of(args[i + 1]);
                case "--token-endpoint" -> tokenFile = Path.of(args[i + 1]);
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Files.createDirectories(dir);
        BenchSink sink = BenchSink.start(port, dir, threads);
        StandInTokenEndpoint entra = null;
        if (tokenFile != null) {
            entra = StandInTokenEndpoint.start(dir.resolve("entra"));
            entra.registerClient(CLIENT_ID, CLIENT_SECRET);
            String hocon = """
                    relay.oauth {
                      tenant-id = "%s"
                      client-id = "%s"
                      client-secret = "%s"
                      authority = "%s"
                      trusted-certificates = "%s"
                    }
                    relay.upstream.trusted-certificates = "%s"
                    """.formatted(entra.tenantId(), CLIENT_ID, CLIENT_SECRET, entra.authority(),
                    entra.certificatePath().toAbsolutePath(), sink.certificate().toAbsolutePath());
            Path tmp = tokenFile.resolveSibling(tokenFile.getFileName() + ".tmp");
            Files.writeString(tmp, hocon);
            Files.move(tmp, tokenFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        System.out.println("sink listening on 127.0.0.1:" + sink.port());
        StandInTokenEndpoint stopEntra = entra;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Thread stop = new Thread(() -> {
                sink.close();
                if (stopEntra != null) {
                    stopEntra.close();
                }
            }, "sink-close");
            stop.setDaemon(true);
            stop.start();
            try {
                stop.join(3000); // a benchmark sink has nothing to save: never hang the harness's stop
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sink-stop"));
        Thread.currentThread().join();
    }
}
