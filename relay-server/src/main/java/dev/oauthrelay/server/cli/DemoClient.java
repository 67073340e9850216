package dev.oauthrelay.server.cli;

import dev.oauthrelay.server.tls.PemFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * The device in {@code relay demo}: submits one message to the relay the way a printer with a
 * password would (EHLO, STARTTLS, AUTH PLAIN, MAIL, RCPT, DATA), trusting exactly the relay's
 * own certificate.
 */
final class DemoClient {

    private BufferedReader in;
    private OutputStream out;

    /** Sends the message; returns the final reply (e.g. {@code 250 2.0.0 Ok: queued as ...}). */
    String send(int port, Path relayCertificate, String user, String password, String from, String to, String message)
            throws Exception {
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            plain.setSoTimeout(30_000);
            attach(plain);
            expect("220");
            command("EHLO demo-device", "250");
            command("STARTTLS", "220");
            try (SSLSocket tls = (SSLSocket) trusting(relayCertificate).getSocketFactory()
                    .createSocket(plain, "localhost", port, true)) {
                tls.startHandshake();
                attach(tls);
                command("EHLO demo-device", "250");
                String plainAuth = Base64.getEncoder().encodeToString(("\0" + user + "\0" + password)
                        .getBytes(StandardCharsets.UTF_8));
                command("AUTH PLAIN " + plainAuth, "235");
                command("MAIL FROM:<" + from + ">", "250");
                command("RCPT TO:<" + to + ">", "250");
                command("DATA", "354");
                StringBuilder data = new StringBuilder();
                for (String line : message.split("\r\n", -1)) {
                    data.append(line.startsWith(".") ? "." : "").append(line).append("\r\n");
                }
                String reply = command(data + ".", "250");
                command("QUIT", "221");
                return reply;
            }
        }
    }

    private void attach(Socket s) throws IOException {
        in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        out = s.getOutputStream();
    }

    private String command(String line, String expected) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return expect(expected);
    }

    private String expect(String code) throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                throw new IOException("the relay closed the connection");
            }
        } while (line.length() > 3 && line.charAt(3) == '-');
        if (!line.startsWith(code)) {
            throw new IOException("expected " + code + ", got: " + line);
        }
        return line;
    }

    private static SSLContext trusting(Path certificate) throws Exception {
        List<X509Certificate> chain = PemFiles.readCertificateChain(certificate);
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("relay", chain.get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
