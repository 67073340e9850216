package dev.oauthrelay.server.harness;

import dev.oauthrelay.server.e2e.RelayProcess;
import dev.oauthrelay.server.listener.SmtpTestClient;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One device sending mail to the relay's plain listener from the trusted address
 * {@value RelayProcess#TRUSTED_CLIENT} (identity: mailbox {@value RelayProcess#SCANNER_MAILBOX}),
 * over and over, on one connection until it breaks. Every message gets a new Message-ID, also
 * after an error: the harness never re-sends a message, so a second copy upstream can only come
 * from the relay. Any reply other than the expected one, a broken connection or no reply means
 * "not acknowledged"; the connection is then dropped and a new one opened to whichever relay
 * process is running.
 */
final class HarnessClient implements Runnable {

    /** Where to send: the running relay's plain port and the cycle it belongs to; port 0 while none runs. */
    record Target(int port, int cycle) {
        static final Target NONE = new Target(0, -1);
    }

    static final String MESSAGE_ID_DOMAIN = "harness.invalid";
    private static final List<String> RECIPIENTS =
            List.of("archive@contoso.com", "it-alerts@contoso.com", "facilities@example.org");
    private static final Pattern QUEUED = Pattern.compile("^250 2\\.0\\.0 Ok: queued as ([0-9A-Z]+)$");
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789     ";

    private final int index;
    private final long seed;
    private final Random random;
    private final Ledger ledger;
    private final Supplier<Target> target;
    private final AtomicLong connectionErrors = new AtomicLong();
    private volatile boolean running = true;
    private int sequence;

    HarnessClient(int index, long seed, Ledger ledger, Supplier<Target> target) {
        this.index = index;
        this.seed = seed;
        this.random = new Random(seed * 31 + index);
        this.ledger = ledger;
        this.target = target;
    }

    void stop() {
        running = false;
    }

    long connectionErrors() {
        return connectionErrors.get();
    }

    @Override
    public void run() {
        SmtpTestClient conn = null;
        Target connected = Target.NONE;
        while (running) {
            Target now = target.get();
            if (now.port() == 0) {
                conn = close(conn);
                pause(20);
                continue;
            }
            try {
                if (conn == null || !now.equals(connected)) {
                    close(conn);
                    conn = null;
                    conn = new SmtpTestClient(now.port(), InetAddress.getByName(RelayProcess.TRUSTED_CLIENT));
                    connected = now;
                    expect(conn.reply(), "220");
                    expect(conn.command("EHLO harness-client-" + index), "250");
                }
                submitOne(conn, now.cycle());
            } catch (IOException e) {
                connectionErrors.incrementAndGet();
                conn = close(conn);
                pause(20);
                continue;
            }
            pause(5 + random.nextInt(35));
        }
        close(conn);
    }

    private void submitOne(SmtpTestClient conn, int cycle) throws IOException {
        String messageId = "h" + Long.toUnsignedString(seed, 36) + "." + index + "." + (++sequence) + "@"
                + MESSAGE_ID_DOMAIN;
        List<String> recipients = recipients();
        byte[] content = content(messageId, recipients);
        ledger.attempted(new Ledger.Sent(messageId, recipients, sha256(content), content.length, cycle));

        expect(conn.command("MAIL FROM:<" + RelayProcess.SCANNER_MAILBOX + ">"), "250");
        for (String r : recipients) {
            expect(conn.command("RCPT TO:<" + r + ">"), "250");
        }
        expect(conn.command("DATA"), "354");
        String text = new String(content, StandardCharsets.US_ASCII);
        // Dot-stuffing (RFC 5321 section 4.5.2), then the final dot.
        conn.send(text.replace("\r\n.", "\r\n..") + ".\r\n");
        String reply = conn.reply();
        Matcher m = QUEUED.matcher(reply);
        if (!m.matches()) {
            throw new IOException("not queued: " + reply);
        }
        ledger.acknowledged(messageId, m.group(1));
    }

    /** One to three distinct recipients, so per-recipient outcomes and partial retries are exercised. */
    private List<String> recipients() {
        List<String> pool = new ArrayList<>(RECIPIENTS);
        java.util.Collections.shuffle(pool, random);
        return List.copyOf(pool.subList(0, 1 + random.nextInt(pool.size())));
    }

    /**
     * Headers plus a body of random text lines, some starting with a dot: mostly a few KB, some
     * tens of KB and a few hundred KB (several 64 KB chunks upstream, so mid-delivery is a real
     * window).
     */
    private byte[] content(String messageId, List<String> recipients) {
        int roll = random.nextInt(100);
        int size = roll < 80 ? 300 + random.nextInt(4_000)
                : roll < 95 ? 4_000 + random.nextInt(60_000)
                : 64_000 + random.nextInt(240_000);
        StringBuilder b = new StringBuilder(size + 200);
        b.append("From: Scanner <").append(RelayProcess.SCANNER_MAILBOX).append(">\r\n")
                .append("To: ").append(String.join(", ", recipients)).append("\r\n")
                .append("Subject: durability harness ").append(messageId).append("\r\n")
                .append("Message-ID: <").append(messageId).append(">\r\n")
                // A complete message (Date and Message-ID present), so header repair leaves it
                // byte for byte as sent and the copies can be compared exactly.
                .append("Date: ").append(java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                        .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC))).append("\r\n")
                .append("MIME-Version: 1.0\r\n")
                .append("Content-Type: text/plain; charset=us-ascii\r\n")
                .append("\r\n");
        while (b.length() < size) {
            int kind = random.nextInt(50);
            if (kind == 0) {
                b.append('.');
            } else if (kind == 1) {
                b.append("..");
            }
            int len = random.nextInt(77);
            for (int i = 0; i < len; i++) {
                b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            b.append("\r\n");
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void expect(String reply, String code) throws IOException {
        if (!reply.startsWith(code)) {
            throw new IOException("expected " + code + ", got: " + reply);
        }
    }

    private static SmtpTestClient close(SmtpTestClient conn) {
        if (conn != null) {
            try {
                conn.close();
            } catch (IOException e) {
                // gone anyway
            }
        }
        return null;
    }

    private static void pause(int millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
