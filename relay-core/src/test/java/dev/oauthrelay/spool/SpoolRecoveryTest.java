package dev.oauthrelay.spool;

import static dev.oauthrelay.spool.TestMessages.body;
import static dev.oauthrelay.spool.TestMessages.commit;
import static dev.oauthrelay.spool.TestMessages.envelope;
import static dev.oauthrelay.spool.TestMessages.files;
import static dev.oauthrelay.spool.TestMessages.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

class SpoolRecoveryTest {

    @TempDir
    Path dataDir;

    Spool spool;

    @BeforeEach
    void open() throws Exception {
        spool = Spool.open(dataDir);
    }

    @Test
    void crashBeforeCommitLeavesATempFileThatRecoveryRemoves() throws Exception {
        SpoolWriter abandoned = spool.begin(envelope(spool.newId()));
        abandoned.write(ByteBuffer.wrap(randomBytes(70_000, 8)));
        // The process "dies" here: no commit, no abort. A new process opens the spool.
        Spool restarted = Spool.open(dataDir);

        RecoveryReport report = restarted.recover();

        assertThat(report.removedLeftovers()).isEqualTo(1);
        assertThat(report.queued()).isEmpty();
        assertThat(report.quarantined()).isZero();
        assertThat(files(restarted.tmpDir())).isEmpty();
        assertThat(files(restarted.queueDir())).isEmpty();
        abandoned.close(); // release the file handle of the simulated dead process
    }

    @Test
    void recoveryReloadsCommittedEntriesInIdOrder() throws Exception {
        List<QueueId> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(spool.newId());
        }
        List<QueueId> commitOrder = new ArrayList<>(ids);
        Collections.shuffle(commitOrder, new java.util.Random(9));
        for (QueueId id : commitOrder) {
            try (SpoolWriter w = spool.begin(envelope(id))) {
                w.write(ByteBuffer.wrap(id.value().getBytes(StandardCharsets.US_ASCII)));
                w.commit();
            }
        }

        Spool restarted = Spool.open(dataDir);
        RecoveryReport report = restarted.recover();

        assertThat(report.queued()).containsExactlyElementsOf(ids);
        assertThat(report.quarantined()).isZero();
        assertThat(restarted.queued()).containsExactlyElementsOf(ids);
        for (QueueId id : ids) {
            assertThat(body(restarted.read(id))).isEqualTo(id.value().getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** Ways a file in queue/ can be damaged; each must be detected. */
    enum Damage {
        TRUNCATED_MID_BODY {
            byte[] apply(byte[] f) {
                return Arrays.copyOf(f, f.length / 2);
            }
        },
        TRUNCATED_IN_ENVELOPE {
            byte[] apply(byte[] f) {
                return Arrays.copyOf(f, 40);
            }
        },
        MISSING_TRAILER {
            byte[] apply(byte[] f) {
                return Arrays.copyOf(f, f.length - SpoolFormat.TRAILER_LENGTH);
            }
        },
        TRAILER_CUT_SHORT_BY_ONE_BYTE {
            byte[] apply(byte[] f) {
                return Arrays.copyOf(f, f.length - 1);
            }
        },
        FLIPPED_BODY_BYTE {
            byte[] apply(byte[] f) {
                f[f.length - SpoolFormat.TRAILER_LENGTH - 1000] ^= 0x01;
                return f;
            }
        },
        ALTERED_RECIPIENT {
            byte[] apply(byte[] f) {
                String s = new String(f, StandardCharsets.ISO_8859_1).replace("rcpt: bob@", "rcpt: eve@");
                return s.getBytes(StandardCharsets.ISO_8859_1);
            }
        },
        BYTES_APPENDED {
            byte[] apply(byte[] f) {
                byte[] g = Arrays.copyOf(f, f.length + 3);
                g[f.length] = 'x';
                return g;
            }
        },
        GARBAGE {
            byte[] apply(byte[] f) {
                return randomBytes(f.length, 10);
            }
        },
        EMPTY {
            byte[] apply(byte[] f) {
                return new byte[0];
            }
        };

        abstract byte[] apply(byte[] file);
    }

    @ParameterizedTest
    @EnumSource(Damage.class)
    void damagedEntryIsQuarantinedAndNotListed(Damage damage) throws Exception {
        QueueId good = commit(spool, randomBytes(5000, 11));
        QueueId bad = commit(spool, randomBytes(5000, 12));
        Path file = spool.queueDir().resolve(bad + ".msg");
        Files.write(file, damage.apply(Files.readAllBytes(file)));

        RecoveryReport report = Spool.open(dataDir).recover();

        assertThat(report.queued()).containsExactly(good);
        assertThat(report.quarantined()).isEqualTo(1);
        assertThat(file).doesNotExist();
        assertThat(spool.quarantineDir().resolve(bad + ".msg")).exists();
        assertThat(spool.queued()).containsExactly(good);
    }

    @Test
    void entryRenamedToAnotherIdIsQuarantined() throws Exception {
        QueueId id = commit(spool, new byte[] {1, 2, 3});
        QueueId other = spool.newId();
        Files.move(spool.queueDir().resolve(id + ".msg"), spool.queueDir().resolve(other + ".msg"));

        RecoveryReport report = spool.recover();

        assertThat(report.queued()).isEmpty();
        assertThat(spool.quarantineDir().resolve(other + ".msg")).exists();
    }

    @Test
    void unparseableNamesInQueueAreQuarantinedWithAWarning() throws Exception {
        QueueId good = commit(spool, new byte[] {1});
        Files.writeString(spool.queueDir().resolve("notes.txt"), "hello");
        Files.writeString(spool.queueDir().resolve("01j0zk3v8q4m7xr2.msg"), "lower-case id");
        Files.createDirectory(spool.queueDir().resolve("subdir"));

        Logger logger = (Logger) LoggerFactory.getLogger(Spool.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        RecoveryReport report;
        try {
            report = spool.recover();
        } finally {
            logger.detachAppender(appender);
        }

        assertThat(report.queued()).containsExactly(good);
        assertThat(report.quarantined()).isEqualTo(3);
        assertThat(spool.quarantineDir().resolve("notes.txt")).exists();
        assertThat(spool.quarantineDir().resolve("01j0zk3v8q4m7xr2.msg")).exists();
        assertThat(spool.quarantineDir().resolve("subdir")).isDirectory();
        assertThat(files(spool.queueDir())).hasSize(1);
        assertThat(appender.list)
                .filteredOn(e -> e.getLevel() == Level.WARN)
                .extracting(ILoggingEvent::getFormattedMessage)
                .hasSize(3)
                .anySatisfy(m -> assertThat(m).contains("notes.txt").contains("file name"));
    }

    @Test
    void quarantineKeepsEarlierFilesOfTheSameName() throws Exception {
        Files.writeString(spool.quarantineDir().resolve("junk"), "earlier");
        Files.writeString(spool.queueDir().resolve("junk"), "later");

        spool.recover();

        assertThat(spool.quarantineDir().resolve("junk")).hasContent("earlier");
        assertThat(spool.quarantineDir().resolve("junk.1")).hasContent("later");
    }

    @Test
    void recoveryOfAnEmptySpoolReportsNothing() throws Exception {
        assertThat(spool.recover()).isEqualTo(new RecoveryReport(List.of(), 0, 0));
    }
}
