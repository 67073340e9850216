package dev.oauthrelay.observe;

import dev.oauthrelay.spool.Envelope;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;

/**
 * The events of the relay's data path, listener to token provider. Every method has an empty
 * default, so an observer implements only what it needs. Calls come from Netty event loops and
 * delivery threads, concurrently: implementations must be thread-safe, fast and never throw (use
 * {@link #safely} to combine them). Arguments may carry addresses and account names; observers
 * that turn them into metrics must not use them as labels (bounded cardinality).
 */
public interface RelayEvents {

    /** Observes nothing. */
    RelayEvents NONE = new RelayEvents() {
    };

    /** A client connected to {@code listener} (after any PROXY header: the device's own address). */
    default void sessionOpened(String listener, InetAddress client) {
    }

    /** The connection ended, for whatever reason. */
    default void sessionClosed(String listener, InetAddress client) {
    }

    /**
     * The session sent a reply. {@code command} is the verb it answers ({@code "EHLO"}, {@code
     * "MAIL"}, ...), {@code "GREETING"}, {@code "DATA-END"} for the reply after the message, {@code
     * "AUTH"} for every step of an AUTH exchange, or {@code "UNKNOWN"}; a fixed, small set.
     */
    default void replied(String listener, String command, int code) {
    }

    /** TLS came up on a client connection (STARTTLS or implicit), e.g. {@code TLSv1.3}. */
    default void tlsEstablished(String listener, InetAddress client, String protocol) {
    }

    /** The client said HELO or EHLO with this name. */
    default void helo(InetAddress client, String name) {
    }

    /** A device account authenticated. */
    default void authSucceeded(InetAddress client, String username) {
    }

    /** An AUTH attempt failed; {@code username} is what the client sent (may be empty or garbage). */
    default void authFailed(InetAddress client, String username, AuthFailure reason) {
    }

    /** A message is durably queued and the client got its 250. */
    default void messageReceived(Envelope envelope, long size, String messageId) {
    }

    /** A message from {@code client} was not accepted ({@code code} is the reply it got, e.g. 552). */
    default void messageRefused(InetAddress client, String identity, int code) {
    }

    /** A delivery attempt ended with recipients still pending; retried in {@code retryIn}. */
    default void messageDeferred(Envelope envelope, int attempt, String reason, Duration retryIn) {
    }

    /** Every recipient was accepted upstream; the message left the queue. */
    default void messageDelivered(Envelope envelope, int attempts, String upstreamReply) {
    }

    /** At least one recipient failed for good; the message is in the dead-letter folder. */
    default void messageFailed(Envelope envelope, int attempts, String upstreamReply) {
    }

    /**
     * Deliveries for {@code mailbox} pause: it failed the same way several times in a row; its
     * messages stay queued until the pause ends or an operator retries all.
     */
    default void mailboxPaused(String mailbox, String reason) {
    }

    /** A reply from the upstream server (to any command of a delivery), by code. */
    default void upstreamReplied(int code) {
    }

    /** A new access token arrived. */
    default void tokenFetched(Instant expiresAt) {
    }

    /** A token fetch failed; {@code reason} is the error text with any secret removed. */
    default void tokenFetchFailed(String reason) {
    }

    /** Why an AUTH attempt failed: a small fixed set, usable as a metric label. */
    enum AuthFailure {
        /** Unknown user or wrong password: deliberately not told apart (no enumeration). */
        BAD_CREDENTIALS,
        /** The address or account is locked out after too many failures. */
        LOCKED_OUT,
        /** Malformed base64 or SASL framing. */
        MALFORMED,
        /** AUTH before TLS on a listener that does not allow plaintext AUTH. */
        PLAINTEXT_REFUSED,
        /** The password check itself failed (an error of ours). */
        ERROR
    }

    /**
     * All of {@code observers}, each shielded from the others: one that throws is logged and
     * skipped, never fails the data path.
     */
    static RelayEvents safely(RelayEvents... observers) {
        return new FanOut(java.util.List.of(observers));
    }
}
