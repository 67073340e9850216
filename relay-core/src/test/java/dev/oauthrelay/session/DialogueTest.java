package dev.oauthrelay.session;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Replays every dialogue script under {@code src/test/resources/dialogues} against a session. */
class DialogueTest {

    /** Every script in the dialogues folder: adding a file adds a test. */
    static List<String> scripts() throws Exception {
        Path dir = Path.of(DialogueTest.class.getResource("/dialogues").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".dlg"))
                    .map(n -> n.substring(0, n.length() - 4)).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> dialogues() throws Exception {
        return scripts().stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            Path dir = Files.createTempDirectory("dialogue-" + name);
            try {
                new DialogueRunner(dir).run(name, load(name));
            } finally {
                deleteTree(dir);
            }
        }));
    }

    static List<String> load(String name) throws IOException {
        try (InputStream in = DialogueTest.class.getResourceAsStream("/dialogues/" + name + ".dlg")) {
            if (in == null) {
                throw new IOException("no dialogue " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
