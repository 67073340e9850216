package dev.oauthrelay.server.cli;

import dev.oauthrelay.diagnosis.ErrorExplainer;
import java.io.PrintStream;

/** Prints the steps of {@code relay check} with a verdict each, and remembers whether all passed. */
final class CheckReport {

    private final PrintStream out;
    private boolean failed;

    CheckReport(PrintStream out) {
        this.out = out;
    }

    void ok(String step, String detail) {
        out.println("[ ok ] " + step + ": " + detail);
    }

    void warn(String step, String detail, String fix) {
        out.println("[warn] " + step + ": " + detail);
        out.println("       fix: " + fix);
    }

    /** Something the check cannot prove, said so that no one mistakes the other verdicts for it. */
    void note(String step, String detail) {
        out.println("[note] " + step + ": " + detail);
    }

    /** A failure, explained with the shared translator where the error is a known one. */
    void fail(String step, String error, String fallbackCause, String fallbackFix) {
        failed = true;
        out.println("[FAIL] " + step + ": " + error);
        var diagnosis = ErrorExplainer.explain(error);
        out.println("       likely cause: " + diagnosis.map(d -> d.problem()).orElse(fallbackCause));
        out.println("       fix: " + diagnosis.map(d -> d.fix()).orElse(fallbackFix));
    }

    /** Loads the configuration, reporting a failure (and returning empty) if it is invalid. */
    java.util.Optional<dev.oauthrelay.server.config.RelayConfig> loadConfig(java.nio.file.Path file) {
        try {
            return java.util.Optional.of(dev.oauthrelay.server.config.ConfigLoader.load(java.util.Optional.of(file)));
        } catch (dev.oauthrelay.server.config.InvalidConfigException e) {
            fail("configuration", e.getMessage(), "the file has an invalid or misspelt setting",
                    "correct the keys named above (see reference.conf for every key)");
            return java.util.Optional.empty();
        }
    }

    boolean allPassed() {
        return !failed;
    }
}
