package dev.oauthrelay.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.auth.AuthThrottle;
import dev.oauthrelay.auth.PasswordHasher;
import dev.oauthrelay.policy.Cidr;
import dev.oauthrelay.policy.DeviceAccount;
import dev.oauthrelay.policy.HeaderRepairOptions;
import dev.oauthrelay.policy.Identity;
import dev.oauthrelay.policy.SenderMismatch;
import dev.oauthrelay.policy.SubmissionPolicy;
import dev.oauthrelay.policy.TrustedNetwork;
import dev.oauthrelay.session.data.DataDecoder;
import dev.oauthrelay.smtp.SmtpReply;
import dev.oauthrelay.spool.Spool;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Replays a dialogue script against an in-memory session, in the spirit of chasquid's
 * {@code .cmy} files. Script lines:
 * <pre>
 *   # comment
 *   @ client 10.1.2.3          settings before the first exchange: client, tls (none|starttls|implicit),
 *   @ plaintext-auth true      max-recipients, max-errors, max-size, min-free-space,
 *                              data-line-endings (strict|normalize: the listener's setting)
 *                              auth-failures-per-session
 *   &gt; EHLO printer             a client command line
 *   &lt; 250 2.1.0               the reply to the previous line must start with this text (code, status, text)
 *   &lt;~ AUTH PLAIN LOGIN       some line of the (multi-line) reply must contain this text
 *   &lt;! close                  the reply closes the connection
 *   ! tls TLSv1.3              the transport finished a TLS handshake
 *   d line                     one data line (CRLF is added); "d ." ends the data
 *   r bytes                    raw data bytes, nothing added, fed at once; escapes \r \n \t \\ \xHH;
 *                              the session's answer (end of data, or a refusal) is checked as usual
 *   = queued 1                 the spool holds this many committed messages
 *   = tmp-empty                no temporary spool file is left behind
 *   = body bytes               the last queued message after the relay's Received header (escapes as for r);
 *                              {message-id} stands for a Message-ID the relay made for that message
 *   = mail-from addr           the envelope sender of the last queued message ("" for the null sender)
 *   ! break-queue              the spool's queue directory becomes unusable (commits fail)
 *   ! idle-timeout             the transport's timers fired: no input for the idle timeout, a command
 *   ! command-timeout          line not finished within its deadline, message data below the minimum
 *   ! data-too-slow            rate; the session's reply is checked as usual
 * </pre>
 */
public final class DialogueRunner {

    static final String PRINTER_PASSWORD = "printer-secret";
    static final String SCRIPT_PASSWORD = "script-pässword";
    private static final String PRINTER_HASH = PasswordHasher.hash(PRINTER_PASSWORD.toCharArray(), 4);
    private static final String SCRIPT_HASH = PasswordHasher.hash(SCRIPT_PASSWORD.toCharArray(), 4);

    /** In a "= body" line: the Message-ID the relay added. */
    static final String MESSAGE_ID = "{message-id}";

    private final Path spoolDir;

    public DialogueRunner(Path spoolDir) {
        this.spoolDir = spoolDir;
    }

    static SubmissionPolicy policy() {
        Identity printer = new Identity("printer", Identity.Kind.ACCOUNT, "printer@contoso.com",
                List.of("printer@contoso.com"), SenderMismatch.REJECT);
        Identity script = new Identity("script", Identity.Kind.ACCOUNT, "alerts@contoso.com",
                List.of("alerts@contoso.com", "@monitoring.contoso.com"), SenderMismatch.REJECT);
        Identity scanners = new Identity("10.1.0.0/16", Identity.Kind.TRUSTED_NETWORK, "scanner@contoso.com",
                List.of("scanner@contoso.com"), SenderMismatch.REWRITE);
        Identity v6 = new Identity("fd00:1::/64", Identity.Kind.TRUSTED_NETWORK, "nas@contoso.com",
                List.of("*"), SenderMismatch.REJECT);
        Identity alarms = new Identity("10.2.0.0/16", Identity.Kind.TRUSTED_NETWORK, "alarm@contoso.com",
                List.of("alarm@contoso.com"), SenderMismatch.REJECT);
        Identity copiers = new Identity("10.3.0.0/16", Identity.Kind.TRUSTED_NETWORK, "mfp@contoso.com",
                List.of("mfp@contoso.com"), SenderMismatch.REJECT, new HeaderRepairOptions(true, true, true, true));
        Identity app = new Identity("10.4.0.0/16", Identity.Kind.TRUSTED_NETWORK, "app@contoso.com",
                List.of("app@contoso.com"), SenderMismatch.REJECT, HeaderRepairOptions.NONE);
        return new SubmissionPolicy(
                List.of(new DeviceAccount("printer", PRINTER_HASH, printer), new DeviceAccount("script", SCRIPT_HASH, script)),
                List.of(new TrustedNetwork(Cidr.parse("10.1.0.0/16"), scanners), new TrustedNetwork(Cidr.parse("fd00:1::/64"), v6),
                        // Legacy alarm panels that end lines with a bare LF: normalized whatever the listener says.
                        new TrustedNetwork(Cidr.parse("10.2.0.0/16"), alarms, Optional.of(DataDecoder.Mode.NORMALIZE)),
                        // Header repair: copiers whose mail is sent as their mailbox, and an app left unrepaired.
                        new TrustedNetwork(Cidr.parse("10.3.0.0/16"), copiers), new TrustedNetwork(Cidr.parse("10.4.0.0/16"), app)));
    }

    /** Runs the script; returns the spool so callers can inspect what was queued. */
    public Spool run(String name, List<String> script) throws IOException {
        String client = "192.0.2.10";
        TlsMode tls = TlsMode.STARTTLS;
        boolean plaintextAuth = false;
        int maxRecipients = 100;
        int maxErrors = 10;
        long maxSize = 10 * 1024 * 1024;
        long minFree = 0;
        DataDecoder.Mode dataLineEndings = DataDecoder.Mode.STRICT;
        int authFailures = 3;
        int i = 0;
        for (; i < script.size() && (script.get(i).startsWith("@") || script.get(i).startsWith("#") || script.get(i).isBlank()); i++) {
            String line = script.get(i);
            if (!line.startsWith("@")) {
                continue;
            }
            String[] kv = line.substring(1).trim().split("\\s+", 2);
            switch (kv[0]) {
                case "client" -> client = kv[1];
                case "tls" -> tls = TlsMode.valueOf(kv[1].toUpperCase(java.util.Locale.ROOT));
                case "plaintext-auth" -> plaintextAuth = Boolean.parseBoolean(kv[1]);
                case "max-recipients" -> maxRecipients = Integer.parseInt(kv[1]);
                case "max-errors" -> maxErrors = Integer.parseInt(kv[1]);
                case "max-size" -> maxSize = Long.parseLong(kv[1]);
                case "min-free-space" -> minFree = Long.parseLong(kv[1]);
                case "data-line-endings" -> dataLineEndings = DataDecoder.Mode.valueOf(kv[1].toUpperCase(java.util.Locale.ROOT));
                case "auth-failures-per-session" -> authFailures = Integer.parseInt(kv[1]);
                default -> throw new IllegalArgumentException(name + ": unknown setting " + kv[0]);
            }
        }
        Spool spool = Spool.open(spoolDir);
        SessionSettings settings = new SessionSettings("relay.test", "test", tls, plaintextAuth, maxSize,
                maxRecipients, maxErrors, minFree, dataLineEndings);
        Clock clock = Clock.fixed(Instant.parse("2026-11-29T10:15:30Z"), ZoneOffset.UTC);
        // A fresh throttle per script; its delays elapse at once (AuthThrottleTest covers them).
        AuthGuard guard = new AuthGuard(new AuthThrottle(AuthThrottle.Settings.DEFAULTS, clock), authFailures,
                delay -> java.util.concurrent.CompletableFuture.completedFuture(null));
        SmtpSession session = new SmtpSession(settings, InetAddress.getByName(client), policy(), spool, Runnable::run,
                clock, guard);
        Step.Respond last = resolve(tls == TlsMode.IMPLICIT ? tlsThenGreet(session) : session.greet());
        StringBuilder data = null;
        for (; i < script.size(); i++) {
            String line = script.get(i);
            String where = name + " line " + (i + 1) + ": " + line;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("> ") || line.equals(">")) {
                assertThat(last.next()).as(where + " (session expects commands)").isIn(Step.Next.COMMAND, Step.Next.START_TLS);
                last = resolve(session.onLine(line.length() > 2 ? line.substring(2).getBytes(StandardCharsets.UTF_8) : new byte[0]));
            } else if (line.startsWith("d ") || line.equals("d")) {
                assertThat(last.next()).as(where + " (session expects data)").isEqualTo(Step.Next.DATA);
                if (data == null) {
                    data = new StringBuilder();
                }
                data.append(line.length() > 2 ? line.substring(2) : "").append("\r\n");
                if (line.equals("d .")) {
                    ByteBuffer bytes = ByteBuffer.wrap(data.toString().getBytes(StandardCharsets.UTF_8));
                    Optional<Step> step = session.onData(bytes);
                    assertThat(step).as(where + " (end of data)").isPresent();
                    last = resolve(step.get());
                    data = null;
                }
            } else if (line.startsWith("r ")) {
                assertThat(last.next()).as(where + " (session expects data)").isEqualTo(Step.Next.DATA);
                assertThat(data).as(where + " (no unfinished d lines)").isNull();
                Optional<Step> step = session.onData(ByteBuffer.wrap(unescape(line.substring(2))));
                if (step.isPresent()) {
                    last = resolve(step.get());
                }
            } else if (line.startsWith("= body ")) {
                List<dev.oauthrelay.spool.QueueId> queued = spool.queued();
                assertThat(queued).as(where).isNotEmpty();
                byte[] stored;
                try (var in = spool.read(queued.get(queued.size() - 1)).openBody()) {
                    stored = in.readAllBytes();
                }
                String expected = show(unescape(line.substring(7)));
                String actual = show(afterReceivedHeader(stored));
                if (expected.contains(MESSAGE_ID)) {
                    // The Message-ID the relay adds: <queue id.random@hostname>.
                    String id = "<" + queued.get(queued.size() - 1).value() + "\\.[0-9a-f]{16}@relay\\.test>";
                    String regex = java.util.Arrays.stream(expected.split(java.util.regex.Pattern.quote(MESSAGE_ID), -1))
                            .map(java.util.regex.Pattern::quote)
                            .collect(java.util.stream.Collectors.joining(id));
                    assertThat(actual).as(where).matches(regex);
                } else {
                    assertThat(actual).as(where).isEqualTo(expected);
                }
            } else if (line.startsWith("= mail-from ")) {
                List<dev.oauthrelay.spool.QueueId> queued = spool.queued();
                assertThat(queued).as(where).isNotEmpty();
                String expected = line.substring(12).trim();
                assertThat(spool.read(queued.get(queued.size() - 1)).envelope().mailFrom()).as(where)
                        .isEqualTo(expected.equals("\"\"") ? "" : expected);
            } else if (line.startsWith("<~ ")) {
                assertThat(last.reply().lines()).as(where).anyMatch(l -> l.contains(line.substring(3)));
            } else if (line.startsWith("<! close")) {
                assertThat(last.next()).as(where).isEqualTo(Step.Next.CLOSE);
            } else if (line.startsWith("< ")) {
                assertThat(describe(last.reply())).as(where).startsWith(line.substring(2));
            } else if (line.startsWith("! tls ")) {
                session.onTlsEstablished(line.substring(6).trim(), "TLS_AES_128_GCM_SHA256");
            } else if (line.equals("! idle-timeout")) {
                last = resolve(session.onIdleTimeout());
            } else if (line.equals("! command-timeout")) {
                last = resolve(session.onCommandTimeout());
            } else if (line.equals("! data-too-slow")) {
                assertThat(last.next()).as(where + " (session expects data)").isEqualTo(Step.Next.DATA);
                last = resolve(session.onDataTooSlow());
            } else if (line.equals("! break-queue")) {
                // A plain file where the queue directory was: the rename into the queue fails.
                try (var entries = java.nio.file.Files.list(spool.queueDir())) {
                    for (Path p : entries.toList()) {
                        java.nio.file.Files.delete(p);
                    }
                }
                java.nio.file.Files.delete(spool.queueDir());
                java.nio.file.Files.writeString(spool.queueDir(), "not a directory");
            } else if (line.equals("= tmp-empty")) {
                try (var entries = java.nio.file.Files.list(spool.tmpDir())) {
                    assertThat(entries.toList()).as(where).isEmpty();
                }
            } else if (line.startsWith("= queued ")) {
                assertThat(spool.queued()).as(where).hasSize(Integer.parseInt(line.substring(9).trim()));
            } else {
                throw new IllegalArgumentException(where + ": unknown script line");
            }
        }
        return spool;
    }

    /** Script escapes: \r \n \t \\ and \xHH; everything else is UTF-8 text. */
    static byte[] unescape(String text) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\') {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            char e = text.charAt(++i);
            switch (e) {
                case 'r' -> out.write('\r');
                case 'n' -> out.write('\n');
                case 't' -> out.write('\t');
                case '\\' -> out.write('\\');
                case 'x' -> {
                    out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                default -> throw new IllegalArgumentException("unknown escape \\" + e + " in " + text);
            }
        }
        return out.toByteArray();
    }

    /** The inverse of {@link #unescape} for CR, LF and backslash, for readable failures. */
    static String show(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1).replace("\\", "\\\\").replace("\r", "\\r")
                .replace("\n", "\\n");
    }

    /** A stored body without the Received header the relay put first (its continuation lines start with white space). */
    static byte[] afterReceivedHeader(byte[] stored) {
        int p = 0;
        do {
            while (stored[p] != '\n') {
                p++;
            }
            p++;
        } while (p < stored.length && (stored[p] == ' ' || stored[p] == '\t'));
        return java.util.Arrays.copyOfRange(stored, p, stored.length);
    }

    private static Step tlsThenGreet(SmtpSession session) {
        session.onTlsEstablished("TLSv1.3", "TLS_AES_128_GCM_SHA256");
        return session.greet();
    }

    /** Runs blocking work inline (the test executor is direct) and returns the final reply. */
    static Step.Respond resolve(Step step) {
        while (step instanceof Step.Await await) {
            step = await.work().toCompletableFuture().join().get();
        }
        return (Step.Respond) step;
    }

    /** {@code 250 2.1.0 Sender OK}: code, enhanced status and the last line's text. */
    static String describe(SmtpReply reply) {
        List<String> lines = new ArrayList<>(reply.lines());
        return reply.code() + (reply.status() == null ? "" : " " + reply.status()) + " " + lines.get(lines.size() - 1);
    }
}
