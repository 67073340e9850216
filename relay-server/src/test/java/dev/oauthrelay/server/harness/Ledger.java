package dev.oauthrelay.server.harness;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the harness clients tried to submit and what the relay acknowledged. A message counts as
 * acknowledged only when its client has read the whole {@code 250} reply to the final dot: from
 * that moment the relay owns it (RFC 5321 section 6.1). Thread-safe; one entry per Message-ID,
 * and a Message-ID is never sent twice, so every second copy upstream comes from the relay.
 */
final class Ledger {

    /**
     * One submission attempt.
     *
     * @param messageId  the Message-ID header's value without angle brackets
     * @param recipients the RCPT TO addresses
     * @param sha256     of the message as sent (before dot-stuffing)
     * @param cycle      the kill cycle during which it was sent
     */
    record Sent(String messageId, List<String> recipients, String sha256, int size, int cycle) {
    }

    private final Map<String, Sent> sent = new ConcurrentHashMap<>();
    private final Map<String, String> acknowledged = new ConcurrentHashMap<>();

    void attempted(Sent message) {
        if (sent.putIfAbsent(message.messageId(), message) != null) {
            throw new IllegalStateException("Message-ID used twice: " + message.messageId());
        }
    }

    /** The client read {@code 250 ... queued as <queueId>} for this message. */
    void acknowledged(String messageId, String queueId) {
        acknowledged.put(messageId, queueId);
    }

    Optional<Sent> sent(String messageId) {
        return Optional.ofNullable(sent.get(messageId));
    }

    boolean isAcknowledged(String messageId) {
        return acknowledged.containsKey(messageId);
    }

    String queueId(String messageId) {
        return acknowledged.get(messageId);
    }

    Map<String, Sent> allSent() {
        return Map.copyOf(sent);
    }

    int attemptedCount() {
        return sent.size();
    }

    int acknowledgedCount() {
        return acknowledged.size();
    }
}
