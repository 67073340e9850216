package dev.oauthrelay.bench.sink;

import dev.oauthrelay.server.tls.SelfSignedCertificate;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark's upstream: an SMTP server on loopback that offers STARTTLS (a self-signed
 * certificate for "localhost"), accepts any AUTH (XOAUTH2 and PLAIN, token not checked), accepts
 * every message, counts messages and bytes and discards the bodies. It must never be the
 * bottleneck, which the loopback cell (load generator straight into the sink) shows. The
 * extension verb {@code XSTATS} answers {@code 250 <messages> <bytes> <epoch-ms of the last>}.
 */
public final class BenchSink implements AutoCloseable {

    final AtomicLong messages = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    volatile long lastDeliveryMillis;

    private final EventLoopGroup group;
    private final Channel server;
    private final Path certificate;

    private BenchSink(int port, Path dir, int threads) throws InterruptedException {
        SelfSignedCertificate.CertificatePaths paths = SelfSignedCertificate.ensure(dir, "localhost");
        this.certificate = paths.certificate();
        SslContext tls;
        try {
            tls = SslContextBuilder.forServer(new File(paths.certificate().toString()), new File(paths.privateKey().toString()))
                    .protocols("TLSv1.3", "TLSv1.2").build();
        } catch (Exception e) {
            throw new IllegalStateException("sink TLS: " + e.getMessage(), e);
        }
        boolean epoll = Epoll.isAvailable();
        group = new MultiThreadIoEventLoopGroup(threads, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        server = new ServerBootstrap()
                .group(group)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new SinkSession(BenchSink.this, tls));
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
    }

    public static BenchSink start(int port, Path dir, int threads) throws InterruptedException {
        return new BenchSink(port, dir, threads);
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public Path certificate() {
        return certificate;
    }

    void delivered(long size) {
        bytes.addAndGet(size);
        lastDeliveryMillis = System.currentTimeMillis();
        messages.incrementAndGet();
    }

    String stats() {
        return messages.get() + " " + bytes.get() + " " + lastDeliveryMillis;
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
