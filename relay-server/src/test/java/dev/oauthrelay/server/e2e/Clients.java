package dev.oauthrelay.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real SMTP clients (swaks, curl, msmtp, Python's smtplib) and the launcher's other commands, run as
 * processes with a timeout. Output goes to files, so a chatty client never blocks on a full pipe.
 */
public final class Clients {

    public static final Duration TIMEOUT = Duration.ofSeconds(120);

    private static final Pattern QUEUED = Pattern.compile("queued as ([0-9A-Z]{16})\\b");

    private Clients() {
    }

    /** What a client printed, and how it ended. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {

        /** Every queue id from a {@code 250 ... queued as <ID>} reply in the output, in order. */
        public List<String> queueIds() {
            return queueIdsIn(stdout + "\n" + stderr);
        }

        /** The single queue id in the output; fails unless there is exactly one. */
        public String queueId() {
            List<String> ids = queueIds();
            assertThat(ids).as("queue ids in the client output%n%s", this).hasSize(1);
            return ids.get(0);
        }

        public String output() {
            return stdout + stderr;
        }

        @Override
        public String toString() {
            return "$ " + String.join(" ", command) + "\n(exit code " + exitCode + ")\n--- stdout ---\n" + stdout
                    + "--- stderr ---\n" + stderr;
        }
    }

    static List<String> queueIdsIn(String text) {
        List<String> ids = new ArrayList<>();
        Matcher m = QUEUED.matcher(text);
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    public static Result swaks(String... args) {
        List<String> cmd = new ArrayList<>(List.of("swaks", "--timeout", "60"));
        cmd.addAll(List.of(args));
        return run(cmd, null);
    }

    /** curl with {@code -v}: the SMTP replies, and so the queue id, appear only in its verbose output. */
    public static Result curl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-v", "--max-time", "60"));
        cmd.addAll(List.of(args));
        return run(cmd, null);
    }

    /**
     * msmtp (Debian package msmtp) sending {@code message} from standard input, configured only by
     * {@code args} ({@code -C /dev/null}: no configuration file). With {@code --debug} it prints the
     * whole dialogue, so the queue id is in its output. Left to itself it adds a Date and a
     * Message-ID to a message without them (set_date_header, set_msgid_header).
     */
    public static Result msmtp(byte[] message, String... args) {
        List<String> cmd = new ArrayList<>(List.of("msmtp", "-C", "/dev/null", "--debug", "--timeout=60"));
        cmd.addAll(List.of(args));
        return run(cmd, message);
    }

    /** Runs a script from {@code src/test/resources/e2e/} with python3 (unbuffered). */
    public static Result python(String script, String... args) {
        return run(pythonCommand(script, args), null);
    }

    static List<String> pythonCommand(String script, String... args) {
        List<String> cmd = new ArrayList<>(List.of("python3", "-u", resource("/e2e/" + script).toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** A device fixture from {@code src/test/resources/devices/}. */
    public static Path fixture(String name) {
        return resource("/devices/" + name);
    }

    public static byte[] fixtureBytes(String name) {
        try {
            return Files.readAllBytes(fixture(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Path of a test resource on disk (test-classes is a directory, not a jar). */
    static Path resource(String name) {
        URL url = Clients.class.getResource(name);
        assertThat(url).as("test resource %s", name).isNotNull();
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs a command to completion (killed after {@link #TIMEOUT}); {@code stdin} may be null. */
    public static Result run(List<String> cmd, byte[] stdin) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("e2e-client", ".out");
            err = Files.createTempFile("e2e-client", ".err");
            ProcessBuilder pb = processBuilder(cmd, stdin == null).redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            if (stdin != null) {
                try (var in = p.getOutputStream()) {
                    in.write(stdin);
                }
            }
            boolean finished = p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                p.destroyForcibly().waitFor();
            }
            Result result = new Result(cmd, finished ? p.exitValue() : -1,
                    Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            assertThat(finished).as("client finished within %s%n%s", TIMEOUT, result).isTrue();
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static ProcessBuilder processBuilder(List<String> cmd, boolean noInput) {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        // The launcher's commands must see the tested configuration, not the developer's environment.
        pb.environment().keySet().removeIf(k -> k.startsWith("CONFIG_FORCE_") || k.startsWith("RELAY_"));
        if (noInput) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        return pb;
    }

    /**
     * Starts a client and hands every line of its standard output to {@code onLine} as it arrives,
     * on a background thread (for reacting to one reply at once, e.g. killing the relay).
     */
    static Streaming stream(List<String> cmd, Consumer<String> onLine) {
        try {
            Process p = processBuilder(cmd, true).start();
            Streaming s = new Streaming(cmd, p);
            s.readers.add(reader(p.getInputStream(), s.stdout, onLine));
            s.readers.add(reader(p.getErrorStream(), s.stderr, line -> { }));
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Thread reader(InputStream in, StringBuffer into, Consumer<String> onLine) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    into.append(line).append('\n');
                    try {
                        onLine.accept(line);
                    } catch (RuntimeException e) {
                        // keep draining, or the client would block on a full pipe
                        into.append("(line handler failed: ").append(e).append(")\n");
                    }
                }
            } catch (IOException e) {
                into.append("(read failed: ").append(e).append(")\n");
            }
        }, "client-output");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** A client started by {@link #stream}. */
    static final class Streaming implements AutoCloseable {
        private final List<String> command;
        private final Process process;
        private final StringBuffer stdout = new StringBuffer();
        private final StringBuffer stderr = new StringBuffer();
        private final List<Thread> readers = new ArrayList<>();

        private Streaming(List<String> command, Process process) {
            this.command = command;
            this.process = process;
        }

        /** Waits for the client to end (killed after {@link #TIMEOUT}). */
        Result await() {
            try {
                boolean finished = process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (!finished) {
                    process.destroyForcibly().waitFor();
                }
                for (Thread t : readers) {
                    t.join(TimeUnit.SECONDS.toMillis(5));
                }
                Result result = new Result(command, finished ? process.exitValue() : -1, stdout.toString(),
                        stderr.toString());
                assertThat(finished).as("client finished within %s%n%s", TIMEOUT, result).isTrue();
                return result;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a leftover temp file is harmless
        }
    }
}
