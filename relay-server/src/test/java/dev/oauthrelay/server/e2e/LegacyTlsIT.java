package dev.oauthrelay.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.server.tls.OpenSslCli;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code legacy-tls} with the packaged jar: BoringSSL (netty-tcnative) loads from the shaded jar
 * and serves TLS 1.0 to {@code openssl s_client -tls1}; without it the relay refuses to start.
 */
class LegacyTlsIT {

    private static final String LISTENERS = """
            listeners = [
              { name = submission, address = "127.0.0.1", port = 0, tls = starttls }
              { name = smtps, address = "127.0.0.1", port = 0, tls = implicit, legacy-tls = true }
              { name = plain, address = "127.0.0.1", port = 0, tls = none }
            ]
            """;

    @TempDir
    Path dir;

    @RegisterExtension
    final RelayExtension relays = new RelayExtension();

    @Test
    void packagedRelayServesTls10OnTheLegacyListenerOnly() {
        RelayProcess relay = relays.start(dir, "", LISTENERS);

        OpenSslCli.Result legacy = OpenSslCli.sClient(relay.port(RelayProcess.SMTPS), false, "-tls1", "DEFAULT");
        assertThat(legacy.protocol()).as("%s", legacy).isEqualTo("TLSv1");
        assertThat(legacy.output()).contains("250-" + RelayProcess.HOSTNAME, "221 ");

        OpenSslCli.Result modern = OpenSslCli.sClient(relay.port(RelayProcess.SUBMISSION), true, "-tls1", "DEFAULT");
        assertThat(modern.protocol()).as("%s", modern).isNull();
    }

    @Test
    void withoutOpenSslALegacyListenerStopsTheStartWithAClearMessage() {
        RelayProcess config = RelayProcess.create(dir, "", LISTENERS); // written, not started
        Clients.Result run = Clients.run(List.of("env", "RELAY_JAVA_OPTS=-Dio.netty.handler.ssl.noOpenSsl=true",
                RelayProcess.launcher().toString(), "run", "--config", config.configFile().toString()), null);
        assertThat(run.exitCode()).as("%s", run).isNotZero();
        assertThat(run.output()).contains("legacy-tls = true on listener(s) smtps needs Netty's OpenSSL provider")
                .doesNotContain("listening: smtps");
    }
}
