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

    static final List<String> SCRIPTS = List.of(
            "ehlo-advertises-extensions", "helo-only-printer", "auth-login-printer", "auth-plain-variants",
            "auth-refused-on-plaintext", "auth-plaintext-allowed", "unauthenticated-refused",
            "trusted-network-rewrites-sender", "trusted-ipv6-network", "sender-not-allowed", "sender-domain-pattern",
            "sloppy-syntax", "command-sequence", "parameters", "smtputf8", "limits", "starttls-resets-session",
            "too-many-errors", "free-space", "quit-and-misc", "dot-stuffed-data", "commit-failure",
            "smuggling-strict-bare-lf", "smuggling-strict-bare-cr", "smuggling-strict-after-a-good-message",
            "smuggling-normalize", "smuggling-trusted-network-normalizes",
            "header-repair-defaults", "header-repair-rewrite-from", "header-repair-off");

    @TestFactory
    Stream<DynamicTest> dialogues() {
        return SCRIPTS.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
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
