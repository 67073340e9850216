package dev.oauthrelay.server.graph;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.delivery.AttemptResult;
import dev.oauthrelay.delivery.OutcomeClassifier;
import dev.oauthrelay.delivery.RecipientOutcome;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Graph's answers become the replies the one OutcomeClassifier judges, as SMTP's would be. */
class GraphRepliesTest {

    private static final Instant NOW = Instant.parse("2026-11-29T08:00:00Z");
    private static final List<String> RCPT = List.of("alice@fabrikam.example", "bob@fabrikam.example");

    private static byte[] error(String code, String message) {
        return ("{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}}").getBytes(StandardCharsets.UTF_8);
    }

    private static HttpHeaders headers(Map<String, List<String>> h) {
        return HttpHeaders.of(h, (a, b) -> true);
    }

    private static String verdict(AttemptResult r) {
        RecipientOutcome o = OutcomeClassifier.classify(r, RCPT).get(RCPT.get(0));
        return o instanceof RecipientOutcome.Delivered ? "delivered" : o instanceof RecipientOutcome.Failed ? "failed" : "deferred";
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "401, InvalidAuthenticationToken, deferred, 535 5.7.3",
            "403, ErrorAccessDenied, deferred, 535 5.7.3",
            "404, ErrorInvalidUser, deferred, 535 5.7.3",
            "403, ErrorSendAsDenied, failed, 550 5.7.60",
            "400, ErrorMimeContentInvalidBase64String, failed, 554 5.6.0",
            "400, ErrorInvalidRecipients, failed, 550 5.1.3",
            "413, RequestEntityTooLarge, failed, 552 5.3.4",
            "403, ErrorQuotaExceeded, failed, 554 5.2.0",
            "429, ApplicationThrottled, deferred, 451 4.7.0",
            "503, ServiceUnavailable, deferred, 451 4.3.2",
            "500, InternalServerError, deferred, 451 4.3.0",
            "504, GatewayTimeout, deferred, 451 4.3.0",
            "409, ErrorIrresolvableConflict, deferred, 451 4.3.0",
            "302, '', deferred, 451 4.4.0",
    })
    void statusAndErrorCodeDecideLikeAnSmtpReply(int status, String code, String verdict, String reply) {
        AttemptResult.Failed r = GraphReplies.failed("sendMail", status, headers(Map.of()), error(code, "Details."), NOW);
        assertThat(verdict(r)).isEqualTo(verdict);
        assertThat(r.reply().toString()).startsWith(reply).contains(("Graph sendMail " + status + " " + code).strip());
    }

    @Test
    void retryAfterOf429And503IsTheRetryTimeInSecondsOrAsADate() {
        AttemptResult.Failed seconds = GraphReplies.failed("sendMail", 429,
                headers(Map.of("Retry-After", List.of("17"))), error("ApplicationThrottled", "slow down"), NOW);
        assertThat(seconds.retryAfter()).isEqualTo(Duration.ofSeconds(17));
        assertThat(OutcomeClassifier.retryAfter(seconds)).contains(Duration.ofSeconds(17));

        AttemptResult.Failed date = GraphReplies.failed("send draft", 503,
                headers(Map.of("Retry-After", List.of("Sun, 29 Nov 2026 08:02:00 GMT"))), new byte[0], NOW);
        assertThat(date.retryAfter()).isEqualTo(Duration.ofMinutes(2));

        AttemptResult.Failed noHeader = GraphReplies.failed("sendMail", 500,
                headers(Map.of("Retry-After", List.of("30"))), new byte[0], NOW);
        assertThat(noHeader.retryAfter()).as("only 429 and 503 carry a retry time").isNull();
    }

    @Test
    void retryAfterValuesAreReadSafely() {
        assertThat(RetryAfter.parse(Optional.of(" 5 "), NOW)).contains(Duration.ofSeconds(5));
        assertThat(RetryAfter.parse(Optional.of("99999999999999"), NOW)).contains(RetryAfter.MAX);
        assertThat(RetryAfter.parse(Optional.of("Sun, 29 Nov 2026 07:00:00 GMT"), NOW)).contains(Duration.ZERO);
        assertThat(RetryAfter.parse(Optional.of("soon"), NOW)).isEmpty();
        assertThat(RetryAfter.parse(Optional.empty(), NOW)).isEmpty();
    }

    @Test
    void errorTextIsShortSingleLineAndABodyThatIsNoJsonStillGivesTheStatus() {
        String longMessage = "line one\\nline two " + "x".repeat(500);
        AttemptResult.Failed r = GraphReplies.failed("sendMail", 400, headers(Map.of()), error("ErrorX", longMessage), NOW);
        assertThat(r.reply().text()).doesNotContain("\n").hasSizeLessThan(300);
        AttemptResult.Failed html = GraphReplies.failed("sendMail", 502, headers(Map.of()),
                "<html>Bad Gateway</html>".getBytes(StandardCharsets.UTF_8), NOW);
        assertThat(html.reply().toString()).isEqualTo("451 4.3.0 Graph sendMail 502");
    }

    @Test
    void acceptedMeansDeliveredForEveryRecipient() {
        AttemptResult.Completed ok = GraphReplies.delivered(RCPT, "sendMail", 202);
        assertThat(OutcomeClassifier.classify(ok, RCPT).values()).allMatch(o -> o instanceof RecipientOutcome.Delivered);
        assertThat(ok.dataReply().toString()).isEqualTo("250 2.0.0 Graph sendMail: 202 Accepted");
    }
}
