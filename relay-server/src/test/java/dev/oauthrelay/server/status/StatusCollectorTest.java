package dev.oauthrelay.server.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.inventory.DeviceInventory;
import dev.oauthrelay.server.health.CheckResult;
import dev.oauthrelay.server.health.Readiness;
import dev.oauthrelay.server.status.StatusView.Health;
import dev.oauthrelay.spool.DeliveryState;
import dev.oauthrelay.spool.DeliveryState.RecipientStatus;
import dev.oauthrelay.spool.DeliveryState.Status;
import dev.oauthrelay.spool.Envelope;
import dev.oauthrelay.spool.QueueId;
import dev.oauthrelay.spool.Spool;
import dev.oauthrelay.spool.SpoolWriter;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the status page is built from: the spool as it lies on disk, the inventory and the health checks. */
class StatusCollectorTest {

    private static final Instant NOW = Instant.parse("2026-11-29T06:15:30Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir
    Path dir;

    private static QueueId commit(Spool spool, String from, String helo) throws Exception {
        QueueId id = spool.newId();
        Envelope env = new Envelope(id, id.timestamp(), "printer", Envelope.KIND_ACCOUNT, "printer@contoso.com", from,
                List.of(), List.of("alice@fabrikam.example", "bob@fabrikam.example"), "192.0.2.7", helo, "TLSv1.1");
        try (SpoolWriter w = spool.begin(env)) {
            w.write(ByteBuffer.wrap("Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII)));
            w.commit();
        }
        return id;
    }

    private static DeliveryState state(int attempts, String lastError, Status bob, String bobReply) {
        Map<String, RecipientStatus> r = new LinkedHashMap<>();
        r.put("alice@fabrikam.example", new RecipientStatus(Status.DELIVERED, "250 2.1.5 OK"));
        r.put("bob@fabrikam.example", new RecipientStatus(bob, bobReply));
        return new DeliveryState(attempts, NOW.plusSeconds(60), lastError, false, r);
    }

    @Test
    void queueDeferralsAndDeadLettersComeFromTheSpoolAndDevicesFromTheInventory() throws Exception {
        Spool spool = Spool.open(dir);
        QueueId waiting = commit(spool, "printer@contoso.com", "mfp");
        QueueId deferred = commit(spool, "printer@contoso.com", "mfp");
        QueueId failed = commit(spool, "<script>@contoso.com", "mfp");
        QueueId held = commit(spool, "printer@contoso.com", "mfp");
        QueueId notTriedYet = commit(spool, "printer@contoso.com", "mfp");
        spool.writeState(deferred, state(2, "535 5.7.139 Authentication unsuccessful", Status.PENDING, ""));
        spool.writeState(held, state(0, "throttled: 432 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded",
                Status.PENDING, ""));
        spool.writeState(notTriedYet, state(0, "", Status.PENDING, ""));
        spool.deadLetter(failed, """
                queue-id: %s
                received: 2026-11-29T05:00:00Z
                identity: printer (account)
                mailbox: printer@contoso.com
                mail-from: <<script>@contoso.com>
                attempts: 1
                recipient: <alice@fabrikam.example> delivered: 250 2.1.5 OK
                recipient: <bob@fabrikam.example> failed: 550 5.7.60 SMTP; Client does not have permissions
                """.formatted(failed), state(1, "", Status.FAILED, "550 5.7.60 SMTP; Client does not have permissions"));
        DeviceInventory inventory = new DeviceInventory(CLOCK, 100, 20);
        inventory.helo(InetAddress.getByName("192.0.2.7"), "mfp");
        Health health = new Health(true, List.of(new StatusView.Check("spool", true, true, "ok")));

        StatusView view = new StatusCollector(spool, Optional.empty(), Optional.of(inventory), () -> health, CLOCK)
                .collect();

        assertThat(view.asOf()).isEqualTo(NOW);
        assertThat(view.health()).isEqualTo(health);
        assertThat(view.tokens()).as("no upstream account: not configured").isEmpty();
        assertThat(view.queue().queued()).isEqualTo(4);
        assertThat(view.queue().oldest()).hasValue(waiting.timestamp());
        assertThat(view.queue().scanned()).isEqualTo(4);
        assertThat(view.queue().deferred()).as("the deferred one and the held one").isEqualTo(2);
        assertThat(view.queue().deadLettered()).isEqualTo(1);
        assertThat(view.queue().deferrals()).extracting(StatusView.Deferral::id).containsExactly(deferred, held);
        assertThat(view.queue().deferrals()).first().satisfies(d -> {
            assertThat(d.id()).isEqualTo(deferred);
            assertThat(d.attempts()).isEqualTo(2);
            assertThat(d.nextAttempt()).isEqualTo(NOW.plusSeconds(60));
            assertThat(d.lastError()).isEqualTo("535 5.7.139 Authentication unsuccessful");
            assertThat(d.pending()).containsExactly("bob@fabrikam.example");
        });
        assertThat(view.deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.id()).isEqualTo(failed);
            assertThat(d.received()).isEqualTo(Instant.parse("2026-11-29T05:00:00Z"));
            assertThat(d.mailFrom()).isEqualTo("<script>@contoso.com");
            assertThat(d.failed()).containsExactly(
                    Map.entry("bob@fabrikam.example", "550 5.7.60 SMTP; Client does not have permissions"));
        });
        assertThat(view.devices()).hasValueSatisfying(d -> assertThat(d).singleElement()
                .satisfies(device -> assertThat(device.heloNames()).containsExactly("mfp")));
    }

    @Test
    void theHealthSectionShowsTheReadinessChecksOfHealthReady() {
        Readiness.Report report = new Readiness()
                .add("spool", true, () -> CheckResult.up("112 GB free"))
                .add("token", false, () -> CheckResult.down("no valid token; the last fetch failed: AADSTS7000215"))
                .evaluate();
        Health health = Health.of(report);
        assertThat(health.up()).as("only a check that is not required fails").isTrue();
        assertThat(health.checks()).containsExactly(new StatusView.Check("spool", true, true, "112 GB free"),
                new StatusView.Check("token", false, false, "no valid token; the last fetch failed: AADSTS7000215"));
    }

    @Test
    void failingHealthChecksAndAnInventoryThatIsOffAreShownAsSuch() throws Exception {
        Spool spool = Spool.open(dir);
        StatusView view = new StatusCollector(spool, Optional.empty(), Optional.empty(), () -> {
            throw new IllegalStateException("boom");
        }, CLOCK).collect();
        assertThat(view.health().up()).isFalse();
        assertThat(view.health().checks()).singleElement()
                .satisfies(c -> assertThat(c.reason()).contains("could not be run", "boom"));
        assertThat(view.devices()).isEmpty();
        assertThat(view.queue().queued()).isZero();
        assertThat(view.queue().oldest()).isEmpty();
        assertThat(StatusPage.render(view)).contains("The device inventory is off");
    }
}
