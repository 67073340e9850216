package dev.oauthrelay.spool;

import static dev.oauthrelay.spool.TestMessages.commit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the spool offers operators: listing without reading bodies, header sections, release and removal. */
class SpoolOperatorTest {

    private static final String MESSAGE = "Received: from printer01\r\nSubject: scan\r\nFrom: a@b\r\n\r\nbody\r\n\r\nmore\r\n";
    private static final Instant LATER = Instant.parse("2024-06-02T08:00:00Z");

    @TempDir
    Path dir;

    private static DeliveryState failedForBob(Envelope env) {
        Map<String, DeliveryState.RecipientStatus> r = new LinkedHashMap<>();
        r.put("alice@contoso.com", new DeliveryState.RecipientStatus(DeliveryState.Status.DELIVERED, "250 2.1.5 ok"));
        r.put("bob@example.org", new DeliveryState.RecipientStatus(DeliveryState.Status.FAILED, "550 5.1.1 unknown"));
        return new DeliveryState(3, env.receivedAt(), "", true, r);
    }

    private QueueId deadLettered(Spool spool) throws IOException {
        QueueId id = commit(spool, MESSAGE.getBytes(StandardCharsets.UTF_8));
        spool.deadLetter(id, "report\n", failedForBob(spool.read(id).envelope()));
        return id;
    }

    @Test
    void contentsListsQueuedAndDeadLetteredMessagesWithTheirStatesAndDamagedFilesApart() throws Exception {
        Spool spool = Spool.open(dir);
        QueueId queued = commit(spool, MESSAGE.getBytes(StandardCharsets.UTF_8));
        DeliveryState state = new DeliveryState(2, LATER, "451 4.3.0 later", false,
                DeliveryState.initial(spool.read(queued).envelope()).recipients());
        spool.writeState(queued, state);
        QueueId dead = deadLettered(spool);
        QueueId torn = commit(spool, MESSAGE.getBytes(StandardCharsets.UTF_8));
        Path tornFile = spool.queueDir().resolve(torn.value() + ".msg");
        try (FileChannel ch = FileChannel.open(tornFile, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(20);
        }
        Files.writeString(spool.quarantineDir().resolve(queued.value() + ".msg.1"), "garbage");

        SpoolContents contents = spool.contents();

        assertThat(contents.entries()).extracting(QueueEntry::folder, QueueEntry::id)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(QueueEntry.Folder.QUEUE, queued),
                        org.assertj.core.groups.Tuple.tuple(QueueEntry.Folder.DEAD_LETTER, dead));
        QueueEntry first = contents.entries().get(0);
        assertThat(first.state()).hasValue(state);
        assertThat(first.envelope()).isEqualTo(spool.read(queued).envelope());
        assertThat(first.bodySize()).isEqualTo(MESSAGE.length());
        assertThat(contents.entries().get(1).state()).hasValueSatisfying(s ->
                assertThat(s.failed()).containsExactly("bob@example.org"));
        assertThat(contents.damaged()).extracting(DamagedFile::folder, DamagedFile::name, DamagedFile::id)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(QueueEntry.Folder.QUEUE, torn.value() + ".msg",
                                java.util.Optional.of(torn)),
                        org.assertj.core.groups.Tuple.tuple(QueueEntry.Folder.QUARANTINE, queued.value() + ".msg.1",
                                java.util.Optional.of(queued)));
        assertThat(contents.damaged().get(0).problem()).contains("quarantined at the next start");

        assertThat(spool.contents(dead).entries()).singleElement().extracting(QueueEntry::id).isEqualTo(dead);
        assertThat(spool.contents(queued).damaged()).singleElement().extracting(DamagedFile::folder)
                .isEqualTo(QueueEntry.Folder.QUARANTINE);
    }

    @Test
    void headerSectionEndsWithTheEmptyLineAndRespectsTheLimit() throws Exception {
        Spool spool = Spool.open(dir);
        QueueEntry entry = spool.contents(commit(spool, MESSAGE.getBytes(StandardCharsets.UTF_8))).entries().get(0);
        assertThat(spool.headerSection(entry, 64 * 1024))
                .isEqualTo("Received: from printer01\r\nSubject: scan\r\nFrom: a@b\r\n\r\n");
        assertThat(spool.headerSection(entry, 10)).isEqualTo("Received: ");

        QueueEntry bare = spool.contents(commit(spool, "\r\njust a body\r\n".getBytes(StandardCharsets.UTF_8)))
                .entries().get(0);
        assertThat(spool.headerSection(bare, 1000)).isEqualTo("\r\n");
    }

    @Test
    void releaseMovesADeadLetterBackWithItsNewStateAndDropsReportAndOldState() throws Exception {
        Spool spool = Spool.open(dir);
        QueueId id = deadLettered(spool);
        DeliveryState fresh = spool.readDeadLetterState(id).orElseThrow().released(LATER);

        spool.release(id, fresh);

        assertThat(spool.queued()).containsExactly(id);
        assertThat(spool.deadLettered()).isEmpty();
        assertThat(TestMessages.files(spool.deadLetterDir())).isEmpty();
        assertThat(spool.readState(id)).hasValue(fresh);
        assertThat(TestMessages.body(spool.read(id))).isEqualTo(MESSAGE.getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> spool.release(id, fresh)).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void aReleaseThatFailsHalfwayLeavesTheMessageDeadLetteredAndRecoveryDropsTheStrayState() throws Exception {
        Spool spool = Spool.open(dir, new DurableOps() {
            @Override
            public void force(FileChannel channel) throws IOException {
                REAL.force(channel);
            }

            @Override
            public void atomicMove(Path source, Path target) throws IOException {
                if (target.getParent().getFileName().toString().equals("queue") && source.toString().contains("deadletter")) {
                    throw new IOException("disk gone");
                }
                REAL.atomicMove(source, target);
            }

            @Override
            public void syncDirectory(Path d) throws IOException {
                REAL.syncDirectory(d);
            }
        });
        QueueId id = deadLettered(spool);

        assertThatThrownBy(() -> spool.release(id, spool.readDeadLetterState(id).orElseThrow().released(LATER)))
                .hasMessage("disk gone");

        assertThat(spool.deadLettered()).containsExactly(id);
        assertThat(spool.deadLetterReport(id)).isEqualTo("report\n");
        assertThat(spool.readDeadLetterState(id)).isPresent();
        assertThat(spool.queued()).isEmpty();
        spool.recover();
        assertThat(spool.readState(id)).as("the stray state of the half-done release").isEmpty();
    }

    @Test
    void removalOfDeadLettersAndQuarantinedFiles() throws Exception {
        Spool spool = Spool.open(dir);
        QueueId id = deadLettered(spool);
        assertThat(spool.removeDeadLetter(id)).isTrue();
        assertThat(TestMessages.files(spool.deadLetterDir())).isEmpty();
        assertThat(spool.removeDeadLetter(id)).isFalse();

        Files.writeString(spool.quarantineDir().resolve(id.value() + ".msg"), "x");
        Files.writeString(spool.quarantineDir().resolve(id.value() + ".msg.1"), "y");
        Files.writeString(spool.quarantineDir().resolve("other.msg"), "z");
        assertThat(spool.removeQuarantined(id)).isEqualTo(2);
        assertThat(TestMessages.files(spool.quarantineDir())).extracting(p -> p.getFileName().toString())
                .containsExactly("other.msg");
    }

    @Test
    void theReleaseTimeSurvivesTheStateFileAndOldStateFilesStillDecode() {
        Envelope env = TestMessages.envelope(QueueId.parse("01J0ZK3V8Q4M7XR2"));
        DeliveryState released = failedForBob(env).released(LATER);
        assertThat(released.attempts()).isZero();
        assertThat(released.pending()).containsExactly("bob@example.org");
        assertThat(released.delivered()).containsExactly("alice@contoso.com");
        assertThat(released.ageCountsFrom(env)).isEqualTo(LATER);
        assertThat(StateCodec.decode(StateCodec.encode(released))).isEqualTo(released);

        DeliveryState never = failedForBob(env);
        byte[] old = StateCodec.encode(never);
        assertThat(new String(old, StandardCharsets.UTF_8)).doesNotContain("released");
        assertThat(StateCodec.decode(old)).isEqualTo(never);
        assertThat(never.ageCountsFrom(env)).isEqualTo(env.receivedAt());
    }

    @Test
    void openExistingCreatesNothing() {
        assertThatThrownBy(() -> Spool.openExisting(dir.resolve("none"))).isInstanceOf(NoSuchFileException.class);
        assertThat(dir.resolve("none")).doesNotExist();
    }
}
