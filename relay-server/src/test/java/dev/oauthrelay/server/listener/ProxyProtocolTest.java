package dev.oauthrelay.server.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.oauthrelay.server.Relay;
import dev.oauthrelay.spool.Envelope;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Listeners behind a load balancer (PROXY protocol v1 and v2): only trusted proxies may connect,
 * the header is required, and the declared client address is the one the relay acts on. The test
 * plays the load balancer at 127.0.0.1, declaring clients from documentation ranges (RFC 5737).
 */
class ProxyProtocolTest {

    private static final String DEVICE = "192.0.2.7";
    private static final String DEVICE_MAILBOX = "mfp@contoso.com";
    private static final String V1_HEADER = "PROXY TCP4 " + DEVICE + " 10.0.0.1 51000 25\r\n";

    @TempDir
    Path dir;
    Relay relay;

    @BeforeEach
    void start() throws Exception {
        relay = TestRelay.start(dir, """
                listeners = [
                  { name = plain, address = "127.0.0.1", port = 0, tls = none }
                  { name = proxied, address = "127.0.0.1", port = 0, tls = none, proxy-protocol = true }
                  { name = proxied-smtps, address = "127.0.0.1", port = 0, tls = implicit, proxy-protocol = true }
                ]
                trusted-proxies = ["127.0.0.1/32", "::1"]
                trusted-networks = [ { cidr = "%s/32", mailbox = "%s" } ]
                # The early-talker check on (off by default), for the test of bytes behind the header.
                limits { idle-timeout = 2s, max-connections-per-address = 2, greeting-delay = 500ms }
                """.formatted(DEVICE, DEVICE_MAILBOX));
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    private SmtpTestClient viaProxy(String listener) throws Exception {
        return new SmtpTestClient(relay.port(listener)); // from 127.0.0.1, a trusted proxy
    }

    @Test
    void v1HeaderMakesTheDeclaredClientTheOneOnTheTrustedNetwork() throws Exception {
        try (SmtpTestClient c = viaProxy("proxied")) {
            c.send(V1_HEADER);
            assertThat(c.reply()).startsWith("220 relay.test");
            c.expect(c.command("EHLO mfp"), "250");
            // No AUTH: only the declared address (not 127.0.0.1) is on a trusted network.
            String queued = c.sendMail(DEVICE_MAILBOX, List.of("someone@example.org"), "Subject: scan\r\n\r\nhi\r\n");
            assertThat(queued).startsWith("250 2.0.0");
        }
        var stored = relay.spool().read(relay.spool().queued().get(0));
        Envelope env = stored.envelope();
        assertThat(env.clientAddress()).isEqualTo(DEVICE);
        try (var body = stored.openBody()) {
            assertThat(new String(body.readAllBytes(), StandardCharsets.US_ASCII))
                    .startsWith("Received: from mfp ([" + DEVICE + "])");
        }
    }

    @Test
    void commandInTheHeadersPacketReachesTheSessionAndIsAnEarlyTalker() throws Exception {
        // The bytes after the header are handed on, not lost: here they come before the greeting,
        // which RFC 5321 section 3.1 forbids whoever sends them (the greeting delay is 500 ms).
        try (SmtpTestClient c = viaProxy("proxied")) {
            c.send(V1_HEADER + "EHLO mfp\r\n");
            assertThat(c.reply()).startsWith("554 5.5.0");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void declaredClientOutsideTrustedNetworksMustAuthenticate() throws Exception {
        try (SmtpTestClient c = viaProxy("proxied")) {
            c.send("PROXY TCP4 198.51.100.20 10.0.0.1 51000 25\r\n");
            c.expect(c.reply(), "220");
            c.expect(c.command("EHLO other"), "250");
            assertThat(c.command("MAIL FROM:<" + DEVICE_MAILBOX + ">")).startsWith("530");
        }
    }

    @Test
    void v2BinaryHeaderWithTlvsWorks() throws Exception {
        try (SmtpTestClient c = viaProxy("proxied")) {
            c.sendBytes(v2Header(new byte[] {(byte) 192, 0, 2, 7}, new byte[] {10, 0, 0, 1}, 51000, 25,
                    // PP2_TYPE_NOOP (0x04) and PP2_TYPE_AUTHORITY (0x02): ignored
                    new byte[] {0x04, 0x00, 0x03, 1, 2, 3, 0x02, 0x00, 0x04, 'h', 'o', 's', 't'}));
            assertThat(c.reply()).startsWith("220 relay.test");
            c.expect(c.command("EHLO mfp"), "250");
            assertThat(c.command("MAIL FROM:<" + DEVICE_MAILBOX + ">")).startsWith("250 2.1.0");
        }
    }

    @Test
    void v2LocalHealthCheckIsServedAsTheProxyItself() throws Exception {
        try (SmtpTestClient c = viaProxy("proxied")) {
            byte[] local = new byte[16];
            System.arraycopy(V2_SIGNATURE, 0, local, 0, 12);
            local[12] = 0x20; // version 2, LOCAL; family UNSPEC, no address block
            c.sendBytes(local);
            assertThat(c.reply()).startsWith("220 relay.test");
            c.expect(c.command("EHLO lb"), "250");
            // 127.0.0.1 is not a trusted network.
            assertThat(c.command("MAIL FROM:<" + DEVICE_MAILBOX + ">")).startsWith("530");
        }
    }

    @Test
    void v1UnknownIsServedAsTheProxyAndTcp6DeclaresAnIpv6Client() throws Exception {
        try (SmtpTestClient c = viaProxy("proxied")) {
            c.send("PROXY UNKNOWN\r\n");
            c.expect(c.reply(), "220");
            assertThat(c.command("EHLO lb")).contains("127.0.0.1");
        }
        try (SmtpTestClient c = viaProxy("proxied")) {
            c.send("PROXY TCP6 2001:db8::7 2001:db8::1 51000 25\r\n");
            c.expect(c.reply(), "220");
            assertThat(c.command("EHLO v6")).contains("2001:db8:0:0:0:0:0:7").doesNotContain("127.0.0.1");
        }
    }

    @Test
    void connectionFromAnUntrustedAddressIsClosedWithoutGreeting() throws Exception {
        try (SmtpTestClient c = new SmtpTestClient(relay.port("proxied"), InetAddress.getByName("127.0.0.3"))) {
            c.send(V1_HEADER); // even with a well-formed header
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void garbageInsteadOfAHeaderIsClosedWithoutGreeting() throws Exception {
        try (SmtpTestClient c = viaProxy("proxied")) {
            c.send("EHLO client.example.org\r\n");
            assertThat(c.closedByServer()).isTrue();
        }
        try (SmtpTestClient c = viaProxy("proxied")) {
            c.send("PROXY TCP4 not-an-address 10.0.0.1 51000 25\r\n");
            assertThat(c.closedByServer()).isTrue();
        }
        try (SmtpTestClient c = viaProxy("proxied")) {
            c.sendBytes(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03, 0, 0, 0});
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void missingHeaderIsClosedAfterTheIdleTimeout() throws Exception {
        try (SmtpTestClient c = viaProxy("proxied")) {
            long started = System.nanoTime();
            assertThat(c.closedByServer()).isTrue(); // the client waits for a greeting that never comes
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
        }
    }

    @Test
    void implicitTlsBehindProxy() throws Exception {
        try (SmtpTestClient c = viaProxy("proxied-smtps")) {
            c.send(V1_HEADER);
            c.upgradeToTls();
            assertThat(c.reply()).startsWith("220 relay.test");
            c.expect(c.command("EHLO mfp"), "250");
            assertThat(c.command("MAIL FROM:<" + DEVICE_MAILBOX + ">")).startsWith("250 2.1.0");
        }
    }

    @Test
    void connectionLimitPerAddressCountsDeclaredClients() throws Exception {
        try (SmtpTestClient a = viaProxy("proxied"); SmtpTestClient b = viaProxy("proxied");
             SmtpTestClient c = viaProxy("proxied"); SmtpTestClient d = viaProxy("proxied")) {
            for (SmtpTestClient first : List.of(a, b)) {
                first.send(V1_HEADER);
                first.expect(first.reply(), "220");
            }
            c.send(V1_HEADER);
            assertThat(c.reply()).startsWith("421");
            // Same proxy, another client: admitted.
            d.send("PROXY TCP4 192.0.2.8 10.0.0.1 51000 25\r\n");
            assertThat(d.reply()).startsWith("220");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> relay.server().limiter().open() == 0);
    }

    @Test
    void otherListenersIgnoreThePROXYProtocol() throws Exception {
        try (SmtpTestClient c = new SmtpTestClient(relay.port("plain"))) {
            c.expect(c.reply(), "220");
            // A PROXY line on an ordinary listener is just a bad command; it declares nothing.
            assertThat(c.command(V1_HEADER.strip())).startsWith("5");
        }
    }

    private static final byte[] V2_SIGNATURE =
            {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    /** A PROXY v2 header (spec section 2.2): PROXY command, TCP over IPv4, then the TLVs. */
    private static byte[] v2Header(byte[] src, byte[] dst, int srcPort, int dstPort, byte[] tlvs) {
        ByteBuffer addresses = ByteBuffer.allocate(12 + tlvs.length)
                .put(src).put(dst).putShort((short) srcPort).putShort((short) dstPort).put(tlvs);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(V2_SIGNATURE);
        out.write(0x21); // version 2, PROXY
        out.write(0x11); // AF_INET, STREAM
        out.write((addresses.capacity() >> 8) & 0xff);
        out.write(addresses.capacity() & 0xff);
        out.writeBytes(addresses.array());
        return out.toByteArray();
    }
}
