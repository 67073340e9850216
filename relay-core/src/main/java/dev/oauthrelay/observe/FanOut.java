package dev.oauthrelay.observe;

import dev.oauthrelay.spool.Envelope;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link RelayEvents#safely}: passes every event to each observer; one that throws is logged and skipped. */
final class FanOut implements RelayEvents {

    private static final Logger log = LoggerFactory.getLogger(FanOut.class);

    private final List<RelayEvents> observers;

    FanOut(List<RelayEvents> observers) {
        this.observers = List.copyOf(observers);
    }

    private void each(String event, Consumer<RelayEvents> call) {
        for (RelayEvents o : observers) {
            try {
                call.accept(o);
            } catch (RuntimeException e) {
                log.warn("observer {} failed on {}: {}", o.getClass().getSimpleName(), event, e.toString());
            }
        }
    }

    @Override
    public void sessionOpened(String listener, InetAddress client) {
        each("sessionOpened", o -> o.sessionOpened(listener, client));
    }

    @Override
    public void sessionClosed(String listener, InetAddress client) {
        each("sessionClosed", o -> o.sessionClosed(listener, client));
    }

    @Override
    public void replied(String listener, String command, int code) {
        each("replied", o -> o.replied(listener, command, code));
    }

    @Override
    public void tlsEstablished(String listener, InetAddress client, String protocol) {
        each("tlsEstablished", o -> o.tlsEstablished(listener, client, protocol));
    }

    @Override
    public void helo(InetAddress client, String name) {
        each("helo", o -> o.helo(client, name));
    }

    @Override
    public void authSucceeded(InetAddress client, String username) {
        each("authSucceeded", o -> o.authSucceeded(client, username));
    }

    @Override
    public void authFailed(InetAddress client, String username, AuthFailure reason) {
        each("authFailed", o -> o.authFailed(client, username, reason));
    }

    @Override
    public void messageReceived(Envelope envelope, long size, String messageId) {
        each("messageReceived", o -> o.messageReceived(envelope, size, messageId));
    }

    @Override
    public void messageRefused(InetAddress client, String identity, int code) {
        each("messageRefused", o -> o.messageRefused(client, identity, code));
    }

    @Override
    public void messageDeferred(Envelope envelope, int attempt, String reason, Duration retryIn) {
        each("messageDeferred", o -> o.messageDeferred(envelope, attempt, reason, retryIn));
    }

    @Override
    public void messageDelivered(Envelope envelope, int attempts, String upstreamReply) {
        each("messageDelivered", o -> o.messageDelivered(envelope, attempts, upstreamReply));
    }

    @Override
    public void messageFailed(Envelope envelope, int attempts, String upstreamReply) {
        each("messageFailed", o -> o.messageFailed(envelope, attempts, upstreamReply));
    }

    @Override
    public void mailboxPaused(String mailbox, String reason) {
        each("mailboxPaused", o -> o.mailboxPaused(mailbox, reason));
    }

    @Override
    public void upstreamReplied(int code) {
        each("upstreamReplied", o -> o.upstreamReplied(code));
    }

    @Override
    public void tokenFetched(Instant expiresAt) {
        each("tokenFetched", o -> o.tokenFetched(expiresAt));
    }

    @Override
    public void tokenFetchFailed(String reason) {
        each("tokenFetchFailed", o -> o.tokenFetchFailed(reason));
    }
}
