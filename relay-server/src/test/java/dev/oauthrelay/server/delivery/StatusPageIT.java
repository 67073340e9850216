package dev.oauthrelay.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.diagnosis.Diagnosis;
import dev.oauthrelay.diagnosis.ErrorExplainer;
import dev.oauthrelay.server.listener.SmtpTestClient;
import dev.oauthrelay.server.listener.TestRelay;
import dev.oauthrelay.server.standin.StandInExchange.Stage;
import dev.oauthrelay.server.standin.StandIns;
import dev.oauthrelay.server.status.HeadlessChromium;
import dev.oauthrelay.spool.QueueId;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The status page of a real relay, as a browser shows it: the relay delivers to the Microsoft
 * stand-ins, one message fails for good (the mailbox may not send as its sender), another waits
 * (Exchange throttles its mailbox), a device says HELO with markup, and headless Chromium loads
 * {@code http://127.0.0.1:<admin port>/}. Its DOM must hold every section and Exchange's errors
 * explained; its screenshot must be a picture of a page, not a blank one.
 */
class StatusPageIT extends DeliveryTestSupport {

    private static final String NO_SEND_AS = "alerts@contoso.com";
    private static final String HOSTILE_HELO = "<script>alert(1)</script>";
    private static final String BUSY = "432 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded";
    private static final int WIDTH = 1280;
    private static final int HEIGHT = 2000;

    @Test
    void aBrowserShowsTheSectionsAndExplainsEachFailure() throws Exception {
        HeadlessChromium chromium = HeadlessChromium.find(); // fails, not skips, when it is missing
        startRelay(standIns.settings().withoutNotices().render() + """
                trusted-networks = [ { cidr = "%s/32", mailbox = "%s", allowed-senders = ["%s", "%s"] } ]
                oauth.client-secret-expires = %s
                """.formatted(TestRelay.TRUSTED_HOST, StandIns.SCANNER, StandIns.SCANNER, NO_SEND_AS,
                java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(10)));
        String failed;
        try (SmtpTestClient c = TestRelay.trustedHost(relay, HOSTILE_HELO)) {
            failed = SmtpTestClient.queueId(c.sendMail(NO_SEND_AS, List.of("jdoe@fabrikam.example"),
                    message("scan from alerts", "page 1")));
        }
        until("the refused message is dead-lettered", () -> deadLettered().contains(QueueId.parse(failed)));
        standIns.exchange().failNext(Stage.RCPT, 10_000, BUSY);
        String waiting = sendAsPrinter(List.of("alice@fabrikam.example"), message("busy mailbox", "page 1"));
        until("the second message waits, Exchange's reply recorded", () -> lastError(waiting).contains("4.3.2"));

        String url = "http://127.0.0.1:" + relay.adminPort() + "/";
        HttpResponse<String> direct = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(direct.statusCode()).isEqualTo(200);
        assertThat(direct.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                csp -> assertThat(csp).startsWith("default-src 'none'; style-src 'unsafe-inline'; img-src data:"));

        String dom = chromium.dumpDom(url);
        assertThat(dom).contains("<section id=\"health\">", "<section id=\"token\">", "<section id=\"credentials\">",
                "<section id=\"queue\">", "<section id=\"devices\">", "<section id=\"failures\">");
        String health = dom.substring(dom.indexOf("<section id=\"health\">"), dom.indexOf("<section id=\"token\">"));
        assertThat(health).as("the checks of /health/ready").contains("<td>listeners</td>", "<td>spool</td>",
                "<td>token</td>", "<td>upstream</td>", "<td>credentials</td>");
        assertThat(dom).as("the secret expiring in 10 days").contains("<span class=\"badge warn\">expiring</span>",
                "relay.oauth.client-secret-expires");
        assertThat(dom).contains("id=\"f-" + failed + "\"", "id=\"f-" + waiting + "\"");
        for (String reply : List.of("550 5.7.60", BUSY)) {
            Diagnosis d = ErrorExplainer.explain(reply).orElseThrow();
            assertThat(dom).as(d.code()).contains(serialised(d.problem()), serialised(d.fix()));
        }
        assertThat(dom).as("a device's HELO is text, not markup")
                .contains(serialised(HOSTILE_HELO)).doesNotContain(HOSTILE_HELO).doesNotContain("<script");
        assertThat(dom).contains("<span class=\"badge bad\">no TLS</span>", "TLSv1.3", TestRelay.USER);

        BufferedImage shot = ImageIO.read(new ByteArrayInputStream(chromium.screenshot(url, WIDTH, HEIGHT, dir)));
        assertThat(shot).as("a PNG").isNotNull();
        assertThat(shot.getWidth()).isEqualTo(WIDTH);
        assertThat(shot.getHeight()).isEqualTo(HEIGHT);
        assertThat(colours(shot, 0, 0, WIDTH, 60)).as("the dark header bar").anyMatch(StatusPageIT::dark);
        Set<Integer> body = colours(shot, 0, 60, WIDTH, HEIGHT - 60);
        assertThat(body.size()).as("text, tables and badges: many colours, not a blank page").isGreaterThan(50);
        assertThat(body).as("the red of a failed message's card").anyMatch(StatusPageIT::red);
        assertThat(body).as("the amber of a deferred one's").anyMatch(StatusPageIT::amber);
    }

    private String lastError(String id) {
        try {
            return relay.spool().readState(QueueId.parse(id)).map(s -> s.lastError()).orElse("");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** {@code s} as Chromium serialises a text node: only {@code & < >} (and no-break spaces) escaped. */
    private static String serialised(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\u00A0", "&nbsp;");
    }

    private static Set<Integer> colours(BufferedImage image, int x0, int y0, int width, int height) {
        Set<Integer> out = new HashSet<>();
        for (int y = y0; y < y0 + height; y++) {
            for (int x = x0; x < x0 + width; x++) {
                out.add(image.getRGB(x, y) & 0xFFFFFF);
            }
        }
        return out;
    }

    private static boolean dark(int rgb) {
        return (rgb >> 16 & 0xFF) < 60 && (rgb >> 8 & 0xFF) < 60 && (rgb & 0xFF) < 60;
    }

    /** Close to the page's {@code #c62828}. */
    private static boolean red(int rgb) {
        return (rgb >> 16 & 0xFF) > 170 && (rgb >> 8 & 0xFF) < 70 && (rgb & 0xFF) < 70;
    }

    /** Close to the page's {@code #9a6700}. */
    private static boolean amber(int rgb) {
        int r = rgb >> 16 & 0xFF;
        int g = rgb >> 8 & 0xFF;
        int b = rgb & 0xFF;
        return r > 130 && r < 180 && g > 80 && g < 125 && b < 30;
    }
}
