package dev.oauthrelay.server.listener;

import dev.oauthrelay.policy.Cidr;
import dev.oauthrelay.server.config.SlowClientLimits;
import dev.oauthrelay.session.SessionSettings;
import dev.oauthrelay.session.SmtpSession;
import dev.oauthrelay.session.TlsMode;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the pipeline of one accepted connection: connection limits, TLS for implicit-TLS
 * listeners, the idle timeout, then the SMTP handler with a fresh session and its slow-drip
 * deadlines.
 *
 * <p>On a PROXY protocol listener only a trusted proxy may connect, and the pipeline starts as
 * just the header decoder and {@link ProxyHeaderHandler}; the rest (limits first, then TLS, in the
 * order above) is installed once the header has named the real client, because the limits and the
 * session need that address. The PROXY header always comes before any TLS bytes.
 */
final class SmtpChannelInitializer extends ChannelInitializer<SocketChannel> {

    private static final Logger log = LoggerFactory.getLogger(SmtpChannelInitializer.class);

    static final AttributeKey<Boolean> IMPLICIT_TLS = AttributeKey.valueOf("relay.implicitTls");

    private final SessionSettings settings;
    private final ConnectionLimiter limiter;
    private final Supplier<SslContext> tls;
    private final Duration idleTimeout;
    private final int maxLineLength;
    private final Duration greetingDelay;
    private final SlowClientLimits slowClients;
    private final Function<InetSocketAddress, SmtpSession> sessions;
    private final io.netty.channel.group.ChannelGroup clients;
    /** Null: no PROXY protocol on this listener. */
    private final List<Cidr> trustedProxies;

    /** @param trustedProxies null for a listener without the PROXY protocol */
    SmtpChannelInitializer(SessionSettings settings, ConnectionLimiter limiter, Supplier<SslContext> tls,
                           Duration idleTimeout, int maxLineLength, Duration greetingDelay,
                           SlowClientLimits slowClients, Function<InetSocketAddress, SmtpSession> sessions,
                           io.netty.channel.group.ChannelGroup clients, List<Cidr> trustedProxies) {
        this.trustedProxies = trustedProxies == null ? null : List.copyOf(trustedProxies);
        this.clients = clients;
        this.settings = settings;
        this.limiter = limiter;
        this.tls = tls;
        this.idleTimeout = idleTimeout;
        this.maxLineLength = maxLineLength;
        this.greetingDelay = greetingDelay;
        this.slowClients = slowClients;
        this.sessions = sessions;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        clients.add(ch); // removed again automatically when it closes
        boolean implicit = settings.tlsMode() == TlsMode.IMPLICIT;
        ch.attr(IMPLICIT_TLS).set(implicit);
        if (trustedProxies == null) {
            install(ch, ch.remoteAddress());
            return;
        }
        InetAddress peer = ch.remoteAddress().getAddress();
        if (trustedProxies.stream().noneMatch(proxy -> proxy.contains(peer))) {
            log.info("client={} refused: listener {} accepts only trusted proxies (PROXY protocol); closing",
                    peer.getHostAddress(), settings.listenerName());
            ch.close();
            return;
        }
        ch.pipeline().addLast("proxy", new HAProxyMessageDecoder(ProxyHeaderHandler.MAX_TLV_BYTES));
        // The idle timeout also bounds the wait for the header.
        ch.pipeline().addLast("proxy-header",
                new ProxyHeaderHandler(settings.listenerName(), idleTimeout, client -> install(ch, client)));
    }

    /** Limits, TLS, idle timeout and the SMTP handler for a client at {@code client}. */
    private void install(SocketChannel ch, InetSocketAddress client) {
        boolean implicit = settings.tlsMode() == TlsMode.IMPLICIT;
        ChannelPipeline p = ch.pipeline();
        p.addLast("limits", limiter);
        if (implicit) {
            p.addLast("tls", tls.get().newHandler(ch.alloc()));
        }
        // RFC 5321 section 4.5.3.2.7: a server should wait at least 5 minutes for the next command.
        p.addLast("idle", new IdleStateHandler(0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS));
        // The idle timeout alone does not stop a client that trickles bytes: see InputDeadlines.
        InputDeadlines deadlines = new InputDeadlines(slowClients.commandTimeout(), slowClients.minDataRate(),
                slowClients.minDataRateWindow());
        p.addLast("smtp", new SmtpConnectionHandler(sessions.apply(client), maxLineLength, tls, implicit,
                greetingDelay, deadlines));
    }
}
