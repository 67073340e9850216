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
     * waits for its last line, sends {@code QUIT} and waits for the server to close. One command
     * at a time, as RFC 2920 asks of EHLO and QUIT.
     */
    public static Result sClient(int port, boolean starttls, String versionFlag, String ciphers) {
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                versionFlag, "-cipher", ciphers + ":@SECLEVEL=0", "-brief", "-crlf", "-ign_eof", "-nocommands"));
        if (starttls) {
            cmd.addAll(List.of("-starttls", "smtp", "-name", "openssl.test"));
        }
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            StringBuffer output = new StringBuffer();
            Thread reader = new Thread(() -> {
                try (var in = p.getInputStream()) {
                    byte[] buf = new byte[4096];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        output.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            }, "s_client-output");
            reader.start();
            try (var stdin = p.getOutputStream()) {
                // After STARTTLS the server sends nothing until the client speaks (RFC 3207
                // section 4.2); with implicit TLS the client waits for the greeting.
                String ready = starttls ? "Protocol version: " : "\n220 ";
                if (awaitText(p, output, ready, 0)) {
                    // s_client may still print a line left from the exchange before TLS ("250
                    // STARTTLS"); the EHLO reply is the multi-line one that follows.
                    int sent = output.length();
                    stdin.write("EHLO x\n".getBytes(StandardCharsets.US_ASCII));
                    stdin.flush();
                    if (awaitText(p, output, "250-", sent)
                            && awaitText(p, output, "\n250 ", output.indexOf("250-", sent))) {
                        stdin.write("QUIT\n".getBytes(StandardCharsets.US_ASCII));
                        stdin.flush();
                    }
                }
            } catch (IOException closed) {
                // s_client ended early (failed handshake): its output says why
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("openssl s_client did not finish: " + output);
            }
            reader.join(10_000);
            String text = output.toString();
            return new Result(p.exitValue(), text, group(PROTOCOL, text), group(CIPHER, text));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run openssl (Debian package openssl)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Waits until {@code text} appears after {@code from} in the output; false if the process ended first. */
    private static boolean awaitText(Process p, StringBuffer output, String text, int from) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (output.indexOf(text, Math.max(from, 0)) < 0) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                return output.indexOf(text, Math.max(from, 0)) >= 0;
            }
            Thread.sleep(10);
        }
        return true;
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
