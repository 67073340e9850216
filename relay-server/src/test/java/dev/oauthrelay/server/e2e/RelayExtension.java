package dev.oauthrelay.server.e2e;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts relay processes for a test and stops every one of them after it (SIGTERM, then SIGKILL),
 * printing their output when the test failed. Use as
 * {@code @RegisterExtension final RelayExtension relays = new RelayExtension();} next to a
 * {@code @TempDir}; JUnit deletes the directory only after this callback has stopped the processes.
 */
final class RelayExtension implements AfterEachCallback {

    private final List<RelayProcess> started = new ArrayList<>();

    /** A relay with the standard test configuration in {@code dir}, started. */
    RelayProcess start(Path dir) {
        return start(dir, "");
    }

    /** As {@link #start(Path)}, with JVM options passed through {@code RELAY_JAVA_OPTS}. */
    RelayProcess start(Path dir, String javaOpts) {
        return start(dir, javaOpts, "");
    }

    /** As {@link #start(Path, String)}, with extra HOCON inside {@code relay { }} (see {@link RelayProcess#create(Path, String, String)}). */
    RelayProcess start(Path dir, String javaOpts, String extra) {
        RelayProcess relay = RelayProcess.create(dir, javaOpts, extra);
        started.add(relay);
        return relay.start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        for (RelayProcess relay : started) {
            relay.stop();
            if (context.getExecutionException().isPresent()) {
                System.out.println("===== relay output (" + context.getDisplayName() + ") =====");
                System.out.println(relay.output());
            }
        }
        started.clear();
    }
}
