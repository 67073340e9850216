package dev.oauthrelay.inventory;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the relay knows about one client address. Lists hold distinct values, least recently used
 * first, at most {@code max-names-per-device} each (older ones are dropped).
 *
 * @param address          IP address of the client, as text ({@code 192.0.2.7}, {@code 2001:db8::7})
 * @param firstSeen        first connection
 * @param lastSeen         last connection or message (delivery results later do not count)
 * @param accounts         device accounts that authenticated from here
 * @param networks         trusted networks that submitted mail from here without AUTH
 * @param heloNames        EHLO/HELO names it gave
 * @param tlsProtocols     TLS versions it used ({@code none}: a message came without TLS)
 * @param senders          MAIL FROM addresses it used ({@code <>} for the null sender)
 * @param sessions         connections
 * @param messages         messages accepted (queued)
 * @param bytes            size of those messages
 * @param authFailures     failed AUTH attempts
 * @param refused          messages refused (sender not allowed, too big, bare line ends, ...)
 * @param deliveryFailures accepted messages that failed permanently upstream
 */
public record Device(String address, Instant firstSeen, Instant lastSeen, List<String> accounts, List<String> networks,
                     List<String> heloNames, List<String> tlsProtocols, List<String> senders, long sessions,
                     long messages, long bytes, long authFailures, long refused, long deliveryFailures) {

    public Device {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(firstSeen, "firstSeen");
        Objects.requireNonNull(lastSeen, "lastSeen");
        accounts = List.copyOf(accounts);
        networks = List.copyOf(networks);
        heloNames = List.copyOf(heloNames);
        tlsProtocols = List.copyOf(tlsProtocols);
        senders = List.copyOf(senders);
    }
}
