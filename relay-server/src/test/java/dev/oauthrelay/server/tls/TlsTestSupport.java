package dev.oauthrelay.server.tls;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/** A loopback Netty server that does nothing but TLS, and JDK clients to handshake with it. */
final class TlsTestSupport {

    private TlsTestSupport() {}

    /** A running server; closing it shuts down its event loop group. */
    record Server(EventLoopGroup group, Channel channel, int port) implements AutoCloseable {
        @Override
        public void close() {
            channel.close().syncUninterruptibly();
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** What the client saw. */
    record Handshake(String protocol, X509Certificate peerCertificate) {}

    static Server startServer(ServerTlsContext tls) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel channel = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            // Like the real listeners: each new connection asks for the current context.
                            ch.pipeline().addLast(tls.current().newHandler(ch.alloc()));
                        }
                    })
                    .bind("127.0.0.1", 0)
                    .sync()
                    .channel();
            return new Server(group, channel, ((InetSocketAddress) channel.localAddress()).getPort());
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
            throw e;
        }
    }

    /**
     * Handshakes with a JDK client that trusts only {@code trusted} and verifies the certificate
     * against the address 127.0.0.1, as a careful device would.
     */
    static Handshake handshake(int port, List<String> protocols, X509Certificate... trusted) throws Exception {
        KeyStore trustStore = KeyStore.getInstance("PKCS12");
        trustStore.load(null, null);
        for (int i = 0; i < trusted.length; i++) {
            trustStore.setCertificateEntry("trusted-" + i, trusted[i]);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trustStore);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(5000);
            SSLParameters params = socket.getSSLParameters();
            params.setProtocols(protocols.toArray(String[]::new));
            params.setEndpointIdentificationAlgorithm("HTTPS"); // checks the 127.0.0.1 SAN
            socket.setSSLParameters(params);
            socket.startHandshake();
            Certificate[] peer = socket.getSession().getPeerCertificates();
            return new Handshake(socket.getSession().getProtocol(), (X509Certificate) peer[0]);
        }
    }

    /**
     * Sends a hand-made ClientHello offering only {@code version} (0x0302 = TLS 1.1, 0x0303 = TLS 1.2)
     * and returns the content type of the first record the server answers with (22 = handshake,
     * i.e. a ServerHello; 21 = alert), or -1 if it just closes. The JDK client cannot be used for
     * TLS 1.1 because its own default configuration already refuses to offer it.
     */
    static int rawHelloResponseType(int port, int version) throws Exception {
        byte[] hello = clientHello(version);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(hello);
            out.flush();
            InputStream in = socket.getInputStream();
            return in.read();
        }
    }

    private static byte[] clientHello(int version) {
        byte[] body = concat(
                u16(version),
                new byte[32], // client random; unpredictability does not matter here
                new byte[] {0}, // no session id
                u16(8), u16(0xc02b), u16(0xc02f), u16(0xc009), u16(0x002f), // ECDHE GCM + CBC suites
                new byte[] {1, 0}, // null compression only
                extensions(
                        extension(0x000a, concat(u16(4), u16(0x0017), u16(0x0018))), // supported_groups
                        extension(0x000b, new byte[] {1, 0}), // ec_point_formats: uncompressed
                        extension(0x000d, concat(u16(6), u16(0x0403), u16(0x0804), u16(0x0401))))); // sig algs
        byte[] handshake = concat(new byte[] {1}, u24(body.length), body); // ClientHello
        return concat(new byte[] {22, 3, 1}, u16(handshake.length), handshake); // handshake record
    }

    private static byte[] extensions(byte[]... extensions) {
        byte[] all = concat(extensions);
        return concat(u16(all.length), all);
    }

    private static byte[] extension(int type, byte[] data) {
        return concat(u16(type), u16(data.length), data);
    }

    private static byte[] u16(int v) {
        return new byte[] {(byte) (v >> 8), (byte) v};
    }

    private static byte[] u24(int v) {
        return new byte[] {(byte) (v >> 16), (byte) (v >> 8), (byte) v};
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        byte[] out = new byte[length];
        int pos = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, pos, p.length);
            pos += p.length;
        }
        return out;
    }
}
