package dev.oauthrelay.server.standin;

import dev.oauthrelay.server.standin.StandInExchange.ReceivedMessage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Microsoft stand-ins for a test, in one temporary directory: the Entra ID token endpoint
 * (with the relay's app registered, granting the Exchange and the Graph scope, the latter with
 * Mail.Send, Mail.ReadWrite and User.Read.All), Exchange Online
 * and Microsoft Graph (both knowing the test mailboxes, checking tokens against that endpoint for
 * their own scope). {@link #hocon()} renders the {@code upstream}, {@code oauth}, {@code graph} and
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
    /** The Graph stand-in's scope: what {@code relay.graph.scope} defaults to for host localhost. */
    public static final String GRAPH_SCOPE = "https://localhost/.default";

    private final StandInTokenEndpoint entra;
    private final StandInExchange exchange;
    private final StandInGraph graph;

    private StandIns(StandInTokenEndpoint entra, StandInExchange exchange, StandInGraph graph) {
        this.entra = entra;
        this.exchange = exchange;
        this.graph = graph;
    }

    /** Starts both on loopback, free ports, certificates under {@code dir}. */
    public static StandIns start(Path dir) throws InterruptedException {
        StandInTokenEndpoint entra = StandInTokenEndpoint.start(dir.resolve("entra"));
        StandInExchange exchange = null;
        try {
            entra.registerClient(CLIENT_ID, CLIENT_SECRET);
            entra.grantScope(GRAPH_SCOPE, StandInTokenEndpoint.MAIL_SEND_ROLE, StandInTokenEndpoint.MAIL_READ_WRITE_ROLE,
                    StandInGraph.USER_READ_ALL_ROLE);
            exchange = StandInExchange.builder(dir.resolve("exchange"))
                    .mailbox(PRINTER, PRINTER_SEND_AS)
                    .mailbox(SCANNER)
                    .mailbox(NOTICES)
                    .tokenValidator((mailbox, token) -> entra.acceptsForSmtp(mailbox, token))
                    .start();
            StandInGraph graph = StandInGraph.start(dir.resolve("graph"), GRAPH_SCOPE, entra::graphPermissions,
                    Map.of(PRINTER, Set.of(PRINTER_SEND_AS), SCANNER, Set.of(), NOTICES, Set.of()));
            return new StandIns(entra, exchange, graph);
        } catch (InterruptedException | RuntimeException e) {
            if (exchange != null) {
                exchange.close();
            }
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

    public StandInGraph graph() {
        return graph;
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
        private String upstream = "smtp";
        private String graphSizes = "";

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

        /** {@code delivery.upstream}: smtp, graph or smtp-then-graph. */
        public Settings upstream(String choice) {
            upstream = choice;
            return this;
        }

        /** {@code graph.max-request-size} and {@code graph.upload-chunk-size} (HOCON sizes). */
        public Settings graphSizes(String maxRequestSize, String uploadChunkSize) {
            graphSizes = "max-request-size = " + maxRequestSize + "\n  upload-chunk-size = " + uploadChunkSize;
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
                    graph {
                      host = "%s"
                      port = %d
                      trusted-certificates = "%s"
                      connect-timeout = 5s
                      request-timeout = 15s
                      %s
                    }
                    delivery {
                      upstream = %s
                      retry { initial-delay = 200ms, multiplier = 2, max-delay = 1s }
                      token-retry-delay = 500ms
                      # The stand-in has no sending limits; bursts and throttling in tests must not wait for a minute.
                      per-mailbox { messages-per-minute = 100000, throttle-backoff = 1s }
                      %s
                    }
                    """.formatted(exchange.host(), exchange.port(), trust, dataTimeout, entra.tenantId(), CLIENT_ID,
                    CLIENT_SECRET, entra.authority(), esc(entra.certificatePath()), graph.host(), graph.port(),
                    esc(graph.certificateFile()), graphSizes, upstream, notify);
        }
    }

    private static String esc(Path p) {
        return p.toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\"");
    }

    @Override
    public void close() {
        try {
            graph.close();
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
