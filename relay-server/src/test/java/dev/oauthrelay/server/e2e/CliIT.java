package dev.oauthrelay.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.auth.PasswordHasher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's other commands, as an operator uses them. */
class CliIT {

    @TempDir
    Path dir;

    @Test
    void hashPasswordPrintsABcryptHashOfTheLineOnStdin() {
        String password = "Sc4nner pass wörd";

        Clients.Result result = Clients.run(List.of(RelayProcess.launcher().toString(), "hash-password"),
                (password + "\n").getBytes(StandardCharsets.UTF_8));

        assertThat(result.exitCode()).as("%s", result).isZero();
        String hash = result.stdout().strip();
        assertThat(hash).as("%s", result).startsWith("$2y$").doesNotContain("\n");
        assertThat(PasswordHasher.verify(hash, password.toCharArray())).isTrue();
        assertThat(PasswordHasher.verify(hash, "other".toCharArray())).isFalse();
        assertThat(result.output()).doesNotContain(password);
    }

    @Test
    void invalidConfigurationStopsTheRelayWithExitCode2NamingTheKey() throws Exception {
        Path config = dir.resolve("bad.conf");
        Files.writeString(config, """
                relay {
                  data-dir = "%s"
                  listeners = [ { name = submission, address = "127.0.0.1", port = 99999 } ]
                }
                """.formatted(dir.resolve("data")));

        Clients.Result result = Clients.run(
                List.of(RelayProcess.launcher().toString(), "run", "--config", config.toString()), null);

        assertThat(result.exitCode()).as("%s", result).isEqualTo(2);
        assertThat(result.stderr())
                .startsWith("relay: invalid configuration: relay.listeners[0].port: ")
                .contains("99999");
        assertThat(result.stderr()).doesNotContain("listening:");
        assertThat(dir.resolve("data")).doesNotExist();
    }
}
