package dev.oauthrelay.server.listener;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for the PROXY protocol header (HAProxy's "The PROXY protocol", versions 1 and 2) that a
 * load balancer sends before the client's first byte, decoded by the {@link HAProxyMessageDecoder}
 * in front of it. Only then is the client known: this handler records the declared address
 * ({@link ClientAddress}), lets {@code install} add TLS, limits and the SMTP handler behind it,
 * replays {@code channelActive} to them (the limiter counts, the session greets) and steps aside;
 * the decoder then removes itself and passes on whatever followed the header.
 *
 * <p>A missing, malformed or late header closes the connection without a reply: the spec (section
 * 2) says a receiver must not guess, and must drop a connection whose header is invalid. A
 * {@code LOCAL} header (v2, the balancer's own health check) and an {@code UNKNOWN}/{@code
 * AF_UNSPEC} or {@code AF_UNIX} one are served as a connection from the balancer itself, with the
 * real connection endpoints, as sections 2.1 and 2.2 ask. v2 TLVs are ignored.
 */
final class ProxyHeaderHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ProxyHeaderHandler.class);

    /** Bound on v2 TLV data (AWS, GCP and HAProxy send well under 1 KiB); the address block is extra. */
    static final int MAX_TLV_BYTES = 4096;

    private final String listener;
    private final Duration timeout;
    private final Consumer<InetSocketAddress> install;
    private ScheduledFuture<?> deadline;
    /** The header was accepted (SMTP handlers installed) or refused (closing). */
    private boolean done;

    ProxyHeaderHandler(String listener, Duration timeout, Consumer<InetSocketAddress> install) {
        this.listener = listener;
        this.timeout = timeout;
        this.install = install;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            startDeadline(ctx);
        }
    }

    /** Not passed on: the handlers behind get their channelActive once the client is known. */
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        startDeadline(ctx);
    }

    private void startDeadline(ChannelHandlerContext ctx) {
        if (deadline == null) {
            deadline = ctx.executor().schedule(() -> {
                if (!done) {
                    refuse(ctx, "no PROXY protocol header within " + timeout);
                }
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (done) {
            ReferenceCountUtil.release(msg); // refused: the connection is closing
            return;
        }
        if (!(msg instanceof HAProxyMessage header)) {
            ReferenceCountUtil.release(msg);
            refuse(ctx, "no PROXY protocol header");
            return;
        }
        InetSocketAddress proxy = (InetSocketAddress) ctx.channel().remoteAddress();
        InetSocketAddress client;
        try {
            client = clientAddress(header, proxy);
        } finally {
            header.release();
        }
        if (client == null) {
            refuse(ctx, "PROXY protocol header with an unusable source address");
            return;
        }
        done = true;
        if (deadline != null) {
            deadline.cancel(false);
        }
        log.debug("client={} via proxy={} on {}", client, proxy, listener);
        ctx.channel().attr(ClientAddress.DECLARED).set(client);
        install.accept(client);
        ctx.fireChannelActive();
        ctx.pipeline().remove(this);
    }

    /**
     * The client the header declares; for LOCAL, UNKNOWN and non-IP families the proxy itself
     * (spec sections 2.1 and 2.2); null if an address does not parse (cannot happen with Netty's
     * decoder, which validates them).
     */
    static InetSocketAddress clientAddress(HAProxyMessage header, InetSocketAddress proxy) {
        if (header.command() == HAProxyCommand.LOCAL) {
            return proxy;
        }
        return switch (header.proxiedProtocol().addressFamily()) {
            case AF_IPv4, AF_IPv6 -> {
                // A literal, parsed without any DNS lookup.
                byte[] bytes = NetUtil.createByteArrayFromIpAddressString(header.sourceAddress());
                if (bytes == null) {
                    yield null;
                }
                try {
                    yield new InetSocketAddress(InetAddress.getByAddress(bytes), header.sourcePort());
                } catch (java.net.UnknownHostException e) {
                    yield null;
                }
            }
            default -> proxy;
        };
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (done) {
            return; // already refused; the connection is closing
        }
        // The decoder's HAProxyProtocolException (wrapped in a DecoderException), or a network error.
        Throwable reason = cause.getCause() != null ? cause.getCause() : cause;
        refuse(ctx, "invalid PROXY protocol header: " + reason.getMessage());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (deadline != null) {
            deadline.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    private void refuse(ChannelHandlerContext ctx, String why) {
        done = true;
        if (deadline != null) {
            deadline.cancel(false);
        }
        log.info("proxy={} on {} refused: {}; closing", ctx.channel().remoteAddress(), listener, why);
        ctx.close();
    }
}
