package dev.oauthrelay.server.compat;

import static dev.oauthrelay.server.e2e.RelayProcess.HOSTNAME;
import static dev.oauthrelay.server.e2e.RelayProcess.MAILBOX;
import static dev.oauthrelay.server.e2e.RelayProcess.PASSWORD;
import static dev.oauthrelay.server.e2e.RelayProcess.SCANNER_MAILBOX;
import static dev.oauthrelay.server.e2e.RelayProcess.TRUSTED_CLIENT;
import static dev.oauthrelay.server.e2e.RelayProcess.USER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.server.e2e.AddedHeaders;
import dev.oauthrelay.server.e2e.Clients;
import dev.oauthrelay.server.e2e.QueuedMessages;
import dev.oauthrelay.server.e2e.RelayProcess;
import dev.oauthrelay.server.tls.OpenSslCli;
import dev.oauthrelay.spool.Envelope;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The compatibility suite's client half: real SMTP clients from Debian against each kind of
 * listener of the relay process, each sending a device fixture that must be queued byte for byte
 * (apart from the default header repairs, see {@link AddedHeaders}). On {@code plain} the client
 * connects from the trusted host {@value RelayProcess#TRUSTED_CLIENT} without AUTH; on the others
 * it logs in as the device account. The matrix ({@link #matrix()}):
 * <pre>
 *                     submission  smtps      plain      legacy-submission  legacy-smtps
 *                     (STARTTLS)  (implicit) (no TLS)   (STARTTLS, TLS 1.0+)  (implicit, TLS 1.0+)
 *   swaks             x           x          x
 *   curl              x           x          x                             x
 *   msmtp             x           x          x          x
 *   Python smtplib    x           x          x
 *   s_client -tls1    refused     refused               x                  x
 *   s_client -tls1_1  refused     refused               x                  x
 *   s_client -tls1_2  x           x
 *   s_client -tls1_3  x           x
 * </pre>
 * Modern clients negotiate TLS 1.3, also on the legacy listeners. One relay serves every case;
 * each case finds its message by the queue id the client printed.
 */
class RealClientsIT {

    private static final String RECIPIENT = "jdoe@contoso.com";

    private static final String LISTENERS = """
            listeners = [
              { name = submission, address = "127.0.0.1", port = 0, tls = starttls }
              { name = smtps, address = "127.0.0.1", port = 0, tls = implicit }
              { name = plain, address = "127.0.0.1", port = 0, tls = none }
              { name = legacy-submission, address = "127.0.0.1", port = 0, tls = starttls, legacy-tls = true }
              { name = legacy-smtps, address = "127.0.0.1", port = 0, tls = implicit, legacy-tls = true }
            ]
            """;

    /** The kinds of listener, by name in {@link #LISTENERS}. */
    enum Listener {
        STARTTLS("submission", true), IMPLICIT("smtps", true), PLAIN("plain", false),
        LEGACY_STARTTLS("legacy-submission", true), LEGACY_IMPLICIT("legacy-smtps", true);

        final String name;
        final boolean tls;

        Listener(String name, boolean tls) {
            this.name = name;
            this.tls = tls;
        }

        boolean starttls() {
            return this == STARTTLS || this == LEGACY_STARTTLS;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** What a client sent and printed: the fixture, the message bytes the relay should store before header repair, the output. */
    record Sent(String fixture, byte[] message, Clients.Result result) { }

    @TempDir
    static Path dir;
    static RelayProcess relay;

    @BeforeAll
    static void startRelay() {
        relay = RelayProcess.create(dir, "", LISTENERS).start();
    }

    @AfterAll
    static void stopRelay() {
        if (relay != null) {
            relay.stop();
        }
    }

    static Stream<Arguments> matrix() {
        List<Arguments> cases = new ArrayList<>();
        for (String client : List.of("swaks", "curl", "msmtp", "python-smtplib")) {
            for (Listener l : List.of(Listener.STARTTLS, Listener.IMPLICIT, Listener.PLAIN)) {
                cases.add(Arguments.of(client, l));
            }
        }
        cases.add(Arguments.of("curl", Listener.LEGACY_IMPLICIT));
        cases.add(Arguments.of("msmtp", Listener.LEGACY_STARTTLS));
        for (String version : List.of("-tls1", "-tls1_1")) {
            cases.add(Arguments.of("openssl " + version, Listener.LEGACY_STARTTLS));
            cases.add(Arguments.of("openssl " + version, Listener.LEGACY_IMPLICIT));
        }
        for (String version : List.of("-tls1_2", "-tls1_3")) {
            cases.add(Arguments.of("openssl " + version, Listener.STARTTLS));
            cases.add(Arguments.of("openssl " + version, Listener.IMPLICIT));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("matrix")
    void messageIsQueuedByteForByte(String client, Listener listener) {
        int port = relay.port(listener.name);
        Sent sent = client.startsWith("openssl ") ? openssl(client.substring(8), listener, port)
                : switch (client) {
                    case "swaks" -> swaks(listener, port);
                    case "curl" -> curl(listener, port);
                    case "msmtp" -> msmtp(listener, port);
                    case "python-smtplib" -> python(listener, port);
                    default -> throw new IllegalArgumentException(client);
                };
        assertThat(sent.result().exitCode()).as("%s", sent.result()).isZero();
        String id = sent.result().queueId();

        QueuedMessages.Copy stored = QueuedMessages.read(relay.dataDir(), id);
        assertThat(new String(stored.body(), StandardCharsets.ISO_8859_1)).as("the message as stored")
                .isEqualTo(new String(AddedHeaders.expectedForFixture(sent.fixture(), sent.message(), stored.body(), id,
                        HOSTNAME), StandardCharsets.ISO_8859_1));

        Envelope env = stored.envelope();
        assertThat(env.mailbox()).isEqualTo(listener.tls ? MAILBOX : SCANNER_MAILBOX);
        assertThat(env.identityKind()).isEqualTo(listener.tls ? Envelope.KIND_ACCOUNT : Envelope.KIND_TRUSTED_NETWORK);
        assertThat(env.mailFrom()).isEqualTo(listener.tls ? MAILBOX : SCANNER_MAILBOX);
        assertThat(env.recipients()).containsExactly(RECIPIENT);
        assertThat(env.clientAddress()).isEqualTo(listener.tls ? "127.0.0.1" : TRUSTED_CLIENT);
        assertThat(env.tlsProtocol()).isEqualTo(!listener.tls ? "none"
                : client.startsWith("openssl ") ? tlsName(client.substring(8)) : "TLSv1.3");
        assertThat(stored.receivedHeader()).contains(" id " + id);
    }

    @ParameterizedTest(name = "openssl {0} on {1}")
    @MethodSource("refusedOldTls")
    void oldTlsIsRefusedOnOrdinaryListeners(String version, Listener listener) {
        int before = QueuedMessages.ids(relay.dataDir()).size();
        try (OpenSslCli.Session s = OpenSslCli.Session.open(relay.port(listener.name), listener.starttls(), version,
                "DEFAULT")) {
            assertThat(s.awaitReady()).as("TLS came up").isFalse();
            OpenSslCli.Result r = s.finish();
            assertThat(r.protocol()).as("%s", r).isNull();
            assertThat(r.exitCode()).as("%s", r).isNotZero();
        }
        assertThat(QueuedMessages.ids(relay.dataDir())).hasSize(before);
    }

    static Stream<Arguments> refusedOldTls() {
        return Stream.of("-tls1", "-tls1_1").flatMap(v -> Stream.of(Listener.STARTTLS, Listener.IMPLICIT)
                .map(l -> Arguments.of(v, l)));
    }

    // ---- the clients ------------------------------------------------------------------------

    /** swaks with {@code --data @file}: it adds an empty line (its end marker is CRLF "." CRLF after the file's CRLF). */
    private static Sent swaks(Listener listener, int port) {
        String fixture = "send-mailmessage.eml";
        List<String> args = new ArrayList<>(List.of("--server", "127.0.0.1:" + port, "--ehlo", "swaks-host",
                "--to", RECIPIENT, "--data", "@" + Clients.fixture(fixture)));
        if (listener.tls) {
            args.addAll(List.of(listener.starttls() ? "--tls" : "--tlsc", "--auth", "LOGIN", "--auth-user", USER,
                    "--auth-password", PASSWORD, "--from", MAILBOX));
        } else {
            args.addAll(List.of("--local-interface", TRUSTED_CLIENT, "--from", SCANNER_MAILBOX));
        }
        byte[] sent = (new String(Clients.fixtureBytes(fixture), StandardCharsets.ISO_8859_1) + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        return new Sent(fixture, sent, Clients.swaks(args.toArray(String[]::new)));
    }

    /** curl uploads the file as it is (no --crlf), dot-stuffed on the wire. */
    private static Sent curl(Listener listener, int port) {
        String fixture = "mfp-scan-to-email.eml";
        List<String> args = new ArrayList<>(List.of("--mail-rcpt", RECIPIENT,
                "--upload-file", Clients.fixture(fixture).toString()));
        if (listener.tls) {
            String scheme = listener.starttls() ? "smtp" : "smtps";
            args.addAll(List.of(scheme + "://127.0.0.1:" + port + "/curl-host", "--ssl-reqd", "-k",
                    "--user", USER + ":" + PASSWORD, "--login-options", "AUTH=PLAIN", "--mail-from", MAILBOX));
        } else {
            args.addAll(List.of("smtp://127.0.0.1:" + port + "/curl-host", "--interface", TRUSTED_CLIENT,
                    "--mail-from", SCANNER_MAILBOX));
        }
        return new Sent(fixture, Clients.fixtureBytes(fixture), Clients.curl(args.toArray(String[]::new)));
    }

    /** msmtp, given a fixture that has Date and Message-ID, sends it unchanged (and pipelines MAIL, RCPT, DATA). */
    private static Sent msmtp(Listener listener, int port) {
        String fixture = "utf8-notification.eml";
        List<String> args = new ArrayList<>(List.of("--host=127.0.0.1", "--port=" + port, "--domain=msmtp-host"));
        if (listener.tls) {
            args.addAll(List.of("--tls=on", "--tls-starttls=" + (listener.starttls() ? "on" : "off"),
                    "--tls-certcheck=off", "--auth=login", "--user=" + USER, "--passwordeval=echo " + PASSWORD,
                    "--from=" + MAILBOX));
        } else {
            args.addAll(List.of("--tls=off", "--auth=off", "--source-ip=" + TRUSTED_CLIENT, "--from=" + SCANNER_MAILBOX));
        }
        args.add(RECIPIENT);
        byte[] message = Clients.fixtureBytes(fixture);
        return new Sent(fixture, message, Clients.msmtp(message, args.toArray(String[]::new)));
    }

    /** Python's smtplib sends bytes unchanged apart from dot-stuffing (send_file.py checks they are CRLF only). */
    private static Sent python(Listener listener, int port) {
        String fixture = "send-mailmessage.eml";
        String mode = !listener.tls ? "plain" : listener.starttls() ? "starttls" : "implicit";
        Clients.Result result = Clients.python("send_file.py", mode, String.valueOf(port), USER, PASSWORD,
                listener.tls ? "127.0.0.1" : TRUSTED_CLIENT, listener.tls ? MAILBOX : SCANNER_MAILBOX,
                Clients.fixture(fixture).toString(), RECIPIENT);
        return new Sent(fixture, Clients.fixtureBytes(fixture), result);
    }

    /**
     * {@code openssl s_client} at one TLS version playing an old scanner: AUTH LOGIN, the scan
     * fixture dot-stuffed by hand, QUIT; one command at a time.
     */
    private static Sent openssl(String version, Listener listener, int port) {
        String fixture = "mfp-scan-to-email.eml";
        byte[] message = Clients.fixtureBytes(fixture);
        try (OpenSslCli.Session s = OpenSslCli.Session.open(port, listener.starttls(), version, "DEFAULT")) {
            if (s.awaitReady()) {
                expect(s.command("EHLO openssl-host"), "250", "EHLO");
                expect(s.command("AUTH LOGIN"), "334", "AUTH LOGIN");
                expect(s.command(b64(USER)), "334", "the user name");
                expect(s.command(b64(PASSWORD)), "235", "the password");
                expect(s.command("MAIL FROM:<" + MAILBOX + ">"), "250", "MAIL");
                expect(s.command("RCPT TO:<" + RECIPIENT + ">"), "250", "RCPT");
                expect(s.command("DATA"), "354", "DATA");
                s.send(Replay.stuffed(message));
                expect(s.command("."), "250", "the end of the data");
                expect(s.command("QUIT"), "221", "QUIT");
            }
            OpenSslCli.Result r = s.finish();
            assertThat(r.protocol()).as("%s", r).isEqualTo(tlsName(version));
            // s_client prints the relay's replies: the queue id is in its output.
            return new Sent(fixture, message, new Clients.Result(List.of("openssl", "s_client", version), r.exitCode(),
                    r.output(), ""));
        }
    }

    private static void expect(String reply, String code, String what) {
        assertThat(reply).as("reply to %s", what).startsWith(code);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** The protocol name OpenSSL and the relay use for a s_client version flag. */
    private static String tlsName(String flag) {
        return switch (flag) {
            case "-tls1" -> "TLSv1";
            case "-tls1_1" -> "TLSv1.1";
            case "-tls1_2" -> "TLSv1.2";
            case "-tls1_3" -> "TLSv1.3";
            default -> throw new IllegalArgumentException(flag);
        };
    }
}
