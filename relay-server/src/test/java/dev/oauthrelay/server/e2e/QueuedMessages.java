package dev.oauthrelay.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.spool.Envelope;
import dev.oauthrelay.spool.QueueId;
import dev.oauthrelay.spool.Spool;
import dev.oauthrelay.spool.StoredMessage;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads the relay's spool back with relay-core's own reader ({@link Spool#read} validates
 * structure, length and CRC32C). The relay prepends exactly one {@code Received:} header to what
 * the client sent; it is split off here, so {@code body} is the message as the client sent it.
 */
public final class QueuedMessages {

    private QueuedMessages() {
    }

    /** A queued message: envelope, the relay's Received header, and the client's message. */
    public record Copy(Envelope envelope, String receivedHeader, byte[] body) {
    }

    /** As {@link Copy}, with the client's message only as size and SHA-256 (for large messages). */
    record Digest(Envelope envelope, String receivedHeader, long size, String sha256) {
    }

    /** The ids in {@code queue/}, in arrival order. */
    public static List<String> ids(Path dataDir) {
        try {
            return Spool.open(dataDir).queued().stream().map(QueueId::value).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Copy read(Path dataDir, String id) {
        try {
            StoredMessage stored = Spool.open(dataDir).read(QueueId.parse(id));
            try (InputStream in = new BufferedInputStream(stored.openBody())) {
                String received = receivedHeader(in);
                byte[] body = in.readAllBytes(); // to the end: the stream checks the CRC as it goes
                return new Copy(stored.envelope(), received, body);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Digest digest(Path dataDir, String id) {
        try {
            StoredMessage stored = Spool.open(dataDir).read(QueueId.parse(id));
            try (InputStream in = new BufferedInputStream(stored.openBody(), 1 << 16)) {
                String received = receivedHeader(in);
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                byte[] buf = new byte[1 << 16];
                long size = 0;
                for (int n; (n = in.read(buf)) > 0; ) {
                    sha.update(buf, 0, n);
                    size += n;
                }
                return new Digest(stored.envelope(), received, size, HexFormat.of().formatHex(sha.digest()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Consumes the leading {@code Received:} header field: its first line and every continuation
     * line (starting with SP or TAB), each ending in CRLF. Returns it including the final CRLF.
     * {@code in} must support mark/reset (a BufferedInputStream or ByteArrayInputStream); it is
     * left at the first byte after the header.
     */
    public static String receivedHeader(InputStream in) throws IOException {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        int previous = -1;
        while (true) {
            int b = in.read();
            assertThat(b).as("end of stream inside the Received header: %s", header).isNotNegative();
            header.write(b);
            if (previous == '\r' && b == '\n') {
                in.mark(1);
                int next = in.read();
                in.reset();
                if (next != ' ' && next != '\t') {
                    break;
                }
            }
            previous = b;
        }
        String text = header.toString(StandardCharsets.UTF_8);
        assertThat(text).as("first header of a queued message").startsWith("Received: ");
        return text;
    }

    public static List<Path> quarantined(Path dataDir) {
        return list(dataDir.resolve("spool/quarantine"));
    }

    public static List<Path> deadLettered(Path dataDir) {
        return list(dataDir.resolve("spool/deadletter"));
    }

    public static List<Path> unfinished(Path dataDir) {
        return list(dataDir.resolve("spool/tmp"));
    }

    private static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
