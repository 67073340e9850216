package dev.oauthrelay.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import dev.oauthrelay.auth.PasswordHasher;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The relay as a real process, started through the launcher {@code <relay.root>/relay run --config
 * FILE} on loopback with a test configuration written into a temporary directory:
 * <ul>
 *   <li>listeners on 127.0.0.1, port 0: {@value #SUBMISSION} (STARTTLS), {@value #SMTPS}
 *       (implicit TLS), {@value #PLAIN} (no TLS);</li>
 *   <li>device account {@value #USER} / {@link #PASSWORD}, mailbox {@value #MAILBOX};</li>
 *   <li>trusted network {@value #TRUSTED_CLIENT}/32 with mailbox {@value #SCANNER_MAILBOX} (other
 *       senders rewritten); 127.0.0.3 is not trusted.</li>
 * </ul>
 * Bound ports are learnt from the log line {@code listening: <name> on /127.0.0.1:<port> tls=...}.
 * Standard output and error are drained on background threads into {@link #output()}, so the pipes
 * never fill up and the log can be shown when a test fails. Start through {@link RelayExtension},
 * which stops every process after each test (the durability harness, in another package, manages
 * its one process itself).
 */
public final class RelayProcess implements AutoCloseable {

    public static final String SUBMISSION = "submission";
    public static final String SMTPS = "smtps";
    public static final String PLAIN = "plain";
    public static final List<String> LISTENERS = List.of(SUBMISSION, SMTPS, PLAIN);

    public static final String HOSTNAME = "relay.e2e.test";
    public static final String USER = "printer-2nd-floor";
    public static final String PASSWORD = "Pr1nter-Secret";
    public static final String MAILBOX = "printer@contoso.com";
    public static final String OTHER_SENDER = "noreply@contoso.com";
    public static final String TRUSTED_CLIENT = "127.0.0.2";
    public static final String TRUSTED_CIDR = TRUSTED_CLIENT + "/32";
    public static final String UNTRUSTED_CLIENT = "127.0.0.3";
    public static final String SCANNER_MAILBOX = "scanner@contoso.com";

    /** Above the 100 MB of the memory test; the rest of the limits keep their defaults. */
    static final String MAX_MESSAGE_SIZE = "200MiB";

    private static final Pattern LISTENING =
            Pattern.compile("listening: (\\S+) on /127\\.0\\.0\\.1:(\\d+) tls=");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final Path dataDir;
    private final Path configFile;
    private final String javaOpts;
    private final StringBuffer output = new StringBuffer();
    private final Map<String, Integer> ports = new ConcurrentHashMap<>();
    private final List<Thread> drains = new CopyOnWriteArrayList<>();
    private volatile Process process;
    private int starts;

    private RelayProcess(Path dir, String javaOpts) {
        this.dir = dir;
        this.dataDir = dir.resolve("data");
        this.configFile = dir.resolve("relay.conf");
        this.javaOpts = javaOpts;
    }

    /** Writes the configuration into {@code dir} (data directory {@code dir/data}) without starting. */
    public static RelayProcess create(Path dir, String javaOpts) {
        return create(dir, javaOpts, "");
    }

    /**
     * As {@link #create(Path, String)}, with {@code extra} HOCON placed inside {@code relay { }} after
     * the test configuration (later keys win), e.g. {@code StandIns.hocon()} to deliver upstream to
     * the stand-ins running in the test JVM.
     */
    public static RelayProcess create(Path dir, String javaOpts, String extra) {
        RelayProcess relay = new RelayProcess(dir, javaOpts);
        String hash = PasswordHasher.hash(PASSWORD.toCharArray(), 4);
        String hocon = """
                relay {
                  hostname = "%s"
                  data-dir = "%s"
                  admin.port = 0
                  listeners = [
                    { name = %s, address = "127.0.0.1", port = 0, tls = starttls }
                    { name = %s, address = "127.0.0.1", port = 0, tls = implicit }
                    { name = %s, address = "127.0.0.1", port = 0, tls = none }
                  ]
                  accounts = [
                    {
                      username = "%s"
                      password-hash = "%s"
                      mailbox = "%s"
                      allowed-senders = ["%s", "%s"]
                    }
                  ]
                  trusted-networks = [
                    {
                      cidr = "%s"
                      mailbox = "%s"
                      sender-mismatch = rewrite
                    }
                  ]
                  limits {
                    max-message-size = %s
                  }
                  %s
                }
                """.formatted(HOSTNAME, hocon(relay.dataDir.toAbsolutePath().toString()), SUBMISSION, SMTPS, PLAIN,
                USER, hash, MAILBOX, MAILBOX, OTHER_SENDER, TRUSTED_CIDR, SCANNER_MAILBOX, MAX_MESSAGE_SIZE, extra);
        try {
            Files.writeString(relay.configFile, hocon);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return relay;
    }

    private static String hocon(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** The repository root, where the launcher lives (system property set by failsafe). */
    public static Path root() {
        String root = System.getProperty("relay.root");
        assertThat(root).as("system property relay.root (set by failsafe)").isNotNull();
        Path path = Path.of(root);
        // Maven run from inside relay-server sets the module directory instead of the repository root.
        if (!Files.isExecutable(path.resolve("relay")) && Files.isExecutable(path.resolve("../relay"))) {
            path = path.resolve("..").normalize();
        }
        return path;
    }

    public static Path launcher() {
        Path launcher = root().resolve("relay");
        assertThat(launcher).as("launcher").isExecutable();
        String jar = System.getProperty("relay.jar");
        // The launcher would otherwise build the jar itself, in the middle of the test run.
        assertThat(jar).as("system property relay.jar (set by failsafe)").isNotNull();
        assertThat(Path.of(jar)).as("relay jar built by the package phase").isRegularFile();
        return launcher;
    }

    /** Starts the relay (again, on the same data directory after stop or kill) and waits for its listeners. */
    public RelayProcess start() {
        return start(javaOpts);
    }

    /** As {@link #start()}, with these JVM options (RELAY_JAVA_OPTS) for this start only. */
    public RelayProcess start(String javaOptsForThisStart) {
        if (!tryStart(javaOptsForThisStart)) {
            joinDrains();
            fail("relay did not start (exit code " + process.exitValue() + "); output:\n" + output);
        }
        return this;
    }

    /**
     * Starts the relay with these JVM options for this start only and waits until its listeners
     * are up (true) or the process has ended first (false: e.g. a crash point reached while the
     * queue recovered at start-up, or a kill from another thread). Fails if neither happens in time.
     */
    public boolean tryStart(String javaOptsForThisStart) {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("relay is already running");
        }
        ports.clear();
        starts++;
        output.append("----- relay start #").append(starts).append(javaOptsForThisStart.isBlank() ? "" : " " + javaOptsForThisStart)
                .append(" -----\n");
        ProcessBuilder pb = new ProcessBuilder(launcher().toString(), "run", "--config", configFile.toString())
                .directory(dir.toFile());
        Map<String, String> env = pb.environment();
        // Nothing from the developer's environment may change the tested configuration.
        env.keySet().removeIf(k -> k.startsWith("CONFIG_FORCE_") || k.startsWith("RELAY_"));
        if (!javaOptsForThisStart.isBlank()) {
            env.put("RELAY_JAVA_OPTS", javaOptsForThisStart);
        }
        Process started;
        try {
            started = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        process = started;
        try {
            started.getOutputStream().close(); // "run" reads nothing from stdin
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        drains.clear();
        drains.add(drain(started.getInputStream(), "out", starts));
        drains.add(drain(started.getErrorStream(), "err", starts));
        await("listeners of the relay").atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(20))
                .until(() -> ports.keySet().containsAll(LISTENERS) || !started.isAlive());
        return ports.keySet().containsAll(LISTENERS) && started.isAlive();
    }

    /** Stops the relay if it is running (SIGTERM), then starts it again on the same data directory. */
    public RelayProcess restart() {
        if (isAlive()) {
            stop();
        }
        return start();
    }

    private Thread drain(InputStream in, String stream, int start) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    output.append('[').append(stream).append("] ").append(line).append('\n');
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        ports.put(m.group(1), Integer.parseInt(m.group(2)));
                    }
                }
            } catch (IOException e) {
                output.append("[").append(stream).append("] (read failed: ").append(e).append(")\n");
            }
        }, "relay-" + start + "-" + stream);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * The port of a listener, from its log line. {@link #start()} waits for the standard three;
     * one added by extra configuration may be logged a moment later, so it is waited for here.
     */
    public int port(String listener) {
        Integer port = ports.get(listener);
        if (port == null && isAlive()) {
            try {
                await("listener " + listener).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                        .until(() -> ports.containsKey(listener) || !isAlive());
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                // reported below, with the relay's output
            }
            port = ports.get(listener);
        }
        if (port == null) {
            throw new IllegalStateException("no port known for listener " + listener + "; output:\n" + output);
        }
        return port;
    }

    /** The JVM's pid: the launcher replaces itself with {@code java} (exec). */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path configFile() {
        return configFile;
    }

    /** Everything the relay printed so far (all starts), stdout and stderr lines tagged. */
    public String output() {
        return output.toString();
    }

    /** How many characters {@link #output()} has now: a mark for {@link #outputSince}. */
    public int outputLength() {
        return output.length();
    }

    /** What the relay printed after {@code mark} (from {@link #outputLength()}). */
    public String outputSince(int mark) {
        return output.substring(mark);
    }

    /** SIGTERM, wait for the shutdown hook to finish, then SIGKILL if it did not. Returns the exit code. */
    public int stop() {
        if (process == null) {
            return -1;
        }
        if (process.isAlive()) {
            // Through the ProcessHandle: Process.destroy() would also close our end of the output
            // pipes at once, losing what the relay logs while it shuts down.
            process.toHandle().destroy();
            try {
                if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    output.append("----- relay did not stop within ").append(STOP_TIMEOUT)
                            .append(" of SIGTERM: killed -----\n");
                    process.toHandle().destroyForcibly();
                    process.waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.toHandle().destroyForcibly();
            }
        }
        joinDrains();
        return process.exitValue();
    }

    /**
     * SIGKILL (destroyForcibly on Linux; via the ProcessHandle so the output already written is
     * still read): no shutdown hook, no chance to flush or finish anything.
     */
    public void kill() {
        if (process == null) {
            return;
        }
        boolean alive = process.isAlive();
        process.toHandle().destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        output.append(alive ? "----- relay killed (SIGKILL) -----\n" : "----- relay had already exited -----\n");
        joinDrains();
    }

    /**
     * SIGTERM only, without waiting: the shutdown hook runs while the test watches its clients.
     * Follow with {@link #awaitExit}.
     */
    public void terminate() {
        if (process != null && process.isAlive()) {
            output.append("----- relay sent SIGTERM -----\n");
            process.toHandle().destroy(); // see stop(): the ProcessHandle keeps our pipes open
        }
    }

    /** Waits up to {@code timeout} for the process to end; its exit code, or empty if it is still running. */
    public java.util.OptionalInt awaitExit(Duration timeout) {
        Process p = process;
        if (p == null) {
            return java.util.OptionalInt.empty();
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return java.util.OptionalInt.empty();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.OptionalInt.empty();
        }
        joinDrains();
        return java.util.OptionalInt.of(p.exitValue());
    }

    private void joinDrains() {
        for (Thread t : drains) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        stop();
    }
}
