package dev.oauthrelay.server.upstream;

import dev.oauthrelay.delivery.RemoteReply;
import java.util.List;

/**
 * One complete reply as received (RFC 5321 section 4.2), possibly multi-line.
 *
 * @param code  the reply code, the same on every line
 * @param lines the text of each line after the code and separator
 */
record Reply(int code, List<String> lines) {

    Reply {
        lines = List.copyOf(lines);
    }

    String text() {
        return String.join(" ", lines);
    }

    RemoteReply toRemote() {
        return new RemoteReply(code, text());
    }

    boolean isPositive() {
        return code >= 200 && code < 400;
    }

    @Override
    public String toString() {
        return code + " " + text();
    }
}
