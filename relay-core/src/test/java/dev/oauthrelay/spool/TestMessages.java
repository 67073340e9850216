package dev.oauthrelay.spool;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** Shared fixtures for the spool tests. */
final class TestMessages {

    private TestMessages() {
    }

    static Envelope envelope(QueueId id) {
        return new Envelope(id, Instant.parse("2024-06-01T10:15:30.123456789Z"), "scanner-2nd-floor",
                Envelope.KIND_ACCOUNT, "scanner@contoso.com", "scanner@contoso.com",
                List.of("SIZE=1234", "BODY=8BITMIME"), List.of("alice@contoso.com", "bob@example.org"),
                "192.0.2.10", "printer01", "TLSv1.3");
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Commits a message with the standard envelope and returns its id. */
    static QueueId commit(Spool spool, byte[] body) throws IOException {
        QueueId id = spool.newId();
        try (SpoolWriter w = spool.begin(envelope(id))) {
            w.write(ByteBuffer.wrap(body));
            w.commit();
        }
        return id;
    }

    static byte[] body(StoredMessage m) throws IOException {
        try (InputStream in = m.openBody()) {
            return in.readAllBytes();
        }
    }

    static List<Path> files(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
