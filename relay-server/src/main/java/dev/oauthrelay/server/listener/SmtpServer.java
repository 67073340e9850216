package dev.oauthrelay.server.listener;

import dev.oauthrelay.auth.AuthThrottle;
import dev.oauthrelay.policy.SubmissionPolicy;
import dev.oauthrelay.server.config.LimitsConfig;
import dev.oauthrelay.server.config.ListenerConfig;
import dev.oauthrelay.server.config.ProtectionConfig;
import dev.oauthrelay.server.config.RelayConfig;
import dev.oauthrelay.session.AuthGuard;
import dev.oauthrelay.session.SessionSettings;
import dev.oauthrelay.session.SmtpSession;
import dev.oauthrelay.spool.Spool;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The SMTP listeners: one bound socket per configured listener, all sharing one event loop group. */
public final class SmtpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SmtpServer.class);

    private final EventLoopGroup group;
    private final Map<String, Channel> channels = new LinkedHashMap<>();
    private final ConnectionLimiter limiter;
    private final ChannelGroup clients = new DefaultChannelGroup("smtp-clients", GlobalEventExecutor.INSTANCE);

    private SmtpServer(EventLoopGroup group, ConnectionLimiter limiter) {
        this.group = group;
        this.limiter = limiter;
    }

    public static SmtpServer start(RelayConfig config, SubmissionPolicy policy, Spool spool,
                                   Supplier<SslContext> tls, Executor blocking, Clock clock) throws InterruptedException {
        return start(config, policy, spool, tls, null, blocking, clock, dev.oauthrelay.observe.RelayEvents.NONE);
    }

    /**
     * @param legacyTls the context of {@code legacy-tls} listeners (TLS 1.0+ on OpenSSL); null if
     *                  there are none
     */
    public static SmtpServer start(RelayConfig config, SubmissionPolicy policy, Spool spool, Supplier<SslContext> tls,
                                   Supplier<SslContext> legacyTls, Executor blocking, Clock clock,
                                   dev.oauthrelay.observe.RelayEvents events)
            throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        LimitsConfig limits = config.limits();
        SmtpServer server = new SmtpServer(new MultiThreadIoEventLoopGroup(io),
                new ConnectionLimiter(limits.maxConnections(), limits.maxConnectionsPerAddress()));
        ProtectionConfig protection = config.protection();
        // One throttle for all listeners: a guesser gains nothing by switching ports.
        AuthGuard guard = new AuthGuard(new AuthThrottle(protection.authThrottle(), clock),
                protection.authFailuresPerSession(), AuthGuard.REAL_TIME);
        try {
            for (ListenerConfig listener : config.listeners()) {
                SessionSettings settings = new SessionSettings(config.hostname(), listener.name(), listener.tls(),
                        listener.allowPlaintextAuth(), limits.maxMessageSize(), limits.maxRecipients(),
                        limits.maxErrors(), limits.minFreeSpace(), listener.dataLineEndings());
                if (listener.legacyTls() && legacyTls == null) {
                    throw new IllegalStateException("listener " + listener.name() + " has legacy-tls but no legacy TLS context");
                }
                SmtpChannelInitializer init = new SmtpChannelInitializer(settings, server.limiter,
                        listener.legacyTls() ? legacyTls : tls,
                        limits.idleTimeout(), limits.maxLineLength(), protection.greetingDelay(),
                        protection.slowClients(),
                        remote -> new SmtpSession(settings, remote.getAddress(), policy, spool, blocking, clock, guard,
                                events),
                        server.clients, listener.proxyProtocol() ? config.trustedProxies() : null);
                Channel ch = new ServerBootstrap()
                        .group(server.group)
                        .channel(channelType)
                        .option(ChannelOption.SO_BACKLOG, 1024)
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        .childHandler(init)
                        .bind(new InetSocketAddress(listener.address(), listener.port()))
                        .sync()
                        .channel();
                server.channels.put(listener.name(), ch);
                log.info("listening: {} on {} tls={}{}{}", listener.name(), ch.localAddress(), listener.tls(),
                        listener.legacyTls() ? " legacy-tls (TLS 1.0+)" : "",
                        listener.proxyProtocol() ? " proxy-protocol from " + config.trustedProxies() : "");
            }
        } catch (InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** The bound port of a listener (useful with port 0). */
    public int port(String listenerName) {
        Channel ch = channels.get(listenerName);
        if (ch == null) {
            throw new IllegalArgumentException("no listener named " + listenerName);
        }
        return ((InetSocketAddress) ch.localAddress()).getPort();
    }

    /** Each listener's name and whether its socket is bound and accepting (false once shutdown began). */
    public Map<String, Boolean> bound() {
        Map<String, Boolean> out = new LinkedHashMap<>();
        channels.forEach((name, ch) -> out.put(name, ch.isActive()));
        return out;
    }

    /** The event loops of all listeners (for metrics). */
    public EventLoopGroup eventLoops() {
        return group;
    }

    public ConnectionLimiter limiter() {
        return limiter;
    }

    /** Client connections currently open. */
    public int clientCount() {
        return clients.size();
    }

    /**
     * Stops gracefully: no new connections; idle sessions get {@code 421 4.3.2} at once, sessions
     * in the middle of a message may finish it within {@code grace}; then everyone left gets the
     * 421 and is closed. An unfinished message is aborted by its session (its temp file deleted),
     * so nothing half-written remains.
     */
    public void shutdown(Duration grace) {
        channels.values().forEach(ch -> ch.close().syncUninterruptibly());
        drainAll(false);
        long deadline = System.nanoTime() + grace.toNanos();
        while (!clients.isEmpty() && System.nanoTime() < deadline) {
            sleepBriefly();
        }
        if (!clients.isEmpty()) {
            log.info("shutdown: {} session(s) still open after {}; closing them with 421", clients.size(), grace);
            drainAll(true);
            long hardDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (!clients.isEmpty() && System.nanoTime() < hardDeadline) {
                sleepBriefly();
            }
            clients.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private void drainAll(boolean force) {
        for (Channel ch : clients) {
            ch.eventLoop().execute(() -> {
                ChannelHandlerContext ctx = ch.pipeline().context(SmtpConnectionHandler.class);
                if (ctx != null) {
                    ((SmtpConnectionHandler) ctx.handler()).drain(ctx, force);
                }
            });
        }
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops at once (no grace period). */
    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }
}
