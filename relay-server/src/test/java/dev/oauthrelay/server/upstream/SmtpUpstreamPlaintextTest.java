package dev.oauthrelay.server.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oauthrelay.delivery.AttemptResult;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code relay.upstream.tls = none}: the benchmark's plaintext variant. The relay delivers to a
 * loopback sink without STARTTLS and without AUTH, never fetches a token for it, and refuses the
 * mode for any host that is not loopback.
 */
class SmtpUpstreamPlaintextTest {

    @Test
    void deliversInPlaintextWithoutAuthAndWithoutAToken() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread sink = new Thread(() -> serveOne(server, lines), "plaintext-sink");
            sink.setDaemon(true);
            sink.start();
            FakeTokenProvider tokens = new FakeTokenProvider();
            tokens.unavailable(true); // a token request would fail the delivery
            UpstreamSettings settings = new UpstreamSettings("127.0.0.1", server.getLocalPort(), TlsMode.NONE,
                    Optional.empty(), "relay.test", 3, Duration.ofSeconds(5), Duration.ofSeconds(5),
                    Duration.ofSeconds(10), Duration.ofSeconds(30));
            try (SmtpUpstream upstream = new SmtpUpstream(settings, tokens)) {
                AttemptResult result = upstream.submit(UpstreamFixture.simple("Subject: hi\r\n\r\nbody\r\n"))
                        .get(30, TimeUnit.SECONDS);
                assertThat(result).isInstanceOf(AttemptResult.Completed.class);
            }
        }
        assertThat(lines).anyMatch(l -> l.startsWith("EHLO relay.test"))
                .anyMatch(l -> l.startsWith("MAIL FROM:<" + UpstreamFixture.MAILBOX + ">"))
                .contains("body")
                .noneMatch(l -> l.startsWith("AUTH") || l.startsWith("STARTTLS"));
    }

    @Test
    void plaintextToAHostThatIsNotLoopbackIsRefused() {
        assertThatThrownBy(() -> UpstreamSettings.exchangeOnline("relay.test")
                .withEndpoint("smtp.office365.com", 25, TlsMode.NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("loopback");
        assertThat(UpstreamSettings.isLoopback("127.0.0.1")).isTrue();
        assertThat(UpstreamSettings.isLoopback("127.256.0.1")).isFalse();
        assertThat(UpstreamSettings.isLoopback("localhost.example")).isFalse();
    }

    /** One SMTP session that accepts everything, advertising STARTTLS and AUTH it must not be asked for. */
    private static void serveOne(ServerSocket server, List<String> lines) {
        try (Socket s = server.accept();
             BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))) {
            OutputStream out = s.getOutputStream();
            out.write("220 sink ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
            boolean data = false;
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(line);
                String reply;
                if (data) {
                    if (!line.equals(".")) {
                        continue;
                    }
                    data = false;
                    reply = "250 2.0.0 queued";
                } else if (line.startsWith("EHLO")) {
                    reply = "250-sink\r\n250-STARTTLS\r\n250 AUTH XOAUTH2 PLAIN";
                } else if (line.equals("DATA")) {
                    data = true;
                    reply = "354 go ahead";
                } else if (line.equals("QUIT")) {
                    out.write("221 bye\r\n".getBytes(StandardCharsets.US_ASCII));
                    return;
                } else {
                    reply = "250 2.0.0 ok";
                }
                out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (Exception e) {
            lines.add("sink error: " + e);
        }
    }
}
