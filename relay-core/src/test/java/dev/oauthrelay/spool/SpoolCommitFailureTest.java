package dev.oauthrelay.spool;

import static dev.oauthrelay.spool.TestMessages.envelope;
import static dev.oauthrelay.spool.TestMessages.files;
import static dev.oauthrelay.spool.TestMessages.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every durability step of commit can fail; none may leave a visible entry or a temp file. */
class SpoolCommitFailureTest {

    enum Step { FORCE, MOVE, MOVE_DONE_BUT_REPORTED_FAILED, DIR_SYNC }

    /** The real operations, except that the chosen step throws. */
    static final class FailingOps implements DurableOps {
        final Step failing;
        boolean armed;

        FailingOps(Step failing) {
            this.failing = failing;
        }

        @Override
        public void force(FileChannel channel) throws IOException {
            fail(Step.FORCE);
            REAL.force(channel);
        }

        @Override
        public void atomicMove(Path source, Path target) throws IOException {
            fail(Step.MOVE);
            REAL.atomicMove(source, target);
            fail(Step.MOVE_DONE_BUT_REPORTED_FAILED);
        }

        @Override
        public void syncDirectory(Path dir) throws IOException {
            fail(Step.DIR_SYNC);
            REAL.syncDirectory(dir);
        }

        private void fail(Step step) throws IOException {
            if (armed && step == failing) {
                armed = false; // only once, so cleanup can use the same operation
                throw new IOException("injected failure at " + step);
            }
        }
    }

    @TempDir
    Path dataDir;

    @ParameterizedTest
    @EnumSource(Step.class)
    void failedCommitThrowsAndLeavesNothingInQueueOrTmp(Step step) throws Exception {
        FailingOps ops = new FailingOps(step);
        Spool spool = Spool.open(dataDir, ops);
        SpoolWriter w = spool.begin(envelope(spool.newId()));
        w.write(ByteBuffer.wrap(randomBytes(100_000, 7)));
        ops.armed = true;

        assertThatThrownBy(w::commit).isInstanceOf(IOException.class).hasMessageContaining("injected");

        assertThat(files(spool.queueDir())).isEmpty();
        assertThat(files(spool.tmpDir())).isEmpty();
        assertThat(spool.queued()).isEmpty();
        assertThatThrownBy(() -> w.write(ByteBuffer.wrap(new byte[1]))).isInstanceOf(IllegalStateException.class);
        w.close();
    }

    @ParameterizedTest
    @EnumSource(Step.class)
    void spoolStillWorksAfterAFailedCommit(Step step) throws Exception {
        FailingOps ops = new FailingOps(step);
        Spool spool = Spool.open(dataDir, ops);
        SpoolWriter failed = spool.begin(envelope(spool.newId()));
        ops.armed = true;
        assertThatThrownBy(failed::commit).isInstanceOf(IOException.class);

        QueueId id = TestMessages.commit(spool, new byte[] {42});
        assertThat(spool.queued()).containsExactly(id);
    }
}
