package dev.oauthrelay.spool;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the relay knows about a message besides its bytes.
 *
 * @param id             the queue id, also the spool file name
 * @param receivedAt     when the message was accepted
 * @param identity       name of the device account or trusted network
 * @param identityKind   {@value #KIND_ACCOUNT}, {@value #KIND_TRUSTED_NETWORK} or {@value #KIND_RELAY}
 * @param mailbox        upstream mailbox the message will be sent as
 * @param mailFrom       reverse-path without brackets; {@code ""} for the null sender {@code <>}
 * @param mailParameters validated MAIL parameters as sent upstream later, e.g. {@code SIZE=1234},
 *                       {@code BODY=8BITMIME}, {@code SMTPUTF8}
 * @param recipients     forward-paths without brackets, at least one
 * @param clientAddress  IP literal of the client
 * @param heloName       EHLO/HELO argument
 * @param tlsProtocol    e.g. {@code TLSv1.3}, or {@code none}
 */
public record Envelope(
        QueueId id,
        Instant receivedAt,
        String identity,
        String identityKind,
        String mailbox,
        String mailFrom,
        List<String> mailParameters,
        List<String> recipients,
        String clientAddress,
        String heloName,
        String tlsProtocol) {

    public static final String KIND_ACCOUNT = "account";
    public static final String KIND_TRUSTED_NETWORK = "trusted-network";
    /** A message the relay wrote itself (a delivery status notification); never notified about. */
    public static final String KIND_RELAY = "relay";

    public Envelope {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(identityKind, "identityKind");
        Objects.requireNonNull(mailbox, "mailbox");
        Objects.requireNonNull(mailFrom, "mailFrom");
        Objects.requireNonNull(clientAddress, "clientAddress");
        Objects.requireNonNull(heloName, "heloName");
        Objects.requireNonNull(tlsProtocol, "tlsProtocol");
        // List.copyOf also rejects null elements, so every value is encodable.
        mailParameters = List.copyOf(Objects.requireNonNull(mailParameters, "mailParameters"));
        recipients = List.copyOf(Objects.requireNonNull(recipients, "recipients"));
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("an envelope needs at least one recipient");
        }
        if (!identityKind.equals(KIND_ACCOUNT) && !identityKind.equals(KIND_TRUSTED_NETWORK)
                && !identityKind.equals(KIND_RELAY)) {
            throw new IllegalArgumentException("identityKind must be \"" + KIND_ACCOUNT + "\", \""
                    + KIND_TRUSTED_NETWORK + "\" or \"" + KIND_RELAY + "\": " + identityKind);
        }
    }
}
