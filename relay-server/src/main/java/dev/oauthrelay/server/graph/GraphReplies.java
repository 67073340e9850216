package dev.oauthrelay.server.graph;

import dev.oauthrelay.delivery.AttemptResult;
import dev.oauthrelay.delivery.AttemptResult.Stage;
import dev.oauthrelay.delivery.RemoteReply;
import dev.oauthrelay.server.json.Json;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Graph's answers as the SMTP replies the one classifier already understands, so both upstreams
 * are judged by the same rules ({@code OutcomeClassifier}): success is a {@code 250} for every
 * recipient (Graph accepts a message for all its recipients or for none); a refusal is a failure
 * at MAIL with a 4xx (try again) or 5xx (fail for good) reply; a rejected token or a permission the
 * tenant has not granted is a failure at AUTH, which defers, as Exchange's {@code 535} does.
 *
 * <p>The mapping, from Graph's status code and {@code error.code} (Microsoft Graph error
 * responses; Outlook mail API errors):
 * <ul>
 *   <li>401, and 403 other than {@code ErrorSendAsDenied}, {@code ErrorQuotaExceeded} and
 *       {@code ErrorMessageSizeExceeded} (missing {@code Mail.Send}, an application access policy),
 *       and 404 (no such mailbox, or not enabled for the REST API): AUTH, {@code 535 5.7.3}.
 *   <li>403 {@code ErrorSendAsDenied}: {@code 550 5.7.60}, as Exchange answers over SMTP.
 *   <li>408, 409, 423, 429, 5xx, and an unexpected 1xx/3xx (a redirect is never followed, it
 *       could take the token elsewhere): {@code 451 4.x.x}, with the {@code Retry-After} of a 429
 *       or 503.
 *   <li>413 or {@code ErrorMessageSizeExceeded}: {@code 552 5.3.4}; {@code ErrorInvalidRecipients}:
 *       {@code 550 5.1.3}; {@code ErrorQuotaExceeded}: {@code 554 5.2.0}; any other 4xx
 *       (malformed MIME, invalid base64): {@code 554 5.6.0}.
 * </ul>
 * The reply text carries Graph's status, error code and message (cut short, control characters
 * removed); Graph error bodies never hold a token.
 */
final class GraphReplies {

    private static final int MAX_MESSAGE = 200;

    private GraphReplies() {
    }

    /** Every recipient accepted: {@code status} is the 202 of sendMail or of /send. */
    static AttemptResult.Completed delivered(List<String> recipients, String what, int status) {
        RemoteReply ok = new RemoteReply(250, "2.0.0 Graph " + what + ": " + status + " Accepted");
        Map<String, RemoteReply> replies = new LinkedHashMap<>();
        recipients.forEach(r -> replies.put(r, ok));
        return new AttemptResult.Completed(replies, ok);
    }

    /** The failure for an unsuccessful answer to {@code what} (e.g. "sendMail"). */
    static AttemptResult.Failed failed(String what, int status, HttpHeaders headers, byte[] body, Instant now) {
        GraphError error = GraphError.of(body);
        String detail = detail(what, status, error);
        String code = error.code();
        if (status == 401 || status == 404 || (status == 403 && !code.equals("ErrorSendAsDenied")
                && !code.equals("ErrorQuotaExceeded") && !code.equals("ErrorMessageSizeExceeded"))) {
            return new AttemptResult.Failed(Stage.AUTH, new RemoteReply(535, "5.7.3 " + detail),
                    status == 404 ? "Graph does not know the mailbox or cannot reach it (check the address and its license)"
                            : "Graph refused the token or the permission (Mail.Send, with admin consent)", false);
        }
        if (status < 400 || status == 408 || status == 409 || status == 423 || status == 429 || status >= 500) {
            Optional<Duration> retryAfter = status == 429 || status == 503
                    ? RetryAfter.parse(headers.firstValue("Retry-After"), now) : Optional.empty();
            String enhanced = status == 429 ? "4.7.0" : status == 503 ? "4.3.2" : status < 400 ? "4.4.0" : "4.3.0";
            return new AttemptResult.Failed(Stage.MAIL, new RemoteReply(451, enhanced + " " + detail),
                    retryAfter.map(d -> "retry after " + d.toSeconds() + "s as Graph asked").orElse("temporary"),
                    false, retryAfter.orElse(null));
        }
        RemoteReply reply;
        if (status == 413 || code.equals("ErrorMessageSizeExceeded")) {
            reply = new RemoteReply(552, "5.3.4 " + detail);
        } else if (code.equals("ErrorSendAsDenied")) {
            reply = new RemoteReply(550, "5.7.60 " + detail);
        } else if (code.equals("ErrorInvalidRecipients")) {
            reply = new RemoteReply(550, "5.1.3 " + detail);
        } else if (code.equals("ErrorQuotaExceeded")) {
            reply = new RemoteReply(554, "5.2.0 " + detail);
        } else {
            reply = new RemoteReply(554, "5.6.0 " + detail);
        }
        return new AttemptResult.Failed(Stage.MAIL, reply, "Graph refused the message", false);
    }

    /**
     * {@code "Graph <what> <status> <error.code>: <message>"}: the words {@code ErrorExplainer}
     * recognises Graph failures by (status and code), and what logs and the status page show.
     */
    static String detail(String what, int status, GraphError error) {
        return "Graph " + what + " " + status + (error.code().isEmpty() ? "" : " " + error.code())
                + (error.message().isEmpty() ? "" : ": " + error.message());
    }

    /** {@code {"error": {"code": ..., "message": ...}}}, as far as it can be read. */
    record GraphError(String code, String message) {
        static GraphError of(byte[] body) {
            try {
                Map<String, Object> json = body == null || body.length == 0 ? null : Json.parseObject(body);
                if (json != null && json.get("error") instanceof Map<?, ?> e) {
                    return new GraphError(clean(e.get("code"), 60), clean(e.get("message"), MAX_MESSAGE));
                }
            } catch (RuntimeException e) {
                // not JSON (a proxy's HTML page): status only
            }
            return new GraphError("", "");
        }

        private static String clean(Object value, int max) {
            if (!(value instanceof String s)) {
                return "";
            }
            String t = s.replaceAll("\\p{Cntrl}", " ").strip();
            return t.length() <= max ? t : t.substring(0, max) + "...";
        }
    }
}
