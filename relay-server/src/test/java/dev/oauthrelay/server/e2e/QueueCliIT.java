package dev.oauthrelay.server.e2e;

import static dev.oauthrelay.server.e2e.RelayProcess.MAILBOX;
import static dev.oauthrelay.server.e2e.RelayProcess.PASSWORD;
import static dev.oauthrelay.server.e2e.RelayProcess.USER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.oauthrelay.server.standin.StandInExchange.ReceivedMessage;
import dev.oauthrelay.server.standin.StandInExchange.Stage;
import dev.oauthrelay.server.standin.StandIns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code relay queue} as an operator runs it on the relay's host, with the relay's configuration
 * file: through the running relay's admin port (its port and token found in the data directory,
 * as the test configuration sets neither), and from the spool files once the relay is stopped.
 * The relay delivers to the Microsoft stand-ins; deferred messages wait an hour, so only the
 * operator brings them back within a test.
 */
class QueueCliIT {

    private static final String SEND_AS_REFUSED = "550 5.7.60 SMTP; Client does not have permissions to send as this sender";
    private static final String TRY_LATER = "451 4.3.2 Temporary server error. Please try again later";

    @TempDir
    Path dir;

    @RegisterExtension
    final RelayExtension relays = new RelayExtension();

    StandIns standIns;
    RelayProcess relay;

    @BeforeEach
    void start() throws Exception {
        standIns = StandIns.start(dir.resolve("stand-ins"));
        relay = relays.start(Files.createDirectories(dir.resolve("relay")), "",
                standIns.settings().withoutNotices().render() + "delivery.retry { initial-delay = 1h, max-delay = 2h }");
    }

    @AfterEach
    void stopStandIns() {
        relay.stop();
        standIns.close();
    }

    private Clients.Result queue(String... args) {
        List<String> cmd = new ArrayList<>(List.of(RelayProcess.launcher().toString(), "queue"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--config", relay.configFile().toString()));
        return Clients.run(cmd, null);
    }

    /** The printer sends one message with swaks (STARTTLS, AUTH LOGIN); its queue id. */
    private String send(String subject) {
        Clients.Result swaks = Clients.swaks("--server", "127.0.0.1:" + relay.port(RelayProcess.SUBMISSION), "--tls",
                "--auth", "LOGIN", "--auth-user", USER, "--auth-password", PASSWORD,
                "--from", MAILBOX, "--to", "alice@fabrikam.example", "--header", "Subject: " + subject,
                "--body", "the body text");
        assertThat(swaks.exitCode()).as("%s", swaks).isZero();
        return swaks.queueId();
    }

    private String deferred(String subject) {
        standIns.exchange().failNext(Stage.MAIL, 1, TRY_LATER);
        String id = send(subject);
        await("the first attempt of " + id).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> Files.exists(relay.dataDir().resolve("spool/state/" + id + ".state")));
        return id;
    }

    private void awaitDelivered(String subject) {
        await("delivery of " + subject).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> standIns.messagesAs(StandIns.PRINTER).stream()
                        .anyMatch(m -> m.contentAsString().contains("Subject: " + subject)));
    }

    @Test
    void anOperatorListsShowsReleasesRetriesAndDeletesThroughTheRunningRelay() {
        standIns.exchange().failNext(Stage.MAIL, 1, SEND_AS_REFUSED);
        String dead = send("refused at first");
        await("dead-lettering").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> !QueuedMessages.deadLettered(relay.dataDir()).isEmpty());
        String waiting = deferred("deferred");

        Clients.Result list = queue("list");
        assertThat(list.exitCode()).as("%s", list).isZero();
        assertThat(list.stderr()).as("through the running relay").doesNotContain("not running");
        assertThat(list.stdout()).containsPattern(dead + " +dead-letter +\\S+ +" + USER + " +" + MAILBOX)
                .containsPattern(waiting + " +waiting .* 1/0/0 +1 +in \\S+ +MAIL: " + TRY_LATER)
                .contains("1 queued, 1 dead-lettered, 0 damaged or quarantined");
        Clients.Result json = queue("list", "--format", "json");
        assertThat(json.stdout()).startsWith("{\"source\":\"relay\",\"messages\":[").contains("\"id\":\"" + dead + "\"");

        Clients.Result show = queue("show", dead);
        assertThat(show.exitCode()).as("%s", show).isZero();
        assertThat(show.stdout()).contains("Message " + dead + " (dead-letter)", "failed    <alice@fabrikam.example> "
                + SEND_AS_REFUSED, "Subject: refused at first", "Identity:   " + USER + " (account)")
                .doesNotContain("the body text");

        // The mailbox's SendAs rights have been fixed (the stand-in's fault is used up): send it again.
        Clients.Result release = queue("release", dead);
        assertThat(release.exitCode()).as("%s", release).isZero();
        assertThat(release.stdout()).contains("released " + dead);
        awaitDelivered("refused at first");

        Clients.Result retry = queue("retry", waiting);
        assertThat(retry.exitCode()).as("%s", retry).isZero();
        awaitDelivered("deferred");

        String unwanted = deferred("unwanted");
        Clients.Result delete = queue("delete", unwanted);
        assertThat(delete.exitCode()).as("%s", delete).isZero();
        assertThat(delete.stdout()).contains("deleted " + unwanted + " from the queue");
        assertThat(queue("list").stdout()).contains("The queue is empty");
        assertThat(queue("delete", unwanted).exitCode()).as("nothing left to delete").isEqualTo(1);
        assertThat(queue("release", "not-a-queue-id").exitCode()).isEqualTo(2);

        List<ReceivedMessage> received = standIns.messagesAs(StandIns.PRINTER);
        assertThat(received).hasSize(2);
        assertThat(relay.output()).containsPattern("queue delete " + unwanted + " by admin API \\(relay queue \\(\\S+\\)"
                + " from 127\\.0\\.0\\.1\\): DONE");
    }

    @Test
    void whenTheRelayIsStoppedListAndShowReadTheSpoolAndChangesAreRefused() {
        String id = deferred("while stopped");
        relay.stop();

        Clients.Result list = queue("list");
        assertThat(list.exitCode()).as("%s", list).isZero();
        assertThat(list.stderr()).contains("the relay is not running", "reading the spool in");
        assertThat(list.stdout()).containsPattern(id + " +queued .* 1/0/0 +1 ");
        Clients.Result show = queue("show", id, "--format", "json");
        assertThat(show.exitCode()).as("%s", show).isZero();
        assertThat(show.stdout()).contains("\"id\":\"" + id + "\"", "Subject: while stopped");

        for (String change : List.of("retry", "delete")) {
            Clients.Result r = queue(change, id);
            assertThat(r.exitCode()).as("%s", r).isEqualTo(3);
            assertThat(r.stderr()).contains("the relay is not running", "start it and try again");
        }
        assertThat(QueuedMessages.ids(relay.dataDir())).containsExactly(id);
        assertThat(queue("show", "0000000000000000").exitCode()).isEqualTo(1);
    }
}
