package dev.oauthrelay.server.status;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's {@code chromium}, headless, for tests of what a browser makes of the admin pages. Each
 * run gets a fresh profile directory (removed afterwards), no network besides the URL (no
 * component updates, sync or QUIC), and is killed with all its child processes if it overruns.
 * A test that needs it fails, never skips, when it is missing: CI installs it ({@code .ci/run}).
 */
public final class HeadlessChromium {

    private static final long TIMEOUT_SECONDS = 60;

    private final Path executable;

    private HeadlessChromium(Path executable) {
        this.executable = executable;
    }

    /** The {@code chromium} on the PATH; an {@link AssertionError} naming the package if there is none. */
    public static HeadlessChromium find() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "chromium");
            if (Files.isExecutable(candidate)) {
                return new HeadlessChromium(candidate);
            }
        }
        throw new AssertionError("chromium is not installed (Debian: apt-get install chromium); the status page"
                + " tests need it");
    }

    /** The DOM after the page has loaded and rendered, serialised as HTML ({@code --dump-dom}). */
    public String dumpDom(String url) throws IOException, InterruptedException {
        return new String(run(List.of("--dump-dom", url)), StandardCharsets.UTF_8);
    }

    /** A PNG screenshot of the page in a window of {@code width} x {@code height} pixels. */
    public byte[] screenshot(String url, int width, int height, Path dir) throws IOException, InterruptedException {
        Path png = dir.resolve("screenshot-" + System.nanoTime() + ".png");
        run(List.of("--screenshot=" + png, "--window-size=" + width + "," + height, "--hide-scrollbars", url));
        try {
            return Files.readAllBytes(png);
        } finally {
            Files.deleteIfExists(png);
        }
    }

    private byte[] run(List<String> arguments) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("chromium-profile-");
        Path stdout = Files.createTempFile("chromium-stdout-", ".txt");
        Path stderr = Files.createTempFile("chromium-stderr-", ".txt");
        List<String> command = new ArrayList<>(List.of(executable.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile));
        command.addAll(arguments);
        // Output to files, not pipes: waiting is then bounded by the timeout alone.
        Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("chromium did not finish within " + TIMEOUT_SECONDS + " s: " + command);
            }
            if (process.exitValue() != 0) {
                throw new AssertionError("chromium exited with " + process.exitValue() + ": " + command + "\n"
                        + Files.readString(stderr, StandardCharsets.UTF_8));
            }
            return Files.readAllBytes(stdout);
        } finally {
            stop(process);
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
            deleteTree(profile);
        }
    }

    /** Ends chromium and every process it started (renderer, GPU, zygote), if any are left. */
    private static void stop(Process process) throws InterruptedException {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(5, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                p.destroyForcibly();
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
