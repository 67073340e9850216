package dev.oauthrelay.server.graph;

import dev.oauthrelay.delivery.AttemptResult;
import dev.oauthrelay.server.json.Json;
import java.util.Map;

/**
 * What Graph said when {@code relay check} looked a mailbox's user up ({@link GraphUpstream#lookUpUser}).
 *
 * @param status            the HTTP status, or 0 when no answer came (no token, no connection)
 * @param userPrincipalName the user's UPN when found, else empty
 * @param mail              the user's primary SMTP address when found (may be empty)
 * @param detail            for a failure, {@code "Graph GET user <status> <code>: <message>"} or the
 *                          stage and reason of a request that got no answer; never a token
 */
public record UserLookup(int status, String userPrincipalName, String mail, String detail) {

    public boolean found() {
        return status == 200;
    }

    /** The app lacks the directory permission for the lookup (not a problem for sending). */
    public boolean notPermitted() {
        return status == 403;
    }

    static UserLookup of(int status, byte[] body) {
        if (status == 200) {
            Map<String, Object> user = Json.parseObject(body);
            return new UserLookup(status, text(user.get("userPrincipalName")), text(user.get("mail")), "");
        }
        return new UserLookup(status, "", "", GraphReplies.detail("GET user", status, GraphReplies.GraphError.of(body)));
    }

    static UserLookup notAnswered(AttemptResult.Failed failure) {
        return new UserLookup(0, "", "", failure.stage() + ": " + failure.reason());
    }

    private static String text(Object value) {
        return value instanceof String s ? s : "";
    }
}
