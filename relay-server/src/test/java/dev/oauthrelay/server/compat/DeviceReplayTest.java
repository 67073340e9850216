package dev.oauthrelay.server.compat;

import dev.oauthrelay.server.standin.StandIns;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The compatibility suite's device half: every {@code src/test/resources/compat/*.replay} is the
 * dialogue of a classic device, replayed byte for byte over a socket against a relay of its own
 * that delivers to the Exchange stand-in (see {@link Replay} for the format, {@link ReplayRunner}
 * for the relay). Adding a device is adding a file.
 */
class DeviceReplayTest {

    @TempDir
    static Path dir;
    static StandIns standIns;

    @BeforeAll
    static void startStandIns() throws Exception {
        standIns = StandIns.start(dir.resolve("stand-ins"));
    }

    @AfterAll
    static void stopStandIns() {
        standIns.close();
    }

    /** Every replay in the compat folder. */
    static List<String> replays() throws Exception {
        Path folder = Path.of(DeviceReplayTest.class.getResource("/compat").toURI());
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".replay"))
                    .map(n -> n.substring(0, n.length() - ".replay".length())).sorted().toList();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("replays")
    void deviceDialogue(String name) throws Exception {
        ReplayRunner.run(Replay.parse(name, load(name)), standIns, dir.resolve(name));
    }

    private static List<String> load(String name) throws IOException {
        try (InputStream in = DeviceReplayTest.class.getResourceAsStream("/compat/" + name + ".replay")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }
}
