package dev.oauthrelay.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.observe.RelayEvents.AuthFailure;
import dev.oauthrelay.spool.Envelope;
import dev.oauthrelay.spool.QueueId;
import dev.oauthrelay.testsupport.MutableClock;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DeviceInventoryTest {

    private static final Instant T0 = Instant.parse("2026-11-29T06:00:00Z");
    private final MutableClock clock = new MutableClock(T0);

    static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static Envelope envelope(String client, String kind, String identity, String from) {
        return new Envelope(QueueId.parse("01J0ZK3V8Q4M7XR2"), T0, identity, kind, "printer@contoso.com", from,
                List.of(), List.of("alice@fabrikam.example"), client, "mfp-2og", "none");
    }

    @Test
    void aSessionWithAMessageFillsInEverythingTheDeviceDid() {
        DeviceInventory inventory = new DeviceInventory(clock, 100, 20);
        InetAddress printer = ip("192.0.2.7");

        inventory.sessionOpened("submission", printer);
        inventory.tlsEstablished("submission", printer, "TLSv1.2");
        inventory.helo(printer, "MFP-2OG");
        inventory.authFailed(printer, "Pr1nter-Secret", AuthFailure.BAD_CREDENTIALS);
        inventory.authSucceeded(printer, "printer");
        clock.advance(Duration.ofMinutes(1));
        inventory.messageReceived(envelope("192.0.2.7", Envelope.KIND_ACCOUNT, "printer", "scan@contoso.com"), 1234, "<a@b>");
        inventory.messageRefused(printer, "printer", 552);
        inventory.messageFailed(envelope("192.0.2.7", Envelope.KIND_ACCOUNT, "printer", "scan@contoso.com"), 1, "550 5.7.60");

        assertThat(inventory.snapshot()).singleElement().satisfies(d -> {
            assertThat(d.address()).isEqualTo("192.0.2.7");
            assertThat(d.firstSeen()).isEqualTo(T0);
            assertThat(d.lastSeen()).isEqualTo(T0.plus(Duration.ofMinutes(1)));
            assertThat(d.accounts()).containsExactly("printer");
            assertThat(d.networks()).isEmpty();
            assertThat(d.heloNames()).containsExactly("MFP-2OG", "mfp-2og");
            assertThat(d.tlsProtocols()).containsExactly("TLSv1.2", "none");
            assertThat(d.senders()).containsExactly("scan@contoso.com");
            assertThat(d.sessions()).isEqualTo(1);
            assertThat(d.messages()).isEqualTo(1);
            assertThat(d.bytes()).isEqualTo(1234);
            assertThat(d.authFailures()).isEqualTo(1);
            assertThat(d.refused()).isEqualTo(1);
            assertThat(d.deliveryFailures()).isEqualTo(1);
        });
        assertThat(inventory.snapshot().toString()).as("a failed username is never kept").doesNotContain("Pr1nter-Secret");
    }

    @Test
    void trustedNetworksAndTheNullSenderAreListedAsSuch() {
        DeviceInventory inventory = new DeviceInventory(clock, 100, 20);
        inventory.messageReceived(envelope("2001:db8::7", Envelope.KIND_TRUSTED_NETWORK, "office-lan", ""), 10, null);

        Device d = inventory.snapshot().get(0);
        assertThat(d.address()).isEqualTo("2001:db8::7");
        assertThat(d.networks()).containsExactly("office-lan");
        assertThat(d.accounts()).isEmpty();
        assertThat(d.senders()).containsExactly("<>");
    }

    @Test
    void noticesTheRelayWroteItselfAreNoDevice() {
        DeviceInventory inventory = new DeviceInventory(clock, 100, 20);
        inventory.messageReceived(envelope("127.0.0.1", Envelope.KIND_RELAY, "relay", ""), 10, null);
        inventory.messageFailed(envelope("127.0.0.1", Envelope.KIND_RELAY, "relay", ""), 1, "550");
        assertThat(inventory.snapshot()).isEmpty();
    }

    @Test
    void aDeliveryFailureCountsButIsNotASighting() {
        DeviceInventory inventory = new DeviceInventory(clock, 100, 20);
        inventory.sessionOpened("plain", ip("192.0.2.7"));
        clock.advance(Duration.ofHours(1));
        inventory.messageFailed(envelope("192.0.2.7", Envelope.KIND_ACCOUNT, "printer", "a@b"), 5, "550");
        inventory.messageFailed(envelope("192.0.2.99", Envelope.KIND_ACCOUNT, "printer", "a@b"), 5, "550");

        assertThat(inventory.snapshot()).singleElement().satisfies(d -> {
            assertThat(d.lastSeen()).isEqualTo(T0);
            assertThat(d.deliveryFailures()).isEqualTo(1);
        });
    }

    @Test
    void beyondTheCapTheLeastRecentlySeenDeviceIsEvicted() {
        DeviceInventory inventory = new DeviceInventory(clock, 3, 20);
        for (String a : List.of("192.0.2.1", "192.0.2.2", "192.0.2.3")) {
            inventory.sessionOpened("plain", ip(a));
            clock.advance(Duration.ofSeconds(1));
        }
        inventory.helo(ip("192.0.2.1"), "again"); // seen again: now the most recent
        clock.advance(Duration.ofSeconds(1));
        inventory.sessionOpened("plain", ip("192.0.2.4"));

        assertThat(inventory.snapshot()).extracting(Device::address)
                .containsExactly("192.0.2.4", "192.0.2.1", "192.0.2.3");
    }

    @Test
    void namesPerDeviceAreCappedKeepingTheMostRecentlyUsedAndCutWhenLong() {
        DeviceInventory inventory = new DeviceInventory(clock, 10, 3);
        InetAddress a = ip("192.0.2.1");
        for (String helo : List.of("one", "two", "three", "one", "four")) {
            inventory.helo(a, helo);
        }
        inventory.helo(a, "x".repeat(254) + "\uD83D\uDE00" + "tail"); // a surrogate pair across the cut

        List<String> names = inventory.snapshot().get(0).heloNames();
        assertThat(names).hasSize(3).startsWith("one", "four");
        assertThat(names.get(2)).isEqualTo("x".repeat(254));
    }

    @Test
    void restoredDevicesKeepCountingAndKeepTheirPlaceInTheEvictionOrder() {
        DeviceInventory before = new DeviceInventory(clock, 10, 20);
        before.sessionOpened("plain", ip("192.0.2.1"));
        clock.advance(Duration.ofSeconds(1));
        before.sessionOpened("plain", ip("192.0.2.2"));
        before.messageReceived(envelope("192.0.2.2", Envelope.KIND_ACCOUNT, "printer", "a@b"), 100, null);
        List<Device> saved = before.snapshot();

        DeviceInventory after = new DeviceInventory(clock, 2, 20);
        after.restore(saved);
        clock.advance(Duration.ofSeconds(1));
        after.messageReceived(envelope("192.0.2.2", Envelope.KIND_ACCOUNT, "printer", "a@b"), 50, null);
        after.sessionOpened("plain", ip("192.0.2.3"));

        assertThat(after.snapshot()).extracting(Device::address).containsExactly("192.0.2.3", "192.0.2.2");
        Device printer = after.snapshot().get(1);
        assertThat(printer.messages()).isEqualTo(2);
        assertThat(printer.bytes()).isEqualTo(150);
        assertThat(printer.firstSeen()).isEqualTo(T0.plusSeconds(1));
    }

    @Test
    void changesTellASaverWhetherThereIsAnythingNew() {
        DeviceInventory inventory = new DeviceInventory(clock, 10, 20);
        long start = inventory.changes();
        inventory.sessionOpened("plain", ip("192.0.2.1"));
        assertThat(inventory.changes()).isGreaterThan(start);
    }

    @Test
    void concurrentEventsFromManyThreadsAreAllCounted() throws Exception {
        DeviceInventory inventory = new DeviceInventory(clock, 1000, 20);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int t = 0; t < 8; t++) {
                pool.execute(() -> {
                    for (int i = 0; i < 1000; i++) {
                        inventory.sessionOpened("plain", ip("192.0.2." + (i % 10)));
                        inventory.helo(ip("192.0.2." + (i % 10)), "h" + (i % 30));
                    }
                });
            }
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(inventory.snapshot()).hasSize(10)
                .allSatisfy(d -> assertThat(d.sessions()).isEqualTo(800))
                .allSatisfy(d -> assertThat(d.heloNames()).hasSize(3));
    }
}
