package dev.oauthrelay.server.listener;

import dev.oauthrelay.session.SessionSettings;
import dev.oauthrelay.session.SmtpSession;
import dev.oauthrelay.session.TlsMode;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Builds the pipeline of one accepted connection: connection limits, TLS for implicit-TLS
 * listeners, the idle timeout, then the SMTP handler with a fresh session.
 */
final class SmtpChannelInitializer extends ChannelInitializer<SocketChannel> {

    static final AttributeKey<Boolean> IMPLICIT_TLS = AttributeKey.valueOf("relay.implicitTls");

    private final SessionSettings settings;
    private final ConnectionLimiter limiter;
    private final Supplier<SslContext> tls;
    private final Duration idleTimeout;
    private final int maxLineLength;
    private final Duration greetingDelay;
    private final Function<InetSocketAddress, SmtpSession> sessions;
    private final io.netty.channel.group.ChannelGroup clients;

    SmtpChannelInitializer(SessionSettings settings, ConnectionLimiter limiter, Supplier<SslContext> tls,
                           Duration idleTimeout, int maxLineLength, Duration greetingDelay,
                           Function<InetSocketAddress, SmtpSession> sessions,
                           io.netty.channel.group.ChannelGroup clients) {
        this.clients = clients;
        this.settings = settings;
        this.limiter = limiter;
        this.tls = tls;
        this.idleTimeout = idleTimeout;
        this.maxLineLength = maxLineLength;
        this.greetingDelay = greetingDelay;
        this.sessions = sessions;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        clients.add(ch); // removed again automatically when it closes
        boolean implicit = settings.tlsMode() == TlsMode.IMPLICIT;
        ch.attr(IMPLICIT_TLS).set(implicit);
        ChannelPipeline p = ch.pipeline();
        p.addLast("limits", limiter);
        if (implicit) {
            p.addLast("tls", tls.get().newHandler(ch.alloc()));
        }
        // RFC 5321 section 4.5.3.2.7: a server should wait at least 5 minutes for the next command.
        p.addLast("idle", new IdleStateHandler(0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS));
        p.addLast("smtp", new SmtpConnectionHandler(sessions.apply(ch.remoteAddress()), maxLineLength, tls, implicit,
                greetingDelay));
    }
}
