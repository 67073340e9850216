package dev.oauthrelay.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.oauthrelay.auth.PasswordHasher;
import dev.oauthrelay.delivery.DeliveryScheduler;
import dev.oauthrelay.diagnosis.Diagnosis;
import dev.oauthrelay.diagnosis.ErrorExplainer;
import dev.oauthrelay.server.cli.RelayCli;
import dev.oauthrelay.server.standin.StandInExchange.Stage;
import dev.oauthrelay.server.standin.StandInTokenEndpoint;
import dev.oauthrelay.server.standin.StandIns;
import dev.oauthrelay.token.CachingTokenProvider;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * One translator, three places: for the same Entra ID, Exchange Online or Graph error, the log line,
 * {@code relay check} and the status page give the same likely cause and the same fix, word for
 * word ({@link ErrorExplainer}).
 */
class SameDiagnosisEverywhereTest extends DeliveryTestSupport {

    private static final String SMTP_AUTH_OFF = "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication"
            + " is disabled for the Tenant.";

    private final List<Logger> loggers = List.of((Logger) LoggerFactory.getLogger(CachingTokenProvider.class),
            (Logger) LoggerFactory.getLogger(DeliveryScheduler.class));
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void captureLog() {
        log.start();
        loggers.forEach(l -> l.addAppender(log));
    }

    @AfterEach
    void releaseLog() {
        loggers.forEach(l -> l.detachAppender(log));
    }

    @Test
    void aWrongClientSecret() throws Exception {
        String settings = standIns.hocon().replace(StandIns.CLIENT_SECRET, "not-the-secret");
        startRelay(settings);
        until("the token request has failed", () -> relay.tokens().orElseThrow().accounts().get(0).smtp().lastError().isPresent());

        assertSameDiagnosisEverywhere("AADSTS7000215", settings);
    }

    @Test
    void smtpAuthDisabledForTheTenant() throws Exception {
        standIns.exchange().failNext(Stage.AUTH, 10_000, SMTP_AUTH_OFF);
        startRelay();
        sendAsPrinter(List.of("alice@fabrikam.example"), message("smtp auth off", "page 1"));
        until("the message is deferred", () -> delivery().deferredCount() >= 1);

        assertSameDiagnosisEverywhere("5.7.139", standIns.hocon());
    }

    @Test
    void graphRefusesAnAppWithoutMailSend() throws Exception {
        // The app registration has Graph permissions, but not Mail.Send: the Graph stand-in answers 403 ErrorAccessDenied.
        standIns.entra().grantScope(StandIns.GRAPH_SCOPE, StandInTokenEndpoint.MAIL_READ_WRITE_ROLE);
        String settings = standIns.settings().upstream("graph").render();
        startRelay(settings);
        sendAsPrinter(List.of("alice@fabrikam.example"), message("no mail send", "page 1"));
        until("the message is deferred", () -> delivery().deferredCount() >= 1);

        assertSameDiagnosisEverywhere("403 ErrorAccessDenied", "Graph ErrorAccessDenied", settings);
    }

    private void assertSameDiagnosisEverywhere(String code, String settings) throws Exception {
        assertSameDiagnosisEverywhere(code, code, settings);
    }

    /** {@code shownAs}: the words of the error that the log line and relay check show; {@code code}: the diagnosis's. */
    private void assertSameDiagnosisEverywhere(String shownAs, String code, String settings) throws Exception {
        // The scheduler counts a deferral just before it logs it.
        until("a log line names " + shownAs, () -> !logLinesNaming(shownAs).isEmpty());
        String logged = logLinesNaming(shownAs);
        Diagnosis d = ErrorExplainer.explain(logged).orElseThrow(() -> new AssertionError("no log line names " + shownAs));
        assertThat(d.code()).isEqualTo(code);

        assertThat(logged).as("the log").contains("; likely cause: " + d.problem() + " Fix: " + d.fix());
        assertThat(check(settings)).as("relay check").contains(shownAs, "likely cause: " + d.problem(), "fix: " + d.fix());
        assertThat(statusPage()).as("the status page")
                .contains(html(code), "<strong>What it means</strong>", html(d.problem()), html(d.fix()));
    }

    private String logLinesNaming(String text) {
        synchronized (log) { // AppenderBase.doAppend holds the appender's lock while it adds
            return String.join("\n", new ArrayList<>(log.list).stream().map(ILoggingEvent::getFormattedMessage)
                    .filter(m -> m.contains(text)).toList());
        }
    }

    private String statusPage() throws Exception {
        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + relay.adminPort() + "/status")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        return page.body();
    }

    /** {@code relay check} with the relay's own Microsoft settings; what it printed. */
    private String check(String settings) throws Exception {
        Path config = dir.resolve("check.conf");
        Files.writeString(config, """
                relay {
                  data-dir = "%s"
                  listeners = [ { name = submission, address = "127.0.0.1", port = 0 } ]
                  accounts = [ { username = printer, password-hash = "%s", mailbox = "%s" } ]
                  %s
                }
                """.formatted(dir.resolve("check-data"), PasswordHasher.hash("pw".toCharArray(), 4), StandIns.PRINTER,
                settings));
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertThat(RelayCli.execute("check", "--config", config.toString())).isEqualTo(1);
        } finally {
            System.setOut(stdout);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    private static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }
}
