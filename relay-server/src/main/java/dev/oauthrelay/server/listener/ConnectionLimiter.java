package dev.oauthrelay.server.listener;

import dev.oauthrelay.smtp.Replies;
import dev.oauthrelay.smtp.SmtpReply;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps connections in total and per client address, across all listeners. A connection over a
 * cap gets {@code 421 4.7.0} and is closed before a session exists (RFC 5321 section 3.8 allows a
 * 421 in place of the greeting). On an implicit-TLS listener no plaintext reply is possible, so
 * the connection is just closed.
 */
@ChannelHandler.Sharable
public final class ConnectionLimiter extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ConnectionLimiter.class);
    private static final AttributeKey<InetAddress> COUNTED = AttributeKey.valueOf("relay.counted");

    private final int maxTotal;
    private final int maxPerAddress;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();

    public ConnectionLimiter(int maxTotal, int maxPerAddress) {
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
    }

    /** Connections currently open (for tests and metrics). */
    public int open() {
        return total.get();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // Behind a load balancer, the address its PROXY protocol header declared.
        InetAddress address = ClientAddress.of(ctx.channel()).getAddress();
        SmtpReply refusal = admit(address);
        if (refusal == null) {
            ctx.channel().attr(COUNTED).set(address);
            ctx.fireChannelActive();
            return;
        }
        log.info("client={} refused: {}", address.getHostAddress(), refusal);
        boolean implicitTls = Boolean.TRUE.equals(ctx.channel().attr(SmtpChannelInitializer.IMPLICIT_TLS).get());
        if (implicitTls) {
            ctx.close();
        } else {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(refusal.encodeBytes())).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** A refused connection is closing: what it sent meanwhile must not reach a handler that never started. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (ctx.channel().attr(COUNTED).get() != null) {
            ctx.fireChannelRead(msg);
        } else {
            io.netty.util.ReferenceCountUtil.release(msg);
        }
    }

    private SmtpReply admit(InetAddress address) {
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            return Replies.TOO_MANY_CONNECTIONS;
        }
        boolean[] admitted = new boolean[1];
        // compute() makes check-and-increment atomic per address.
        perAddress.compute(address, (a, c) -> {
            int current = c == null ? 0 : c;
            admitted[0] = current < maxPerAddress;
            return admitted[0] ? Integer.valueOf(current + 1) : c;
        });
        if (!admitted[0]) {
            total.decrementAndGet();
            return Replies.TOO_MANY_CONNECTIONS_FROM_ADDRESS;
        }
        return null;
    }

    private void release(InetAddress address) {
        total.decrementAndGet();
        perAddress.computeIfPresent(address, (a, c) -> c <= 1 ? null : c - 1);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        InetAddress counted = ctx.channel().attr(COUNTED).getAndSet(null);
        if (counted != null) {
            release(counted);
            ctx.fireChannelInactive();
        }
    }
}
