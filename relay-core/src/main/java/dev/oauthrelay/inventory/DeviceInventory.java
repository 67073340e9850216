package dev.oauthrelay.inventory;

import dev.oauthrelay.observe.RelayEvents;
import dev.oauthrelay.spool.Envelope;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Consumer;

/**
 * The devices seen, in memory, updated from the relay's events. Thread-safe: every update is a
 * few field changes under one lock, so it is cheap enough for a Netty event loop; nothing here
 * does I/O. Bounded: at most {@code maxDevices} devices (the least recently seen one goes first)
 * and {@code maxNamesPerDevice} values per list, each at most {@value #MAX_NAME_LENGTH}
 * characters, because HELO names come from anyone who connects.
 */
public final class DeviceInventory implements RelayEvents {

    /** Longer names (HELO, sender) are cut: DNS names and addresses are shorter than this. */
    public static final int MAX_NAME_LENGTH = 255;
    static final String NULL_SENDER = "<>";

    private final Clock clock;
    private final int maxDevices;
    private final int maxNames;
    private final Object lock = new Object();
    /** Least recently seen first: an update moves its device to the end. Guarded by {@link #lock}. */
    private final LinkedHashMap<String, Entry> devices = new LinkedHashMap<>();
    /** Counts updates, so a saver can tell whether anything changed. Guarded by {@link #lock}. */
    private long changes;

    public DeviceInventory(Clock clock, int maxDevices, int maxNamesPerDevice) {
        if (maxDevices < 1 || maxNamesPerDevice < 1) {
            throw new IllegalArgumentException("maxDevices and maxNamesPerDevice must be at least 1");
        }
        this.clock = clock;
        this.maxDevices = maxDevices;
        this.maxNames = maxNamesPerDevice;
    }

    /** Adds saved devices (from before a restart), keeping the limits; a device seen already is replaced. */
    public void restore(Collection<Device> saved) {
        List<Device> oldestFirst = new ArrayList<>(saved);
        oldestFirst.sort(Comparator.comparing(Device::lastSeen));
        synchronized (lock) {
            for (Device d : oldestFirst) {
                devices.remove(d.address());
                devices.put(d.address(), new Entry(d, maxNames));
            }
            evict();
        }
    }

    /** Every device, most recently seen first. */
    public List<Device> snapshot() {
        List<Device> out = new ArrayList<>();
        synchronized (lock) {
            devices.values().forEach(e -> out.add(e.toDevice()));
        }
        Collections.reverse(out);
        return out;
    }

    /** Grows with every update; equal values mean nothing changed in between. */
    public long changes() {
        synchronized (lock) {
            return changes;
        }
    }

    public int size() {
        synchronized (lock) {
            return devices.size();
        }
    }

    @Override
    public void sessionOpened(String listener, InetAddress client) {
        seen(client.getHostAddress(), e -> e.sessions++);
    }

    @Override
    public void helo(InetAddress client, String name) {
        seen(client.getHostAddress(), e -> e.heloNames.add(name));
    }

    @Override
    public void tlsEstablished(String listener, InetAddress client, String protocol) {
        seen(client.getHostAddress(), e -> e.tlsProtocols.add(protocol));
    }

    @Override
    public void authSucceeded(InetAddress client, String username) {
        seen(client.getHostAddress(), e -> e.accounts.add(username));
    }

    /** Counted, but the username is not kept: people type passwords into the username field. */
    @Override
    public void authFailed(InetAddress client, String username, AuthFailure reason) {
        seen(client.getHostAddress(), e -> e.authFailures++);
    }

    @Override
    public void messageReceived(Envelope envelope, long size, String messageId) {
        if (envelope.identityKind().equals(Envelope.KIND_RELAY)) {
            return; // a notice the relay wrote itself: no device sent it
        }
        seen(envelope.clientAddress(), e -> {
            e.messages++;
            e.bytes += size;
            e.senders.add(envelope.mailFrom().isEmpty() ? NULL_SENDER : envelope.mailFrom());
            e.heloNames.add(envelope.heloName());
            e.tlsProtocols.add(envelope.tlsProtocol());
            (envelope.identityKind().equals(Envelope.KIND_ACCOUNT) ? e.accounts : e.networks).add(envelope.identity());
        });
    }

    @Override
    public void messageRefused(InetAddress client, String identity, int code) {
        seen(client.getHostAddress(), e -> e.refused++);
    }

    /** Counted on the device that sent it, if it is still listed; the device was not seen now. */
    @Override
    public void messageFailed(Envelope envelope, int attempts, String upstreamReply) {
        synchronized (lock) {
            Entry e = devices.get(envelope.clientAddress());
            if (e != null && !envelope.identityKind().equals(Envelope.KIND_RELAY)) {
                e.deliveryFailures++;
                changes++;
            }
        }
    }

    private void seen(String address, Consumer<Entry> update) {
        Instant now = clock.instant();
        synchronized (lock) {
            Entry e = devices.remove(address);
            if (e == null) {
                e = new Entry(address, now, maxNames);
            }
            if (now.isAfter(e.lastSeen)) {
                e.lastSeen = now;
            }
            update.accept(e);
            devices.put(address, e);
            changes++;
            evict();
        }
    }

    private void evict() {
        Iterator<Entry> oldest = devices.values().iterator();
        while (devices.size() > maxDevices) {
            oldest.next();
            oldest.remove();
        }
    }

    /** One device while it is in memory. Guarded by the inventory's lock. */
    private static final class Entry {
        final String address;
        final Instant firstSeen;
        Instant lastSeen;
        final Names accounts;
        final Names networks;
        final Names heloNames;
        final Names tlsProtocols;
        final Names senders;
        long sessions;
        long messages;
        long bytes;
        long authFailures;
        long refused;
        long deliveryFailures;

        Entry(String address, Instant now, int maxNames) {
            this.address = address;
            this.firstSeen = now;
            this.lastSeen = now;
            accounts = new Names(maxNames);
            networks = new Names(maxNames);
            heloNames = new Names(maxNames);
            tlsProtocols = new Names(maxNames);
            senders = new Names(maxNames);
        }

        Entry(Device d, int maxNames) {
            this(d.address(), d.firstSeen(), maxNames);
            lastSeen = d.lastSeen();
            d.accounts().forEach(accounts::add);
            d.networks().forEach(networks::add);
            d.heloNames().forEach(heloNames::add);
            d.tlsProtocols().forEach(tlsProtocols::add);
            d.senders().forEach(senders::add);
            sessions = d.sessions();
            messages = d.messages();
            bytes = d.bytes();
            authFailures = d.authFailures();
            refused = d.refused();
            deliveryFailures = d.deliveryFailures();
        }

        Device toDevice() {
            return new Device(address, firstSeen, lastSeen, accounts.list(), networks.list(), heloNames.list(),
                    tlsProtocols.list(), senders.list(), sessions, messages, bytes, authFailures, refused,
                    deliveryFailures);
        }
    }
}
