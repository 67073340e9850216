package dev.oauthrelay.server.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's {@code openssl s_client}, run as a process: the only client at hand that still speaks
 * TLS 1.0 and 1.1 (the JDK disables them JVM-wide). {@code @SECLEVEL=0} lets OpenSSL 3 offer them.
 */
public final class OpenSslCli {

    private static final Pattern PROTOCOL = Pattern.compile("Protocol version: (\\S+)");
    private static final Pattern CIPHER = Pattern.compile("Ciphersuite: (\\S+)");

    private OpenSslCli() {
    }

    /** What s_client printed. {@code protocol} is null if no handshake completed. */
    public record Result(int exitCode, String output, String protocol, String cipher) {
        @Override
        public String toString() {
            return "openssl s_client (exit " + exitCode + ")\n" + output;
        }
    }

    /**
     * Connects to 127.0.0.1:{@code port}, with {@code -starttls smtp} if {@code starttls}, using
     * the version flag ({@code -tls1}, {@code -tls1_1}, ...) and cipher list, and behaves like a
     * polite SMTP client once TLS is up: waits for the greeting (implicit TLS), sends {@code EHLO x},
     * waits for its reply, sends {@code QUIT} and waits for the server to close. One command at a
     * time, as RFC 2920 asks of EHLO and QUIT.
     */
    public static Result sClient(int port, boolean starttls, String versionFlag, String ciphers) {
        try (Session s = Session.open(port, starttls, versionFlag, ciphers)) {
            if (s.awaitReady() && s.command("EHLO x").startsWith("250")) {
                s.command("QUIT");
            }
            return s.finish();
        }
    }

    /**
     * An SMTP session through {@code openssl s_client}: the test writes exact bytes (no
     * {@code -crlf} translation, so message data goes through unchanged) and reads whole replies,
     * waiting for each like a real client. Closing it kills s_client if it is still running.
     */
    public static final class Session implements AutoCloseable {

        private static final Pattern REPLY_LINE = Pattern.compile("^(\\d{3})([ -])(.*)$");
        private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

        private final Process process;
        private final boolean starttls;
        private final StringBuffer output = new StringBuffer();
        private final Thread reader;
        private final java.io.OutputStream stdin;
        private int consumed;

        private Session(Process process, boolean starttls) {
            this.process = process;
            this.starttls = starttls;
            this.stdin = process.getOutputStream();
            this.reader = new Thread(() -> {
                try (var in = process.getInputStream()) {
                    byte[] buf = new byte[4096];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        output.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            }, "s_client-output");
            reader.start();
        }

        /** Starts s_client (see {@link OpenSslCli#sClient} for the arguments). */
        public static Session open(int port, boolean starttls, String versionFlag, String ciphers) {
            List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                    versionFlag, "-cipher", ciphers + ":@SECLEVEL=0", "-brief", "-ign_eof", "-nocommands"));
            if (starttls) {
                cmd.addAll(List.of("-starttls", "smtp", "-name", "openssl.test"));
            }
            try {
                return new Session(new ProcessBuilder(cmd).redirectErrorStream(true).start(), starttls);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot run openssl (Debian package openssl)", e);
            }
        }

        /**
         * Waits until TLS is up and the client may speak: after STARTTLS the server sends nothing
         * until the client does (RFC 3207 section 4.2); with implicit TLS, until the greeting.
         * False if s_client ended first (a failed handshake).
         */
        public boolean awaitReady() {
            if (starttls) {
                int at = awaitText("Protocol version: ", 0);
                if (at >= 0) {
                    consumed = at;
                }
                return at >= 0;
            }
            return reply() != null;
        }

        /** Sends {@code line} and CRLF, and returns the reply (lines joined with "\n"), or "" if none came. */
        public String command(String line) {
            send((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            String reply = reply();
            return reply == null ? "" : reply;
        }

        public void send(byte[] bytes) {
            try {
                stdin.write(bytes);
                stdin.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("s_client is gone:\n" + output, e);
            }
        }

        /**
         * The next complete reply after what was read so far, or null if s_client ended or 30
         * seconds passed first. Lines that are no SMTP reply (s_client's own) are skipped, and so
         * is the last line of the EHLO reply before STARTTLS, which s_client prints once TLS is up.
         */
        public String reply() {
            long deadline = System.nanoTime() + WAIT_NANOS;
            while (true) {
                String text = output.substring(consumed);
                List<String> lines = new ArrayList<>();
                int p = 0;
                for (int nl; (nl = text.indexOf('\n', p)) >= 0; p = nl + 1) {
                    String l = text.substring(p, nl).replace("\r", "");
                    Matcher m = REPLY_LINE.matcher(l);
                    if (!m.matches() || lines.isEmpty() && l.equals("250 STARTTLS")) {
                        continue;
                    }
                    lines.add(l);
                    if (m.group(2).equals(" ")) {
                        consumed += nl + 1;
                        return String.join("\n", lines);
                    }
                }
                if (!process.isAlive() && output.length() == consumed + text.length() || System.nanoTime() > deadline) {
                    return null;
                }
                pause();
            }
        }

        /** Closes s_client's input and waits for it to end (after QUIT the server closes). */
        public Result finish() {
            try {
                stdin.close();
            } catch (IOException ignored) {
                // already gone
            }
            try {
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError("openssl s_client did not finish: " + output);
                }
                reader.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            String text = output.toString();
            return new Result(process.exitValue(), text, group(PROTOCOL, text), group(CIPHER, text));
        }

        /** The position of {@code text} in the output after {@code from}, once it is there; -1 if s_client ended first. */
        private int awaitText(String text, int from) {
            long deadline = System.nanoTime() + WAIT_NANOS;
            while (output.indexOf(text, from) < 0) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    return output.indexOf(text, from);
                }
                pause();
            }
            return output.indexOf(text, from);
        }

        private static void pause() {
            try {
                Thread.sleep(10); // polling the output of another process: there is nothing to wait on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }

    /** Just the handshake, with a server that speaks no SMTP: s_client leaves once it is done. */
    public static Result handshake(int port, String versionFlag, String ciphers) {
        return run(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port, versionFlag,
                "-cipher", ciphers + ":@SECLEVEL=0", "-brief", "-no_ign_eof", "-nocommands"), "");
    }

    private static Result run(List<String> cmd, String stdin) {
        try {
            Path out = Files.createTempFile("s_client", ".out");
            Path in = Files.createTempFile("s_client", ".in");
            try {
                Files.writeString(in, stdin, StandardCharsets.US_ASCII);
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectInput(in.toFile()).redirectOutput(out.toFile()).start();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("openssl s_client did not finish: " + Files.readString(out));
                }
                String output = Files.readString(out, StandardCharsets.ISO_8859_1);
                return new Result(p.exitValue(), output, group(PROTOCOL, output), group(CIPHER, output));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run openssl (Debian package openssl)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A running {@code openssl s_server}; closing it kills the process. */
    public record Server(Process process, int port, Path log) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            process.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }

    /**
     * Starts {@code openssl s_server} on 127.0.0.1 with a certificate, allowing only the given
     * version ({@code -tls1_1}, {@code -tls1_2}, ...), and waits until it accepts connections.
     */
    public static Server sServer(Path certificate, Path privateKey, String versionFlag) throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path log = Files.createTempFile("s_server", ".out");
        Process p = new ProcessBuilder("openssl", "s_server", "-accept", "127.0.0.1:" + port,
                "-cert", certificate.toString(), "-key", privateKey.toString(), versionFlag,
                "-cipher", "DEFAULT:@SECLEVEL=0", "-ign_eof")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Server server = new Server(p, port, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.readString(log, StandardCharsets.ISO_8859_1).contains("ACCEPT")) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                String out = Files.readString(log, StandardCharsets.ISO_8859_1);
                server.close();
                throw new AssertionError("openssl s_server did not start: " + out);
            }
            Thread.sleep(20);
        }
        return server;
    }

    private static String group(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1) : null;
    }
}
