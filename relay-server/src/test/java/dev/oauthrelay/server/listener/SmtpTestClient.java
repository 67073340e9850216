package dev.oauthrelay.server.listener;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A raw-socket SMTP client for tests that need exact control over the bytes on the wire
 * (pipelining, injection, byte-by-byte writes). Reads whole replies, multi-line aware.
 */
final class SmtpTestClient implements AutoCloseable {

    private Socket socket;
    private InputStream in;
    private OutputStream out;

    SmtpTestClient(int port) throws IOException {
        this(port, InetAddress.getLoopbackAddress());
    }

    SmtpTestClient(int port, InetAddress localAddress) throws IOException {
        socket = new Socket();
        socket.bind(new InetSocketAddress(localAddress, 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    static SmtpTestClient implicitTls(int port) throws Exception {
        SmtpTestClient c = new SmtpTestClient(port);
        c.upgradeToTls();
        return c;
    }

    /** Wraps the connection in TLS, trusting any certificate (tests use the self-signed one). */
    void upgradeToTls() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new X509TrustManager() {
            @Override public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) { }
            @Override public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) { }
            @Override public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        }}, null);
        SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(socket, "localhost", socket.getPort(), true);
        tls.startHandshake();
        socket = tls;
        in = tls.getInputStream();
        out = tls.getOutputStream();
    }

    /** The subject of the certificate the server presented. */
    String peerSubject() throws javax.net.ssl.SSLPeerUnverifiedException {
        return ((java.security.cert.X509Certificate) ((SSLSocket) socket).getSession().getPeerCertificates()[0])
                .getSubjectX500Principal().getName();
    }

    String protocol() {
        return socket instanceof SSLSocket s ? s.getSession().getProtocol() : "none";
    }

    void send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    void sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends one command line (CRLF appended) and returns the reply. */
    String command(String line) throws IOException {
        send(line + "\r\n");
        return reply();
    }

    /** Reads one complete reply; all lines joined with "\n". */
    String reply() throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = readLine();
            if (line == null) {
                throw new IOException("connection closed; got so far: " + lines);
            }
            lines.add(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return String.join("\n", lines);
            }
        }
    }

    /** True once the server has closed the connection (reads EOF). */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                String s = line.toString(StandardCharsets.UTF_8);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
