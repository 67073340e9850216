package dev.oauthrelay.server.listener;

import dev.oauthrelay.server.listener.LineFramer.Frame;
import dev.oauthrelay.session.SmtpSession;
import dev.oauthrelay.session.Step;
import dev.oauthrelay.smtp.Replies;
import dev.oauthrelay.smtp.SmtpReply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thin adapter between one Netty channel and its {@link SmtpSession}: it frames command
 * lines, passes data bytes straight through, writes replies, and carries out what each
 * {@link Step} says. It owns the inbound buffer so it can stop in the middle of pipelined input
 * while blocking work runs, and so it is the one place that sees a client sending ahead of a
 * reply it must wait for: before the greeting, or after a command that ends a pipelined group.
 * It also keeps the slow-drip deadlines ({@link InputDeadlines}) with one timer on the event loop.
 */
final class SmtpConnectionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(SmtpConnectionHandler.class);

    private final SmtpSession session;
    private final LineFramer framer;
    private final Supplier<SslContext> tls;
    private final boolean implicitTls;
    private final Duration greetingDelay;
    private final InputDeadlines deadlines;
    private ByteBuf buffer;
    private boolean greeted;
    private ScheduledFuture<?> pendingGreeting;
    private boolean paused;
    private boolean closing;
    private boolean draining;
    private boolean drainForced;
    /** Runs deadlineReached(); created with the channel. */
    private EarliestTimer deadlineTimer;

    SmtpConnectionHandler(SmtpSession session, int maxLineLength, Supplier<SslContext> tls, boolean implicitTls,
                          Duration greetingDelay, InputDeadlines deadlines) {
        this.session = session;
        this.framer = new LineFramer(maxLineLength);
        this.tls = tls;
        this.implicitTls = implicitTls;
        this.greetingDelay = greetingDelay;
        this.deadlines = deadlines;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        buffer = ctx.alloc().buffer(1024);
        session.opened();
        deadlineTimer = new EarliestTimer(ctx.executor(), () -> deadlineReached(ctx));
        if (!implicitTls) {
            scheduleGreeting(ctx);
        }
        // With implicit TLS the greeting waits for the handshake (userEventTriggered).
        ctx.fireChannelActive();
    }

    /**
     * The greeting goes out after the configured delay, from a task on this channel's event loop
     * (no thread waits). Anything the client sends before it ends the connection (channelRead).
     */
    private void scheduleGreeting(ChannelHandlerContext ctx) {
        if (greetingDelay.isZero()) {
            greet(ctx);
            return;
        }
        pendingGreeting = ctx.executor().schedule(() -> greet(ctx), greetingDelay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void greet(ChannelHandlerContext ctx) {
        pendingGreeting = null;
        if (closing || !ctx.channel().isActive()) {
            return;
        }
        greeted = true;
        handle(ctx, session.greet());
        ctx.flush();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            if (closing) {
                return;
            }
            if (!greeted) {
                // RFC 5321 section 3.1: the client waits for the greeting. One that does not is
                // a bot that does not read replies, or not an SMTP client at all.
                log.info("client={} sent data before the greeting; closing", ClientAddress.of(ctx.channel()));
                cancelGreeting();
                handle(ctx, Step.reply(Replies.EARLY_TALKER));
                return;
            }
            buffer.writeBytes(in);
        } finally {
            in.release();
        }
        process(ctx);
    }

    private void cancelGreeting() {
        if (pendingGreeting != null) {
            pendingGreeting.cancel(false);
            pendingGreeting = null;
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        if (buffer != null) {
            buffer.discardSomeReadBytes();
        }
    }

    /** Works through buffered input, then sets the slow-drip deadlines for what is left. */
    private void process(ChannelHandlerContext ctx) {
        processInput(ctx);
        watchInput(ctx);
    }

    /** Works through buffered input until it runs out, the session waits, or the connection closes. */
    private void processInput(ChannelHandlerContext ctx) {
        while (!paused && !closing && buffer.isReadable()) {
            if (session.receivingData()) {
                ByteBuffer nio = buffer.nioBuffer();
                Optional<Step> step = session.onData(nio);
                buffer.skipBytes(nio.position());
                deadlines.dataReceived(System.nanoTime(), nio.position());
                if (step.isEmpty()) {
                    return;
                }
                deadlines.dataEnded();
                handle(ctx, step.get());
                continue;
            }
            if (draining && !session.busy()) {
                // The relay is stopping: the message in progress (if any) is done; no new one.
                handle(ctx, Step.reply(Replies.SHUTTING_DOWN));
                return;
            }
            Frame frame = framer.next(buffer);
            if (!(frame instanceof Frame.NeedMore)) {
                deadlines.lineEnded();
            }
            if (frame instanceof Frame.Line line) {
                if (buffer.isReadable() && session.endsGroup(line.bytes())) {
                    pipeliningViolation(ctx);
                    return;
                }
                handle(ctx, session.onLine(line.bytes()));
            } else if (frame instanceof Frame.TooLong) {
                handle(ctx, session.onLineTooLong());
            } else {
                return;
            }
        }
    }

    /**
     * Starts or stops the slow-drip deadlines for what is left in the buffer, and keeps one timer
     * on the event loop for the earliest of them (no thread waits). While the session waits for
     * blocking work or a TLS handshake the client cannot be blamed, so a partial line gets a
     * fresh deadline when reading resumes.
     */
    private void watchInput(ChannelHandlerContext ctx) {
        if (closing || paused) {
            deadlines.lineEnded();
            deadlineTimer.cancel();
            return;
        }
        long now = System.nanoTime();
        if (!session.receivingData()) {
            if (buffer.isReadable() || framer.discarding()) {
                deadlines.lineStarted(now);
            } else {
                deadlines.lineEnded();
            }
        }
        OptionalLong next = deadlines.nextCheck();
        if (next.isPresent()) {
            deadlineTimer.runWithin(next.getAsLong() - now);
        } else {
            deadlineTimer.cancel();
        }
    }

    private void deadlineReached(ChannelHandlerContext ctx) {
        if (closing || paused || !ctx.channel().isActive()) {
            return;
        }
        switch (deadlines.check(System.nanoTime())) {
            case COMMAND_TOO_SLOW -> handle(ctx, session.onCommandTimeout());
            case DATA_TOO_SLOW -> handle(ctx, session.onDataTooSlow());
            case IN_TIME -> watchInput(ctx);
        }
    }

    /**
     * More input was already here after a command the client had to wait on: RFC 2920 section 3.1
     * (EHLO, DATA, VRFY, EXPN, QUIT, NOOP), RFC 3207 section 4 (STARTTLS; this also closes the
     * STARTTLS command-injection hole, CVE-2011-0411) and RFC 4954 section 4 (AUTH). After DATA
     * this includes message text sent before the 354. The command is not carried out. The line
     * is not logged: it may be a SASL response carrying a password.
     */
    private void pipeliningViolation(ChannelHandlerContext ctx) {
        log.info("client={} sent more input after a command it must wait on (RFC 2920); closing",
                ClientAddress.of(ctx.channel()));
        handle(ctx, Step.reply(Replies.PIPELINING_VIOLATION));
    }

    private void handle(ChannelHandlerContext ctx, Step step) {
        if (step instanceof Step.Await await) {
            pause(ctx);
            await.work().thenAccept(next -> ctx.executor().execute(() -> resume(ctx, next)));
            return;
        }
        Step.Respond respond = (Step.Respond) step;
        switch (respond.next()) {
            case CLOSE -> {
                closing = true;
                write(ctx, respond.reply()).addListener(ChannelFutureListener.CLOSE);
                ctx.flush();
            }
            case START_TLS -> startTls(ctx, respond.reply());
            case COMMAND -> write(ctx, respond.reply());
            case DATA -> {
                write(ctx, respond.reply());
                deadlines.dataStarted(System.nanoTime()); // the grace period starts with the 354
            }
        }
    }

    private io.netty.channel.ChannelFuture write(ChannelHandlerContext ctx, SmtpReply reply) {
        session.replied(reply.code());
        return ctx.write(Unpooled.wrappedBuffer(reply.encodeBytes()));
    }

    private void pause(ChannelHandlerContext ctx) {
        paused = true;
        ctx.channel().config().setAutoRead(false);
        ctx.flush();
    }

    private void resume(ChannelHandlerContext ctx, Supplier<Step> next) {
        if (!ctx.channel().isActive()) {
            return;
        }
        paused = false;
        handle(ctx, next.get());
        ctx.flush();
        if (!closing && !paused) {
            ctx.channel().config().setAutoRead(true);
            process(ctx);
            if (draining && !closing && !paused && (drainForced || !session.busy())) {
                handle(ctx, Step.reply(Replies.SHUTTING_DOWN));
            }
            ctx.flush();
        }
    }

    /**
     * RFC 3207 section 4.2 and the STARTTLS command-injection class of bugs: STARTTLS followed by
     * more input already ended the connection in process(), so the buffer is empty here (and is
     * cleared anyway). The SslHandler goes in before the 220 is written, marked to let that one
     * reply out unencrypted, so no byte read after the reply can reach the session unencrypted.
     */
    private void startTls(ChannelHandlerContext ctx, SmtpReply ready) {
        buffer.skipBytes(buffer.readableBytes());
        SslHandler ssl = new SslHandler(tls.get().newEngine(ctx.alloc()), true);
        ctx.pipeline().addFirst("tls", ssl);
        paused = true; // nothing to process until the handshake completes
        write(ctx, ready);
        ctx.flush();
    }

    /**
     * The relay is stopping (called on this channel's event loop). An idle session gets
     * {@code 421 4.3.2} now; a session in the middle of a message may finish it and gets the 421
     * at its next command. With {@code force}, everyone gets it now, unless a commit is running:
     * that one finishes (its file is complete) and the 421 follows its reply.
     */
    void drain(ChannelHandlerContext ctx, boolean force) {
        draining = true;
        drainForced |= force;
        if (closing || !ctx.channel().isActive()) {
            return;
        }
        if (paused) {
            return; // a password check or spool commit is running; resume() brings us back to process()
        }
        if (force || !session.busy()) {
            handle(ctx, Step.reply(Replies.SHUTTING_DOWN));
            ctx.flush();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            if (!done.isSuccess()) {
                log.info("client={} TLS handshake failed: {}", ClientAddress.of(ctx.channel()), done.cause().toString());
                closing = true;
                ctx.close();
                return;
            }
            SSLSession tlsSession = ctx.pipeline().get(SslHandler.class).engine().getSession();
            session.onTlsEstablished(tlsSession.getProtocol(), tlsSession.getCipherSuite());
            paused = false;
            if (implicitTls) {
                scheduleGreeting(ctx); // the same rule as on a plaintext connection, after the handshake
            }
            process(ctx);
            ctx.flush();
            return;
        }
        if (evt instanceof IdleStateEvent) {
            handle(ctx, session.onIdleTimeout());
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelGreeting();
        if (deadlineTimer != null) {
            deadlineTimer.cancel();
        }
        session.onClose();
        if (buffer != null) {
            buffer.release();
            buffer = null;
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Never a stack trace to the client. A network error just ends the connection; anything
        // else is a bug of ours: log it in full and tell the client to retry later.
        // TLS that fails to decode (plaintext where a handshake must follow, a device offering
        // only TLS 1.0) is the client's doing too, not ours.
        boolean badTls = cause instanceof DecoderException && cause.getCause() instanceof SSLException;
        if (cause instanceof java.io.IOException || badTls) {
            if (!closing) { // a failed handshake was already logged by userEventTriggered
                log.info("client={} connection error: {}", ClientAddress.of(ctx.channel()), cause.toString());
            }
            closing = true;
            ctx.close();
            return;
        }
        log.error("client={} internal error, closing the connection", ClientAddress.of(ctx.channel()), cause);
        if (!closing && ctx.channel().isActive()) {
            closing = true;
            ctx.writeAndFlush(Unpooled.wrappedBuffer(Replies.INTERNAL_ERROR.encodeBytes()))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }
}
