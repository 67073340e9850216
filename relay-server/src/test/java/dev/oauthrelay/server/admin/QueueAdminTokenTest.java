package dev.oauthrelay.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.server.Relay;
import dev.oauthrelay.server.listener.SmtpTestClient;
import dev.oauthrelay.server.listener.TestRelay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may change the queue over the admin port: reading is open, changing needs the bearer token,
 * either the configured one or, without one, the token the relay generates into its data
 * directory for the CLI on the host. The relay here does not deliver (no app registration), so
 * changes act on the spool files directly.
 */
class QueueAdminTokenTest {

    @TempDir
    Path dir;
    Relay relay;

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
    }

    private String queueOne() throws Exception {
        try (SmtpTestClient c = TestRelay.loggedIn(relay, "printer-2og")) {
            return SmtpTestClient.queueId(c.sendMail(TestRelay.MAILBOX, List.of("alice@fabrikam.example"),
                    "Subject: hi\r\n\r\nbody\r\n"));
        }
    }

    @Test
    void withoutAConfiguredTokenTheGeneratedOneInTheDataDirectoryIsTheOnlyKey() throws Exception {
        Path data = dir.resolve("data");
        relay = TestRelay.start(data, "");
        Path tokenFile = data.resolve(AdminAccessFiles.TOKEN_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
        String token = Files.readString(tokenFile).strip();
        assertThat(token).matches("[0-9a-f]{64}");
        assertThat(AdminAccessFiles.readPort(data)).hasValue(relay.adminPort());
        String id = queueOne();

        AdminHttp anonymous = new AdminHttp(relay.adminPort(), Optional.empty());
        assertThat(anonymous.get("/queue").message(id)).containsEntry("folder", "queue");
        assertThat(anonymous.get("/queue/" + id).status()).isEqualTo(200);
        AdminHttp.Reply noToken = anonymous.delete("/queue/" + id);
        assertThat(noToken.status()).isEqualTo(401);
        assertThat(new AdminHttp(relay.adminPort(), Optional.of(token + "0")).delete("/queue/" + id).status())
                .isEqualTo(401);
        assertThat(anonymous.post("/queue/retry-all").status()).isEqualTo(401);
        assertThat(relay.spool().queued()).hasSize(1);

        AdminHttp operator = new AdminHttp(relay.adminPort(), Optional.of(token));
        AdminHttp.Reply retry = operator.post("/queue/" + id + "/retry");
        assertThat(retry.status()).isEqualTo(409);
        assertThat((String) retry.json().get("message")).contains("does not deliver");
        assertThat(operator.delete("/queue/" + id).status()).isEqualTo(200);
        assertThat(relay.spool().queued()).isEmpty();

        relay.close();
        relay = null;
        assertThat(tokenFile).as("withdrawn when the relay stops").doesNotExist();
        assertThat(data.resolve(AdminAccessFiles.PORT_FILE)).doesNotExist();
    }

    @Test
    void aConfiguredTokenReplacesTheGeneratedOneWhoseFileIsRemoved() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve(AdminAccessFiles.TOKEN_FILE), "stale-token-of-an-earlier-run\n");
        String configured = "configured-token-0123456789abcdef";
        relay = TestRelay.start(data, "admin.token = \"" + configured + "\"");

        assertThat(data.resolve(AdminAccessFiles.TOKEN_FILE)).doesNotExist();
        String id = queueOne();
        assertThat(new AdminHttp(relay.adminPort(), Optional.of("stale-token-of-an-earlier-run"))
                .delete("/queue/" + id).status()).isEqualTo(401);
        assertThat(new AdminHttp(relay.adminPort(), Optional.of(configured)).delete("/queue/" + id).status())
                .isEqualTo(200);
    }
}
