package dev.oauthrelay.spool;

import static dev.oauthrelay.spool.TestMessages.body;
import static dev.oauthrelay.spool.TestMessages.commit;
import static dev.oauthrelay.spool.TestMessages.envelope;
import static dev.oauthrelay.spool.TestMessages.files;
import static dev.oauthrelay.spool.TestMessages.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolWriteReadTest {

    @TempDir
    Path dataDir;

    Spool spool;

    @BeforeEach
    void open() throws Exception {
        spool = Spool.open(dataDir);
    }

    @Test
    void openCreatesTheSpoolDirectories() {
        assertThat(spool.tmpDir()).isDirectory().isEqualTo(dataDir.resolve("spool/tmp"));
        assertThat(spool.queueDir()).isDirectory().isEqualTo(dataDir.resolve("spool/queue"));
        assertThat(spool.quarantineDir()).isDirectory().isEqualTo(dataDir.resolve("spool/quarantine"));
    }

    @Test
    void commitMakesTheEntryVisibleAndReadReturnsTheSameEnvelopeAndBody() throws Exception {
        QueueId id = spool.newId();
        Envelope envelope = new Envelope(id, Instant.parse("2024-06-01T10:15:30.123456789Z"),
                "10.1.0.0/16", Envelope.KIND_TRUSTED_NETWORK, "jörg@müller.example",
                "évil\r\nrcpt: attacker@example.com 100% %41\u0000\u007f\u0085\u2028",
                List.of("SIZE=42", "SMTPUTF8", "BODY=8BITMIME"),
                List.of("用户@例子.广告", "jörg@müller.example", "emoji\uD83D\uDE00@example.org"),
                "2001:db8::1", "hélo\r\n.", "none");
        byte[] payload = "Subject: hi\r\n\r\nbody with ümlauts\r\n.\r\n".getBytes(StandardCharsets.UTF_8);

        try (SpoolWriter w = spool.begin(envelope)) {
            w.write(ByteBuffer.wrap(payload));
            assertThat(w.id()).isEqualTo(id);
            assertThat(w.bodySize()).isEqualTo(payload.length);
            w.commit();
        }

        assertThat(spool.queued()).containsExactly(id);
        assertThat(files(spool.tmpDir())).isEmpty();
        StoredMessage m = spool.read(id);
        assertThat(m.envelope()).isEqualTo(envelope);
        assertThat(m.bodySize()).isEqualTo(payload.length);
        assertThat(body(m)).isEqualTo(payload);
        assertThat(m.file()).isEqualTo(spool.queueDir().resolve(id + ".msg"));
    }

    @Test
    void nullSenderRoundTripsAsEmptyString() throws Exception {
        QueueId id = spool.newId();
        Envelope e = envelope(id);
        Envelope bounce = new Envelope(id, e.receivedAt(), e.identity(), e.identityKind(), e.mailbox(), "",
                List.of(), e.recipients(), e.clientAddress(), e.heloName(), e.tlsProtocol());
        try (SpoolWriter w = spool.begin(bounce)) {
            w.commit();
        }
        assertThat(spool.read(id).envelope()).isEqualTo(bounce);
    }

    @Test
    void multiMegabyteBodyWrittenInManySmallChunksReadsBackByteIdentical() throws Exception {
        byte[] payload = randomBytes(5 * 1024 * 1024 + 17, 1);
        Random random = new Random(2);
        QueueId id = spool.newId();
        try (SpoolWriter w = spool.begin(envelope(id))) {
            int pos = 0;
            while (pos < payload.length) {
                int n = Math.min(1 + random.nextInt(3000), payload.length - pos);
                // Like a slice of a network buffer: bytes outside position..limit must be ignored.
                ByteBuffer chunk = random.nextBoolean()
                        ? ByteBuffer.allocateDirect(n + 20) : ByteBuffer.allocate(n + 20);
                chunk.put(new byte[7]).put(payload, pos, n).put(new byte[13]);
                chunk.position(7).limit(7 + n);
                w.write(chunk);
                assertThat(chunk.remaining()).isZero();
                pos += n;
            }
            assertThat(w.bodySize()).isEqualTo(payload.length);
            w.commit();
        }
        StoredMessage m = spool.read(id);
        assertThat(m.bodySize()).isEqualTo(payload.length);
        assertThat(Arrays.equals(body(m), payload)).isTrue();
    }

    @Test
    void emptyBodyRoundTrips() throws Exception {
        QueueId id = commit(spool, new byte[0]);
        StoredMessage m = spool.read(id);
        assertThat(m.bodySize()).isZero();
        assertThat(body(m)).isEmpty();
    }

    @Test
    void fileStartsWithMagicAndEndsWithTheTrailer() throws Exception {
        QueueId id = commit(spool, "hello".getBytes(StandardCharsets.US_ASCII));
        String text = Files.readString(spool.queueDir().resolve(id + ".msg"), StandardCharsets.ISO_8859_1);
        assertThat(text).startsWith("RELAY-SPOOL 1\r\nid: " + id + "\r\n");
        assertThat(text).contains("\r\n\r\nhello\r\nRELAY-END 0000000000000005 ");
        assertThat(text).matches("(?s).*\r\nRELAY-END [0-9A-F]{16} [0-9A-F]{8}\r\n");
    }

    @Test
    void nothingIsInQueueBeforeCommit() throws Exception {
        try (SpoolWriter w = spool.begin(envelope(spool.newId()))) {
            w.write(ByteBuffer.wrap(randomBytes(200_000, 3)));
            assertThat(files(spool.queueDir())).isEmpty();
            assertThat(spool.queued()).isEmpty();
            assertThat(files(spool.tmpDir())).hasSize(1);
        }
    }

    @Test
    void abortDeletesTheTempFileAndIsIdempotent() throws Exception {
        SpoolWriter w = spool.begin(envelope(spool.newId()));
        w.write(ByteBuffer.wrap(new byte[10]));
        w.abort();
        assertThat(files(spool.tmpDir())).isEmpty();
        w.abort();
        w.close();
        assertThat(files(spool.queueDir())).isEmpty();
        assertThatThrownBy(() -> w.write(ByteBuffer.wrap(new byte[1]))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(w::commit).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closeWithoutCommitAborts() throws Exception {
        try (SpoolWriter w = spool.begin(envelope(spool.newId()))) {
            w.write(ByteBuffer.wrap(new byte[10]));
        }
        assertThat(files(spool.tmpDir())).isEmpty();
        assertThat(files(spool.queueDir())).isEmpty();
    }

    @Test
    void abortAfterCommitKeepsTheEntry() throws Exception {
        QueueId id = spool.newId();
        SpoolWriter w = spool.begin(envelope(id));
        w.commit();
        w.abort();
        w.close();
        assertThat(spool.queued()).containsExactly(id);
        assertThatThrownBy(w::commit).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void beginRefusesAnIdThatIsAlreadyQueued() throws Exception {
        QueueId id = commit(spool, "first".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> spool.begin(envelope(id))).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(body(spool.read(id))).isEqualTo("first".getBytes(StandardCharsets.US_ASCII));
        assertThat(files(spool.tmpDir())).isEmpty();
    }

    @Test
    void beginRejectsAValueWithoutUtf8FormAndLeavesNoFile() {
        QueueId id = spool.newId();
        Envelope e = envelope(id);
        Envelope bad = new Envelope(id, e.receivedAt(), e.identity(), e.identityKind(), e.mailbox(),
                "lone\uD800surrogate@example.com", e.mailParameters(), e.recipients(), e.clientAddress(),
                e.heloName(), e.tlsProtocol());
        assertThatThrownBy(() -> spool.begin(bad)).isInstanceOf(IllegalArgumentException.class);
        assertThat(files(spool.tmpDir())).isEmpty();
    }

    @Test
    void removeDeletesTheEntryAndMayBeRepeated() throws Exception {
        QueueId keep = commit(spool, new byte[] {1});
        QueueId gone = commit(spool, new byte[] {2});
        spool.remove(gone);
        assertThat(spool.queued()).containsExactly(keep);
        assertThat(spool.queueDir().resolve(gone + ".msg")).doesNotExist();
        spool.remove(gone);
    }

    @Test
    void readOfAnAlteredEntryThrowsSpoolCorruptException() throws Exception {
        QueueId id = commit(spool, randomBytes(1000, 4));
        Path file = spool.queueDir().resolve(id + ".msg");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 500] ^= 1;
        Files.write(file, bytes);
        assertThatThrownBy(() -> spool.read(id))
                .isInstanceOf(SpoolCorruptException.class)
                .hasMessageContaining("checksum");
    }

    @Test
    void bodyStreamFailsIfTheFileIsAlteredAfterRead() throws Exception {
        byte[] payload = randomBytes(300_000, 5);
        QueueId id = commit(spool, payload);
        StoredMessage m = spool.read(id);
        Path file = m.file();
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 100] ^= 0x40;
        Files.write(file, bytes);
        try (InputStream in = m.openBody()) {
            assertThatThrownBy(in::readAllBytes).isInstanceOf(SpoolCorruptException.class);
        }
    }

    @Test
    void usableSpaceIsReported() throws Exception {
        assertThat(spool.usableSpace()).isPositive();
    }
}
