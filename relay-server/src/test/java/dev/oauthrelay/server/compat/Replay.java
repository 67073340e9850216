package dev.oauthrelay.server.compat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * A device's dialogue with the relay as a script ({@code src/test/resources/compat/*.replay}), one
 * step a line, replayed over a real socket by {@link ReplayRunner}. The client side is written as
 * the bytes the device puts on the wire; the server side as what its replies must start with.
 * <pre>
 *   # comment
 *   &#64; listener plain            the relay listener to connect to (see ReplayRunner); required
 *   &#64; client 127.0.0.2          the loopback address to connect from (127.0.0.2 is a trusted host)
 *   &#64; line-end lf               "D:" lines end with a bare LF (default crlf)
 *   &#64; greeting-delay 500ms      relay.limits.greeting-delay for this replay (default: the relay's default)
 *   S: 220 relay.test           read the next whole reply; its first line must start with this text
 *   S~ AUTH PLAIN LOGIN         some line of the last reply read contains this text (reads nothing)
 *   S: &lt;closed&gt;               the relay closes the connection (and sends nothing more)
 *   C: EHLO printer             send this line and CRLF, without waiting for anything
 *   C~ text\r\n                 send these bytes, nothing added; escapes \r \n \t \\ \xHH
 *   D: text                     one message line: dot-stuffed, with the replay's line end
 *   D&lt; mfp-scan-to-email.eml   a device fixture (src/test/resources/devices/) as message lines,
 *                               dot-stuffed, with the fixture's own line ends
 *   D* base64 2MiB              that many pseudo-random bytes (seeded by the replay's name) as
 *                               base64 lines of 76 characters, CRLF ends: a scanned attachment
 *   ! starttls                  the TLS handshake (after the relay's 220 to STARTTLS)
 *   ! close                     the device closes the connection (without QUIT)
 *   = delivered 1               exactly this many messages of this replay reach the Exchange
 *                               stand-in, each once and as the device sent it (see ExpectedMessage)
 *   = mail-from a@b             the envelope sender upstream of the last delivered message
 *   = rcpt a@b c@d              its recipients upstream
 *   = mailbox a@b               the mailbox it was submitted as (XOAUTH2 user)
 * </pre>
 * The data bytes of a message are whatever the script sends between a {@code 354} and the next
 * reply read, usually ended by {@code C: .}; they need not come from {@code D} lines.
 */
record Replay(String name, String listener, String client, String greetingDelay, List<Step> steps) {

    /** One line of a script, with its line number for failure messages. */
    sealed interface Step {
        int line();

        record Send(int line, byte[] bytes, String shown) implements Step { }
        record ExpectReply(int line, String prefix) implements Step { }
        record ExpectLine(int line, String text) implements Step { }
        record ExpectClosed(int line) implements Step { }
        record StartTls(int line) implements Step { }
        record Close(int line) implements Step { }
        record Delivered(int line, int count) implements Step { }
        record MailFrom(int line, String address) implements Step { }
        record Recipients(int line, List<String> addresses) implements Step { }
        record Mailbox(int line, String mailbox) implements Step { }
    }

    static Replay parse(String name, List<String> lines) {
        String listener = null;
        String client = "127.0.0.1";
        String greetingDelay = null;
        boolean bareLf = false;
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int n = i + 1;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String kind = line.length() < 2 ? line : line.substring(0, 2);
            // "@ x", "! x", "= x"; "C: x", "S~ x", ...: one space after the two characters, not part of x.
            String rest = line.length() > 2 ? line.substring(2) : "";
            String arg = kind.endsWith(" ") || !rest.startsWith(" ") ? rest : rest.substring(1);
            switch (kind) {
                case "@ " -> {
                    String[] kv = arg.split("\\s+", 2);
                    switch (kv[0]) {
                        case "listener" -> listener = kv[1];
                        case "client" -> client = kv[1];
                        case "greeting-delay" -> greetingDelay = kv[1];
                        case "line-end" -> bareLf = switch (kv[1]) {
                            case "lf" -> true;
                            case "crlf" -> false;
                            default -> throw new IllegalArgumentException(name + " line " + n + ": line-end crlf or lf");
                        };
                        default -> throw new IllegalArgumentException(name + " line " + n + ": unknown setting " + kv[0]);
                    }
                }
                case "S:" -> steps.add(arg.equals("<closed>") ? new Step.ExpectClosed(n) : new Step.ExpectReply(n, arg));
                case "S~" -> steps.add(new Step.ExpectLine(n, arg));
                case "C:" -> steps.add(new Step.Send(n, utf8(arg + "\r\n"), "C: " + arg));
                case "C~" -> steps.add(new Step.Send(n, unescape(arg), "C~ " + arg));
                case "D:" -> steps.add(new Step.Send(n, stuffed(utf8(arg + (bareLf ? "\n" : "\r\n"))), "D: " + arg));
                case "D<" -> steps.add(new Step.Send(n, stuffed(fixture(arg.trim())), "D< " + arg));
                case "D*" -> steps.add(new Step.Send(n, base64Lines(name, arg.trim()), "D* " + arg));
                case "! " -> steps.add(switch (arg.trim()) {
                    case "starttls" -> new Step.StartTls(n);
                    case "close" -> new Step.Close(n);
                    default -> throw new IllegalArgumentException(name + " line " + n + ": unknown action " + arg);
                });
                case "= " -> steps.add(expectation(name, n, arg));
                default -> throw new IllegalArgumentException(name + " line " + n + ": unknown step: " + line);
            }
        }
        if (listener == null) {
            throw new IllegalArgumentException(name + ": no \"@ listener\"");
        }
        return new Replay(name, listener, client, greetingDelay, steps);
    }

    private static Step expectation(String name, int n, String arg) {
        String[] kv = arg.trim().split("\\s+", 2);
        String value = kv.length > 1 ? kv[1] : "";
        return switch (kv[0]) {
            case "delivered" -> new Step.Delivered(n, Integer.parseInt(value));
            case "mail-from" -> new Step.MailFrom(n, value);
            case "rcpt" -> new Step.Recipients(n, Arrays.asList(value.split("\\s+")));
            case "mailbox" -> new Step.Mailbox(n, value);
            default -> throw new IllegalArgumentException(name + " line " + n + ": unknown expectation " + kv[0]);
        };
    }

    /** RFC 5321 section 4.5.2: a line that starts with "." gets another one (line ends: any LF). */
    static byte[] stuffed(byte[] text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length + 16);
        boolean lineStart = true;
        for (byte b : text) {
            if (lineStart && b == '.') {
                out.write('.');
            }
            out.write(b);
            lineStart = b == '\n';
        }
        return out.toByteArray();
    }

    private static byte[] fixture(String name) {
        try (InputStream in = Replay.class.getResourceAsStream("/devices/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no device fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code base64 SIZE}: SIZE bytes (a number, or with KiB / MiB) as base64 lines. */
    private static byte[] base64Lines(String name, String arg) {
        String[] parts = arg.split("\\s+");
        if (parts.length != 2 || !parts[0].equals("base64")) {
            throw new IllegalArgumentException(name + ": D* base64 SIZE, not " + arg);
        }
        String size = parts[1];
        long factor = size.endsWith("MiB") ? 1 << 20 : size.endsWith("KiB") ? 1 << 10 : 1;
        int bytes = Math.toIntExact(Long.parseLong(size.replaceAll("[KM]iB$", "")) * factor);
        byte[] raw = new byte[bytes];
        new Random(name.hashCode()).nextBytes(raw);
        return Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(raw).concat("\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Script escapes: \r \n \t \\ and \xHH; everything else is UTF-8 text. */
    static byte[] unescape(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringBuilder plain = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\') {
                plain.append(c);
                continue;
            }
            out.writeBytes(utf8(plain.toString()));
            plain.setLength(0);
            char e = text.charAt(++i);
            if (e == 'x') {
                out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                i += 2;
                continue;
            }
            out.write(switch (e) {
                case 'r' -> '\r';
                case 'n' -> '\n';
                case 't' -> '\t';
                case '\\' -> '\\';
                default -> throw new IllegalArgumentException("unknown escape \\" + e + " in " + text);
            });
        }
        out.writeBytes(utf8(plain.toString()));
        return out.toByteArray();
    }
}
