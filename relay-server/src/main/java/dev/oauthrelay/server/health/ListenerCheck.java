package dev.oauthrelay.server.health;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Every configured listener's socket is bound and accepting connections. */
public final class ListenerCheck implements Supplier<CheckResult> {

    private final Supplier<Map<String, Boolean>> bound;

    /** @param bound each listener's name and whether it is bound, as {@code SmtpServer.bound()} */
    public ListenerCheck(Supplier<Map<String, Boolean>> bound) {
        this.bound = bound;
    }

    @Override
    public CheckResult get() {
        Map<String, Boolean> listeners = bound.get();
        List<String> closed = listeners.entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey).toList();
        if (listeners.isEmpty()) {
            return CheckResult.down("no listener is bound");
        }
        if (!closed.isEmpty()) {
            return CheckResult.down("not accepting connections: " + String.join(", ", closed));
        }
        return CheckResult.up("accepting connections: " + String.join(", ", listeners.keySet()));
    }
}
