package dev.oauthrelay.server.upstream;

import dev.oauthrelay.delivery.AttemptResult;
import dev.oauthrelay.delivery.AttemptResult.Stage;
import dev.oauthrelay.delivery.Submission;
import dev.oauthrelay.delivery.Upstream;
import dev.oauthrelay.token.MailboxTokens;
import dev.oauthrelay.token.TokenProvider;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits messages to Exchange Online (or another submission server) over SMTP with STARTTLS and
 * SASL XOAUTH2, reusing authenticated connections per mailbox.
 *
 * <p>One attempt: take a turn for the mailbox (at most {@code maxConnectionsPerMailbox}
 * connections at once, further submissions wait); reuse an idle authenticated connection or open
 * one (token, connect, TLS with certificate and host name checks, AUTH); run the transaction; hand
 * the connection back. A reused connection that turns out dead before MAIL was accepted is
 * replaced once, transparently. The future never fails: every problem is an
 * {@link AttemptResult.Failed}.
 */
public final class SmtpUpstream implements Upstream {

    private static final Logger log = LoggerFactory.getLogger(SmtpUpstream.class);

    private final UpstreamSettings settings;
    private final Executor blocking;
    private final ConnectionPool pool;
    private final Authenticator authenticator;
    private final EventLoopGroup ownGroup;
    private final ExecutorService ownExecutor;
    private final Set<UpstreamConnection> live = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * With its own small event loop group and blocking executor, closed by {@link #close()}.
     *
     * @throws dev.oauthrelay.server.tls.TlsMaterialException if the trust bundle cannot be used
     */
    public SmtpUpstream(UpstreamSettings settings, TokenProvider tokens) {
        this(settings, MailboxTokens.of(tokens));
    }

    /** As {@link #SmtpUpstream(UpstreamSettings, TokenProvider)}, with each mailbox's tokens from its upstream account. */
    public SmtpUpstream(UpstreamSettings settings, MailboxTokens tokens) {
        this(settings, tokens, newGroup(), Executors.newCachedThreadPool(new DefaultThreadFactory("upstream-blocking", true)), true);
    }

    /**
     * Sharing the caller's event loop group (epoll or NIO, as {@code SmtpServer} creates it) and
     * executor for blocking work (DNS lookups, reading spool files). Neither is shut down by
     * {@link #close()}.
     */
    public SmtpUpstream(UpstreamSettings settings, TokenProvider tokens, EventLoopGroup group, Executor blocking) {
        this(settings, MailboxTokens.of(tokens), group, blocking, false);
    }

    private SmtpUpstream(UpstreamSettings settings, MailboxTokens tokens, EventLoopGroup group, Executor blocking, boolean owned) {
        this.settings = settings;
        this.blocking = blocking;
        this.ownGroup = owned ? group : null;
        this.ownExecutor = owned ? (ExecutorService) blocking : null;
        try {
            Connector connector = new Connector(settings, group, channelType(group),
                    ClientTls.context(settings.trustedCertificates()), blocking);
            this.authenticator = new Authenticator(settings, tokens, connector);
        } catch (RuntimeException e) {
            shutdownOwned();
            throw e;
        }
        this.pool = new ConnectionPool(settings.maxConnectionsPerMailbox(), settings.idleTimeout(), quitTimeout(settings));
    }

    @Override
    public CompletableFuture<AttemptResult> submit(Submission submission) {
        CompletableFuture<AttemptResult> result = new CompletableFuture<>();
        try {
            pool.acquire(submission.mailbox())
                    .thenCompose(lease -> attempt(submission, lease.connection()))
                    .whenComplete((r, t) -> result.complete(t == null ? r : UpstreamFailure.toResult(t, Stage.CONNECT, false)));
        } catch (RuntimeException e) { // a bug, not an outcome; still honour "never fails"
            log.warn("upstream submission failed unexpectedly", e);
            result.complete(UpstreamFailure.toResult(e, Stage.CONNECT, false));
        }
        return result;
    }

    /**
     * A login check for {@code relay check}: connects, STARTTLS (certificate and host name
     * verified), AUTH XOAUTH2 as {@code mailbox}, then QUIT. Sends no mail. Never fails: a
     * problem is a {@link LoginCheck} with the stage, the upstream's reply and the reason.
     */
    public CompletableFuture<LoginCheck> verifyLogin(String mailbox) {
        return authenticator.open(mailbox).handle((conn, t) -> {
            if (t != null) {
                AttemptResult.Failed f = UpstreamFailure.toResult(t, Stage.CONNECT, false);
                return LoginCheck.failed(f);
            }
            String tls = conn.tlsDescription();
            conn.quit(settings.commandTimeout());
            return LoginCheck.ok(tls);
        });
    }

    /** One try: on {@code reused} if given, otherwise on a new authenticated connection. */
    private CompletableFuture<AttemptResult> attempt(Submission submission, UpstreamConnection reused) {
        if (reused != null) {
            return transact(submission, reused, true);
        }
        return authenticator.open(submission.mailbox()).handle((conn, t) -> {
            if (t != null) {
                pool.releasePermit(submission.mailbox());
                AttemptResult.Failed failed = UpstreamFailure.toResult(t, Stage.CONNECT, false);
                log.debug("{} cannot open upstream connection: {} {}", submission.mailbox(), failed.stage(), failed.reason());
                return CompletableFuture.<AttemptResult>completedFuture(failed);
            }
            track(conn);
            return transact(submission, conn, false);
        }).thenCompose(f -> f);
    }

    private CompletableFuture<AttemptResult> transact(Submission submission, UpstreamConnection conn, boolean reused) {
        return new MailTransaction(conn, submission, settings, blocking).run().thenCompose(outcome -> {
            if (reused && outcome.stale() && !closed) {
                log.debug("{} idle upstream connection was stale; retrying on a new one", submission.mailbox());
                conn.close();
                return attempt(submission, null); // keeps the lease's place for the new connection
            }
            pool.release(conn, outcome.reusable());
            return CompletableFuture.completedFuture(outcome.result());
        });
    }

    private void track(UpstreamConnection conn) {
        live.add(conn);
        conn.closeFuture().thenRun(() -> {
            live.remove(conn);
            pool.closed(conn);
        });
    }

    /**
     * QUITs idle connections (waiting briefly for the replies), closes connections still in use
     * (their submissions end as CONNECTION_LOST and stay in the spool), and shuts down the owned
     * event loop group and executor. Must not be called on an event loop thread.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            pool.close().get(quitTimeout(settings).toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.debug("upstream connections did not all QUIT in time: {}", e.toString());
        }
        live.forEach(UpstreamConnection::close);
        shutdownOwned();
    }

    /** For tests: connections counted against the mailbox's limit (in use, being opened, idle). */
    int openConnections(String mailbox) {
        return pool.openConnections(mailbox);
    }

    private void shutdownOwned() {
        if (ownGroup != null) {
            ownGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (ownExecutor != null) {
            ownExecutor.shutdownNow();
        }
    }

    private static Duration quitTimeout(UpstreamSettings settings) {
        Duration cap = Duration.ofSeconds(5);
        return settings.commandTimeout().compareTo(cap) < 0 ? settings.commandTimeout() : cap;
    }

    private static EventLoopGroup newGroup() {
        int threads = Math.min(4, Runtime.getRuntime().availableProcessors());
        DefaultThreadFactory threadFactory = new DefaultThreadFactory("upstream", true);
        return new MultiThreadIoEventLoopGroup(threads, threadFactory,
                Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    private static Class<? extends Channel> channelType(EventLoopGroup group) {
        if (group instanceof IoEventLoopGroup io && io.isIoType(EpollIoHandler.class)) {
            return EpollSocketChannel.class;
        }
        return NioSocketChannel.class;
    }
}
