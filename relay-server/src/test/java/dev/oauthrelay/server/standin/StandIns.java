package dev.oauthrelay.server.standin;

import dev.oauthrelay.server.standin.StandInExchange.ReceivedMessage;
import java.nio.file.Path;
import java.util.List;

/**
 * Both Microsoft stand-ins for a test, in one temporary directory: the Entra ID token endpoint
 * (with the relay's app registered) and Exchange Online (knowing the test mailboxes, checking
 * tokens against that endpoint). {@link #hocon()} renders the {@code upstream}, {@code oauth} and
 * {@code delivery} settings that point a relay at them, to be placed inside {@code relay { }}: the
 * in-process {@code TestRelay} and the {@code RelayProcess} of the end-to-end tests use the same
 * text. Retries are short (200 ms doubling up to 1 s) so recovery tests stay fast.
 *
 * <p>The mailboxes match the identities of {@code TestRelay} and {@code RelayProcess}:
 * {@value #PRINTER} (may also send as {@value #PRINTER_SEND_AS}), {@value #SCANNER} (no send-as
 * rights) and {@value #NOTICES}, the mailbox failure notices are sent as (to {@value #ADMIN}).
 */
public final class StandIns implements AutoCloseable {

    public static final String CLIENT_ID = "00000000-0000-0000-0000-0000000017e5";
    /** A test value; the secrets scan of the guide should find it nowhere but in test configuration. */
    public static final String CLIENT_SECRET = "stand-in-client-secret-17e5";

    public static final String PRINTER = "printer@contoso.com";
    public static final String PRINTER_SEND_AS = "noreply@contoso.com";
    public static final String SCANNER = "scanner@contoso.com";
    public static final String NOTICES = "relay-notices@contoso.com";
    public static final String ADMIN = "postmaster@contoso.com";

    private final StandInTokenEndpoint entra;
    private final StandInExchange exchange;

    private StandIns(StandInTokenEndpoint entra, StandInExchange exchange) {
        this.entra = entra;
        this.exchange = exchange;
    }

    /** Starts both on loopback, free ports, certificates under {@code dir}. */
    public static StandIns start(Path dir) throws InterruptedException {
        StandInTokenEndpoint entra = StandInTokenEndpoint.start(dir.resolve("entra"));
        try {
            entra.registerClient(CLIENT_ID, CLIENT_SECRET);
            StandInExchange exchange = StandInExchange.builder(dir.resolve("exchange"))
                    .mailbox(PRINTER, PRINTER_SEND_AS)
                    .mailbox(SCANNER)
                    .mailbox(NOTICES)
                    .tokenValidator(entra::isValid)
                    .start();
            return new StandIns(entra, exchange);
        } catch (InterruptedException | RuntimeException e) {
            entra.close();
            throw e;
        }
    }

    public StandInTokenEndpoint entra() {
        return entra;
    }

    public StandInExchange exchange() {
        return exchange;
    }

    /** Messages the Exchange stand-in took that were authenticated as {@code mailbox}. */
    public List<ReceivedMessage> messagesAs(String mailbox) {
        return exchange.messages().stream().filter(m -> m.mailbox().equalsIgnoreCase(mailbox)).toList();
    }

    /** Whether any line starting with {@code prefix} (e.g. "AUTH") reached the Exchange stand-in, TLS or not. */
    public boolean anyLine(String prefix) {
        return exchange.transcripts().stream().flatMap(t -> t.lines().stream())
                .anyMatch(l -> l.line().regionMatches(true, 0, prefix, 0, prefix.length()));
    }

    /** How many lines (any connection, TLS or not) start with {@code prefix}, ignoring case. */
    public long countLinesStartingWith(String prefix) {
        return exchange.transcripts().stream().flatMap(t -> t.lines().stream())
                .filter(l -> l.line().regionMatches(true, 0, prefix, 0, prefix.length())).count();
    }

    /** The default settings: trusted upstream, failure notices on. */
    public String hocon() {
        return settings().render();
    }

    public Settings settings() {
        return new Settings();
    }

    /** Variations of the rendered configuration. */
    public final class Settings {
        private boolean trustUpstream = true;
        private boolean notices = true;
        private String dataTimeout = "30s";

        private Settings() {
        }

        /** Leave {@code upstream.trusted-certificates} out: the stand-in's certificate is then untrusted. */
        public Settings untrustedUpstream() {
            trustUpstream = false;
            return this;
        }

        public Settings withoutNotices() {
            notices = false;
            return this;
        }

        /** {@code upstream.data-timeout}, the wait for the reply to the final dot (HOCON duration). */
        public Settings dataTimeout(String duration) {
            dataTimeout = duration;
            return this;
        }

        public String render() {
            String trust = trustUpstream ? "trusted-certificates = \"" + esc(exchange.certificateFile()) + "\"" : "";
            String notify = notices ? "notify { mailbox = \"%s\", admin = \"%s\" }".formatted(NOTICES, ADMIN) : "";
            return """
                    upstream {
                      host = "%s"
                      port = %d
                      tls = starttls
                      %s
                      connect-timeout = 5s
                      command-timeout = 15s
                      data-timeout = %s
                    }
                    oauth {
                      tenant-id = "%s"
                      client-id = "%s"
                      client-secret = "%s"
                      authority = "%s"
                      trusted-certificates = "%s"
                    }
                    delivery {
                      retry { initial-delay = 200ms, multiplier = 2, max-delay = 1s }
                      token-retry-delay = 500ms
                      %s
                    }
                    """.formatted(exchange.host(), exchange.port(), trust, dataTimeout, entra.tenantId(), CLIENT_ID,
                    CLIENT_SECRET, entra.authority(), esc(entra.certificatePath()), notify);
        }
    }

    private static String esc(Path p) {
        return p.toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\"");
    }

    @Override
    public void close() {
        try {
            exchange.close();
        } finally {
            entra.close();
        }
    }

    @Override
    public String toString() {
        return "StandIns[entra=" + entra.authority() + ", exchange=" + exchange.host() + ":" + exchange.port() + "]";
    }
}
