package dev.oauthrelay.server.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to the upstream: writes command lines, reads replies through a
 * {@link ReplyQueue} (a timeout on every read), upgrades to TLS, and waits for writability.
 *
 * <p>Any timeout, I/O error or protocol error breaks the connection for good: it is closed and
 * every pending and later read fails with a {@link ConnectionLostException}.
 *
 * <p>Thread-safe: commands may be sent from any thread; reply futures complete on the channel's
 * event loop. One user at a time (the pool hands a connection to one submission).
 */
final class UpstreamConnection {

    private static final Logger log = LoggerFactory.getLogger(UpstreamConnection.class);

    static final AttributeKey<UpstreamConnection> KEY = AttributeKey.valueOf("relay.upstreamConnection");

    private final Channel channel;
    private final ReplyDecoder decoder = new ReplyDecoder();
    private final String mailbox;

    private final ReplyQueue replies;

    // Event loop only.
    private CompletableFuture<Void> writableWaiter;
    private ScheduledFuture<?> writableTimer;

    private volatile boolean tls;
    private volatile String tlsDescription = "none";

    /** The negotiated TLS version and cipher, e.g. "TLSv1.3 TLS_AES_128_GCM_SHA256", or "none". */
    String tlsDescription() {
        return tlsDescription;
    }
    private volatile boolean closing;
    private volatile Extensions extensions = Extensions.NONE;
    private volatile boolean transactionOpen;
    private ScheduledFuture<?> idleTimer; // guarded by the pool's lock

    /** Installs the reply decoder and handler on a new channel; TLS goes in front of them later. */
    UpstreamConnection(Channel channel, String mailbox) {
        this.channel = channel;
        this.mailbox = mailbox;
        this.replies = new ReplyQueue(channel.eventLoop(), this::fail);
        channel.attr(KEY).set(this);
        channel.pipeline().addLast("replies", decoder).addLast("connection", new Handler());
    }

    String mailbox() {
        return mailbox;
    }

    Extensions extensions() {
        return extensions;
    }

    void extensions(Extensions e) {
        extensions = e;
    }

    boolean tlsActive() {
        return tls;
    }

    /** Whether a MAIL FROM has been accepted and the transaction not ended (RSET needed before reuse). */
    boolean transactionOpen() {
        return transactionOpen;
    }

    void transactionOpen(boolean open) {
        transactionOpen = open;
    }

    ByteBufAllocator alloc() {
        return channel.alloc();
    }

    boolean isWritable() {
        return channel.isWritable();
    }

    /** Healthy, secured and not holding an unexpected reply: safe to hand to the next submission. */
    boolean isUsable() {
        return isOpen() && tls && !closing && !replies.hasUnsolicited();
    }

    boolean isOpen() {
        return !replies.failed() && channel.isActive();
    }

    /** Why the connection broke, or a generic exception if it has not. */
    RuntimeException failure() {
        RuntimeException failure = replies.failure();
        return failure != null ? failure : new ConnectionLostException("connection closed");
    }

    /** Reads the next reply, e.g. the greeting. */
    CompletableFuture<Reply> read(Duration timeout) {
        return replies.next(timeout);
    }

    /** Sends one command line and reads its reply. */
    CompletableFuture<Reply> command(String line, Duration timeout) {
        return send(line, line, timeout);
    }

    /** Like {@link #command} but logs {@code logAs} instead of the line (AUTH: never log a token). */
    CompletableFuture<Reply> sensitiveCommand(String line, String logAs, Duration timeout) {
        return send(line, logAs, timeout);
    }

    /** Sends the lines in one write and reads their replies in order (RFC 2920 section 3.1). */
    List<CompletableFuture<Reply>> pipeline(List<String> lines, Duration timeout) {
        lines.forEach(UpstreamConnection::requireSingleLine);
        List<CompletableFuture<Reply>> replies = new ArrayList<>();
        StringBuilder batch = new StringBuilder();
        for (String line : lines) {
            log.debug("{} >> {}", mailbox, line);
            replies.add(read(timeout));
            batch.append(line).append("\r\n");
        }
        write(Unpooled.copiedBuffer(batch, StandardCharsets.UTF_8));
        return replies;
    }

    private CompletableFuture<Reply> send(String line, String logAs, Duration timeout) {
        requireSingleLine(line);
        log.debug("{} >> {}", mailbox, logAs);
        // Register for the reply before writing, so it cannot arrive first.
        CompletableFuture<Reply> reply = read(timeout);
        write(Unpooled.copiedBuffer(line + "\r\n", StandardCharsets.UTF_8));
        return reply;
    }

    /** Writes and flushes raw bytes (the body); a failed write breaks the connection. */
    ChannelFuture write(ByteBuf bytes) {
        return channel.writeAndFlush(bytes).addListener(f -> {
            if (!f.isSuccess()) {
                fail(new ConnectionLostException("write to upstream failed", f.cause()));
            }
        });
    }

    /**
     * Completes when the channel can take more bytes: the body writer waits here so at most about
     * the channel's high water mark is buffered (backpressure). Fails if the connection breaks or
     * stays unwritable for {@code timeout} (RFC 5321 section 4.5.3.2.5: 3 minutes per data block).
     */
    CompletableFuture<Void> whenWritable(Duration timeout) {
        CompletableFuture<Void> waiter = new CompletableFuture<>();
        onLoop(() -> {
            if (!isOpen()) {
                waiter.completeExceptionally(failure());
            } else if (channel.isWritable()) {
                waiter.complete(null);
            } else {
                writableWaiter = waiter;
                writableTimer = channel.eventLoop().schedule(
                        () -> fail(new ConnectionLostException("upstream stopped reading the message for " + timeout)),
                        timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        });
        return waiter;
    }

    /**
     * Adds TLS in front of the reply decoder and completes when the handshake (including the
     * certificate and host name checks) has succeeded.
     *
     * <p>For STARTTLS this runs as a separate event loop task, after the read that delivered the
     * 220 reply has been fully decoded. Anything the server sent after that reply in plaintext is
     * then visible, and it is an error: it would otherwise be read as if it came over TLS (the
     * STARTTLS command injection of RFC 3207 section 5 / CVE-2011-0411, seen from the client side).
     */
    CompletableFuture<Void> startTls(SslContext context, String host, int port, Duration timeout) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        onLoop(() -> {
            if (replies.hasUnsolicited() || decoder.hasBufferedBytes()) {
                RuntimeException e = new ConnectionLostException("upstream sent plaintext after its STARTTLS reply");
                fail(e);
                done.completeExceptionally(e);
                return;
            }
            if (!isOpen()) {
                done.completeExceptionally(failure());
                return;
            }
            SslHandler ssl = ClientTls.newHandler(context, channel.alloc(), host, port, timeout);
            channel.pipeline().addFirst("tls", ssl);
            ssl.handshakeFuture().addListener(f -> {
                if (f.isSuccess()) {
                    tls = true;
                    tlsDescription = ssl.engine().getSession().getProtocol() + " " + ssl.engine().getSession().getCipherSuite();
                    log.debug("{} TLS established with {}:{} ({})", mailbox, host, port, ssl.engine().getSession().getProtocol());
                    done.complete(null);
                } else {
                    RuntimeException e = new ConnectionLostException("TLS handshake with " + host + ":" + port + " failed", f.cause());
                    fail(e);
                    done.completeExceptionally(e);
                }
            });
        });
        return done;
    }

    /**
     * Says QUIT (RFC 5321 section 4.1.1.10) if the connection is healthy, waits briefly for the
     * reply, and closes. Completes when the channel is closed; never fails.
     */
    CompletableFuture<Void> quit(Duration timeout) {
        if (!isOpen()) {
            return close();
        }
        return command("QUIT", timeout).handle((r, t) -> null).thenCompose(v -> close());
    }

    /** Closes the channel at once. Completes when it is closed; never fails. */
    CompletableFuture<Void> close() {
        fail(new ConnectionLostException("connection closed by the relay"));
        CompletableFuture<Void> closed = new CompletableFuture<>();
        channel.close().addListener(f -> closed.complete(null));
        return closed;
    }

    /** Completes when the channel has closed, for whatever reason. */
    CompletableFuture<Void> closeFuture() {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        channel.closeFuture().addListener(f -> closed.complete(null));
        return closed;
    }

    void idleTimer(ScheduledFuture<?> timer) {
        idleTimer = timer;
    }

    void cancelIdleTimer() {
        if (idleTimer != null) {
            idleTimer.cancel(false);
            idleTimer = null;
        }
    }

    EventLoop eventLoop() {
        return channel.eventLoop();
    }

    /** Breaks the connection: the first cause wins; pending reads fail; the channel closes. */
    private void fail(RuntimeException cause) {
        if (!replies.failed()) {
            log.debug("{} connection ends: {}", mailbox, cause.getMessage());
        }
        replies.fail(cause);
        onLoop(() -> {
            if (writableWaiter != null) {
                writableTimer.cancel(false);
                writableWaiter.completeExceptionally(failure());
                writableWaiter = null;
            }
        });
        channel.close();
    }

    private void deliver(Reply reply) {
        if (reply.code() == 421) {
            closing = true; // RFC 5321 section 3.8: the server is closing the connection
        }
        log.debug("{} << {}", mailbox, reply);
        replies.deliver(reply);
    }

    /**
     * Runs on the event loop. If the loop is already shut down, runs here: the channel is closed by
     * then, so the task only fails its future, which must still complete.
     */
    private void onLoop(Runnable task) {
        try {
            channel.eventLoop().execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }

    private static void requireSingleLine(String line) {
        // Envelope data comes from devices: never let a CR or LF split one command into two.
        if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0 || line.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("command contains CR, LF or NUL");
        }
    }

    private final class Handler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            deliver((Reply) msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            fail(new ConnectionLostException("upstream closed the connection"));
            ctx.fireChannelInactive();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable() && writableWaiter != null) {
                writableTimer.cancel(false);
                CompletableFuture<Void> waiter = writableWaiter;
                writableWaiter = null;
                waiter.complete(null);
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(new ConnectionLostException("upstream connection error", cause));
        }
    }
}
