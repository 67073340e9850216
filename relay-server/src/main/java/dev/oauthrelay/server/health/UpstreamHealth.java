package dev.oauthrelay.server.health;

import dev.oauthrelay.observe.RelayEvents;
import dev.oauthrelay.server.metrics.DeferralReason;
import dev.oauthrelay.spool.Envelope;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.function.Supplier;

/**
 * Whether delivery attempts reach the upstream, learnt from the relay's events. An attempt that
 * got past TLS (delivered, or deferred at AUTH, MAIL, RCPT, DATA or by a lost connection, or
 * failed with the upstream's own reply) reached it; one deferred at CONNECT or TLS did not; one
 * deferred for want of a token says nothing about the upstream. The check is DOWN once attempts
 * have failed to reach it, with none getting through, for {@code downAfter}.
 */
public final class UpstreamHealth implements RelayEvents, Supplier<CheckResult> {

    private final InstantSource clock;
    private final Duration downAfter;
    private final String upstream;

    // Guarded by this. Events come from delivery threads; checks from the admin port.
    private Instant lastReached;
    private Instant failingSince;
    private int failuresInRow;
    private String lastFailure;

    /** @param upstream host:port, for the reasons */
    public UpstreamHealth(InstantSource clock, Duration downAfter, String upstream) {
        this.clock = clock;
        this.downAfter = downAfter;
        this.upstream = upstream;
    }

    @Override
    public void messageDelivered(Envelope envelope, int attempts, String upstreamReply) {
        reached();
    }

    @Override
    public void messageFailed(Envelope envelope, int attempts, String upstreamReply) {
        // A 5xx from the upstream proves it was reached; an expiry ("4.4.7 ...") is the relay's own verdict.
        if (upstreamReply != null && upstreamReply.matches("[2-5][0-9][0-9]([ -].*)?")) {
            reached();
        }
    }

    @Override
    public void messageDeferred(Envelope envelope, int attempt, String reason, Duration retryIn) {
        String kind = DeferralReason.kind(reason);
        if (DeferralReason.unreachable(kind)) {
            failed(reason);
        } else if (!kind.equals(DeferralReason.TOKEN)) {
            reached();
        }
    }

    private synchronized void reached() {
        lastReached = clock.instant();
        failingSince = null;
        failuresInRow = 0;
        lastFailure = null;
    }

    private synchronized void failed(String reason) {
        if (failingSince == null) {
            failingSince = clock.instant();
        }
        failuresInRow++;
        lastFailure = reason;
    }

    @Override
    public synchronized CheckResult get() {
        if (failingSince == null) {
            return CheckResult.up(lastReached == null ? "no delivery attempt has reached " + upstream + " yet"
                    + " (none failed to)" : "last attempt reached " + upstream + " at " + lastReached);
        }
        Duration failing = Duration.between(failingSince, clock.instant());
        String what = failuresInRow + " attempt(s) in a row since " + failingSince + " could not reach " + upstream
                + " (last: " + lastFailure + ")";
        if (failing.compareTo(downAfter) >= 0) {
            return CheckResult.down(what);
        }
        return CheckResult.up(what + "; DOWN if it lasts " + downAfter.toSeconds()
                + "s (relay.admin.health.upstream-down-after)");
    }
}
