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
public final class SmtpTestClient implements AutoCloseable {

    private Socket socket;
    private InputStream in;
    private OutputStream out;

    public SmtpTestClient(int port) throws IOException {
        this(port, InetAddress.getLoopbackAddress());
    }

    public SmtpTestClient(int port, InetAddress localAddress) throws IOException {
        socket = new Socket();
        socket.bind(new InetSocketAddress(localAddress, 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true); // each send() leaves as it is written: pipelining tests rely on it
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    public static SmtpTestClient implicitTls(int port) throws Exception {
        SmtpTestClient c = new SmtpTestClient(port);
        c.upgradeToTls();
        return c;
    }

    /** Wraps the connection in TLS, trusting any certificate (tests use the self-signed one). */
    public void upgradeToTls() throws Exception {
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
    public String peerSubject() throws javax.net.ssl.SSLPeerUnverifiedException {
        return ((java.security.cert.X509Certificate) ((SSLSocket) socket).getSession().getPeerCertificates()[0])
                .getSubjectX500Principal().getName();
    }

    public String protocol() {
        return socket instanceof SSLSocket s ? s.getSession().getProtocol() : "none";
    }

    public void send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    public void sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends one command line (CRLF appended) and returns the reply. */
    public String command(String line) throws IOException {
        send(line + "\r\n");
        return reply();
    }

    /**
     * One mail transaction: MAIL FROM, RCPT TO for each recipient, DATA, then {@code content}
     * (CRLF line ends, ending in CRLF) dot-stuffed as a client must, and the final dot. Fails on
     * any unexpected reply before the dot; returns the reply to the dot.
     */
    public String sendMail(String from, List<String> recipients, String content) throws IOException {
        if (!content.endsWith("\r\n")) {
            throw new IllegalArgumentException("content must end with CRLF");
        }
        expect(command("MAIL FROM:<" + from + ">"), "250");
        for (String r : recipients) {
            expect(command("RCPT TO:<" + r + ">"), "250");
        }
        expect(command("DATA"), "354");
        String stuffed = (content.startsWith(".") ? "." : "") + content.replace("\r\n.", "\r\n..");
        send(stuffed);
        return command(".");
    }

    /** The queue id in a {@code 250 2.0.0 Ok: queued as <id>} reply. */
    public static String queueId(String reply) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^250 2\\.0\\.0 Ok: queued as ([0-9A-Z]{16})$")
                .matcher(reply);
        if (!m.matches()) {
            throw new AssertionError("not a queued reply: " + reply);
        }
        return m.group(1);
    }

    /** Returns {@code reply} if it starts with {@code code}, else fails with it. */
    public String expect(String reply, String code) {
        if (!reply.startsWith(code)) {
            throw new AssertionError("expected " + code + " but got: " + reply);
        }
        return reply;
    }

    /** Reads one complete reply; all lines joined with "\n". */
    public String reply() throws IOException {
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

    /** Whether the server has sent bytes not read yet (does not block; for plaintext connections). */
    public boolean hasInput() throws IOException {
        return in.available() > 0;
    }

    /** True once the server has closed the connection (reads EOF). */
    public boolean closedByServer() throws IOException {
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
