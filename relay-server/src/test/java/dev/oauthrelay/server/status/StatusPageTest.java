package dev.oauthrelay.server.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.credentials.CredentialExpiry;
import dev.oauthrelay.credentials.CredentialKind;
import dev.oauthrelay.credentials.CredentialStatus;
import dev.oauthrelay.diagnosis.Diagnosis;
import dev.oauthrelay.diagnosis.ErrorExplainer;
import dev.oauthrelay.inventory.Device;
import dev.oauthrelay.server.status.StatusView.Check;
import dev.oauthrelay.server.status.StatusView.DeadLetter;
import dev.oauthrelay.server.status.StatusView.Deferral;
import dev.oauthrelay.server.status.StatusView.Health;
import dev.oauthrelay.server.status.StatusView.Queue;
import dev.oauthrelay.server.status.StatusView.Token;
import dev.oauthrelay.spool.QueueId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class StatusPageTest {

    static final Instant NOW = Instant.parse("2026-11-29T06:15:30Z");
    static final String XSS = "<script>alert(1)</script>";
    static final String ATTRIBUTE_BREAKER = "\"><img src=x onerror=alert(2)>";
    static final String SMTP_AUTH_OFF = "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled"
            + " for the Tenant.";
    static final String WRONG_SECRET = "Entra ID refused the token request (HTTP 401): invalid_client: AADSTS7000215:"
            + " Invalid client secret provided.";
    static final String NO_SEND_AS = "550 5.7.60 SMTP; Client does not have permissions to send as this sender";

    private static final QueueId DEFERRED = QueueId.parse("06H2DD38CNK1Q2CX");
    private static final QueueId FAILED = QueueId.parse("06H2DD38CNK1Q2CY");

    static Device device(String address, String helo, String account, List<String> tls) {
        return new Device(address, NOW.minus(Duration.ofDays(3)), NOW.minus(Duration.ofMinutes(2)), List.of(account),
                List.of(), List.of(helo), tls, List.of("printer@contoso.com"), 4, 12, 12_000, 1, 2, 3);
    }

    /** A relay in trouble, with hostile values wherever a device chooses them. */
    static StatusView troubled() {
        Health health = new Health(false, List.of(new Check("spool", true, true, "112 GB free"),
                new Check("token", false, true, "no valid token; the last fetch failed: " + WRONG_SECRET)));
        Token token = new Token("default", "SMTP", Optional.empty(), Optional.of(WRONG_SECRET));
        Deferral deferral = new Deferral(DEFERRED, NOW.minus(Duration.ofMinutes(42)), 3, NOW.plusSeconds(40),
                SMTP_AUTH_OFF, List.of("alice@fabrikam.example", XSS + "@x.example"), false);
        Queue queue = new Queue(7, Optional.of(NOW.minus(Duration.ofHours(5))), 7, 1, List.of(deferral), 1);
        DeadLetter deadLetter = new DeadLetter(FAILED, NOW.minus(Duration.ofHours(1)), "scanner@contoso.com",
                ATTRIBUTE_BREAKER, 1, Map.of("jdoe@fabrikam.example", NO_SEND_AS));
        List<Device> devices = List.of(
                device(XSS, ATTRIBUTE_BREAKER, "printer\u202Egpj.exe", List.of("TLSv1")),
                device("192.0.2.31", "nas01", "nas", List.of("none")),
                device("192.0.2.40", "mfp-3og", "mfp", List.of("TLSv1.3")));
        return new StatusView(NOW, health, List.of(token), queue, Optional.of(devices), 0, List.of(deadLetter),
                credentials());
    }

    /** An expired secret (Entra said so), an expiring certificate, a secret with no known expiry. */
    static List<CredentialStatus> credentials() {
        Duration warn = Duration.ofDays(30);
        return List.of(
                CredentialStatus.evaluate(CredentialExpiry.reportedExpired("default", CredentialKind.CLIENT_SECRET,
                        "relay.oauth.client-secret", "Entra ID answered AADSTS7000222"), NOW, warn),
                CredentialStatus.evaluate(CredentialExpiry.at("fabrikam", CredentialKind.CERTIFICATE,
                        "relay.upstream-accounts[0].certificate", Instant.parse("2026-12-10T00:00:00Z"), "notAfter"),
                        NOW, warn),
                CredentialStatus.evaluate(CredentialExpiry.unknown("tailspin", CredentialKind.CLIENT_SECRET,
                        "relay.upstream-accounts[1].client-secret"), NOW, warn));
    }

    static StatusView healthy() {
        return new StatusView(NOW, new Health(true, List.of(new Check("spool", true, true, "112 GB free"))),
                List.of(new Token("default", "SMTP", Optional.of(NOW.plus(Duration.ofMinutes(55))), Optional.empty())),
                new Queue(0, Optional.empty(), 0, 0, List.of(), 0), Optional.of(List.of()), 0, List.of());
    }

    @Test
    void everySectionIsThereInOneSelfContainedPage() {
        String html = StatusPage.render(troubled());
        assertThat(html).startsWith("<!DOCTYPE html>")
                .contains("<meta http-equiv=\"refresh\" content=\"30\">")
                .contains("<section id=\"health\">", "<section id=\"token\">", "<section id=\"credentials\">",
                        "<section id=\"queue\">",
                        "<section id=\"devices\">", "<section id=\"failures\">")
                .contains("<span class=\"badge bad\">not ready</span>");
        // Nothing to fetch from anywhere: no scripts, no external resources of any kind.
        assertThat(html.toLowerCase()).doesNotContain("<script", " src=\"", "href=\"http", "url(", "@import", "<link");
        for (String element : List.of("section", "table", "tr", "article", "dl", "p", "div")) {
            assertThat(count(html, "<" + element + "[ >]")).as(element).isEqualTo(count(html, "</" + element + ">"));
        }
    }

    @Test
    void valuesFromDevicesAreEscapedEverywhere() {
        String html = StatusPage.render(troubled());
        assertThat(html).doesNotContain(XSS, "<img", ATTRIBUTE_BREAKER, "\u202E")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;")
                .contains("printer\\u202egpj.exe");
        // The only tags are the page's own.
        Matcher tags = Pattern.compile("<([a-zA-Z0-9]+)").matcher(html);
        while (tags.find()) {
            assertThat(tags.group(1)).isIn("html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3",
                    "p", "span", "nav", "a", "main", "section", "table", "thead", "tbody", "tr", "th", "td", "dl", "dt",
                    "dd", "time", "code", "div", "strong", "article");
        }
    }

    @Test
    void eachExchangeAndEntraErrorComesWithWhatItMeansAndTheFix() {
        String html = StatusPage.render(troubled());
        for (String error : List.of(SMTP_AUTH_OFF, WRONG_SECRET, NO_SEND_AS)) {
            Diagnosis d = ErrorExplainer.explain(error).orElseThrow();
            assertThat(html).as(d.code()).contains(Html.text(error), Html.text(d.problem()), Html.text(d.fix()));
        }
        String failures = html.substring(html.indexOf("<section id=\"failures\">"));
        assertThat(failures).contains("id=\"f-" + DEFERRED + "\"", "id=\"f-" + FAILED + "\"", "&lt;jdoe@fabrikam.example&gt;");
    }

    @Test
    void oldTlsAndPlaintextDevicesAreFlagged() {
        String html = StatusPage.render(troubled());
        String devices = html.substring(html.indexOf("<section id=\"devices\">"), html.indexOf("<section id=\"failures\">"));
        assertThat(devices).contains("1 device(s) still use TLS 1.0 or 1.1", "1 device(s) sent mail without TLS")
                .contains("<span class=\"badge warn\">TLSv1 (old)</span>", "<span class=\"badge bad\">no TLS</span>");
        assertThat(count(devices, "<tr class=\"flag\">")).isEqualTo(2);
        assertThat(devices).contains("1 failed AUTH, 2 refused, 3 failed upstream");
    }

    @Test
    void aHealthyRelaySaysSo() {
        String html = StatusPage.render(healthy());
        assertThat(html).contains("<title>OAuth SMTP Relay: ready</title>", "<span class=\"badge ok\">valid</span> until",
                        "2026-11-29 07:10:30 UTC", "(in 55 min)", "No device has connected yet.",
                        "No dead letters and no deferred messages.")
                .doesNotContain("class=\"why\"");
    }

    @Test
    void tokenStatesAreToldApart() {
        assertThat(token(List.of())).contains("not configured", "queued, but not delivered");
        assertThat(token(List.of(new Token("default", "SMTP", Optional.empty(), Optional.empty()))))
                .contains("none yet").doesNotContain("<h3>");
        assertThat(token(List.of(new Token("default", "SMTP", Optional.of(NOW.plusSeconds(600)), Optional.of(WRONG_SECRET)))))
                .contains("badge ok", "The last refresh failed", "AADSTS7000215", "class=\"why\"");
    }

    @Test
    void eachUpstreamAccountAndUseHasItsOwnTokenState() {
        String html = token(List.of(
                new Token("default", "SMTP", Optional.of(NOW.plusSeconds(600)), Optional.empty()),
                new Token("fabrikam", "SMTP", Optional.empty(), Optional.of(WRONG_SECRET)),
                new Token("fabrikam", "Graph", Optional.empty(), Optional.empty(), Optional.of("scan<er>@fabrikam.example"))));
        assertThat(html).contains("<h3>default (SMTP)</h3>", "<h3>fabrikam (SMTP)</h3>", "<h3>fabrikam (Graph)</h3>");
        assertThat(html.substring(html.indexOf("fabrikam (SMTP)"), html.indexOf("fabrikam (Graph)")))
                .contains("no valid token", "AADSTS7000215");
        assertThat(html.substring(html.indexOf("fabrikam (Graph)"))).contains("none yet",
                "Signed in as scan&lt;er&gt;@fabrikam.example (relay login).");
    }

    @Test
    void eachCredentialShowsItsExpiryStateAndWhatToDo() {
        String html = StatusPage.render(troubled());
        String section = html.substring(html.indexOf("<section id=\"credentials\">"), html.indexOf("<section id=\"queue\">"));
        assertThat(section).contains("2 credential(s) expire soon or have expired", "The expiry of 1 is unknown.")
                .contains("<span class=\"badge bad\">expired</span>", "<span class=\"badge warn\">expiring</span>",
                        "<span class=\"badge\">unknown</span>")
                .contains("has expired (Entra ID answered AADSTS7000222): create a new client secret",
                        "<time datetime=\"2026-12-10T00:00:00Z\">2026-12-10 00:00:00 UTC</time> (in 10 d 17 h)",
                        "point relay.upstream-accounts[0].certificate and relay.upstream-accounts[0].private-key",
                        "set relay.upstream-accounts[1].client-secret-expires")
                .contains("Entra ID &gt; App registrations");
        assertThat(count(section, "<tr class=\"flag\">")).isEqualTo(2);
        assertThat(StatusPage.render(healthy())).contains("<section id=\"credentials\">",
                "No upstream account is configured, so there is no client secret or certificate to watch.");
    }

    @Test
    void durationsReadNaturally() {
        assertThat(Html.duration(Duration.ofSeconds(45))).isEqualTo("45 s");
        assertThat(Html.duration(Duration.ofMinutes(12))).isEqualTo("12 min");
        assertThat(Html.duration(Duration.ofMinutes(185))).isEqualTo("3 h 5 min");
        assertThat(Html.duration(Duration.ofHours(52))).isEqualTo("2 d 4 h");
        assertThat(Html.relative(NOW.minusSeconds(90), NOW)).isEqualTo("1 min ago");
        assertThat(Html.relative(NOW.plusSeconds(20), NOW)).isEqualTo("in 20 s");
    }

    private static String token(List<Token> tokens) {
        StatusView h = healthy();
        String html = StatusPage.render(new StatusView(NOW, h.health(), tokens, h.queue(), h.devices(), 0, List.of()));
        return html.substring(html.indexOf("<section id=\"token\">"), html.indexOf("<section id=\"queue\">"));
    }

    static int count(String s, String regex) {
        Matcher m = Pattern.compile(regex).matcher(s);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
