package dev.oauthrelay.server.harness;

import dev.oauthrelay.crash.CrashPoint;
import dev.oauthrelay.server.standin.StandInExchange;
import dev.oauthrelay.server.standin.StandInExchange.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * What the harness does in one kill cycle: how the relay process ends (a named crash point, or a
 * SIGKILL after a random delay) and which upstream faults the Exchange stand-in shows meanwhile.
 * Even cycles arm the crash points in turn (so each is hit every eighth cycle, deterministically),
 * odd cycles SIGKILL at a random moment. All choices come from the seeded random source.
 *
 * @param crashPoint      the armed crash point, or null for a random SIGKILL
 * @param crashAt         which hit of the crash point halts the relay (relay.test.crash-at)
 * @param killAfterMillis SIGKILL this long after the listeners are up (or after launch, if
 *                        {@code killDuringStartup})
 * @param refuseMillis    the stand-in refuses every connection from the launch of the relay
 *                        process until this many ms after its listeners are up (an outage that
 *                        ends while the relay runs, or outlasts the cycle); 0 for none
 * @param failStage       stage answered with 451 for the next {@code failTimes} times, or null
 * @param drops           the next {@code drops} messages are taken and the connection dropped
 *                        instead of answering the final dot
 */
record CyclePlan(int number, CrashPoint crashPoint, int crashAt, boolean killDuringStartup, long killAfterMillis,
                 long refuseMillis, Stage failStage, int failTimes, int drops) {

    static final String FAULT_REPLY = "451 4.7.500 Server busy. Please try again later";
    private static final CrashPoint[] POINTS = CrashPoint.values();
    private static final Stage[] FAIL_STAGES = {Stage.CONNECT, Stage.EHLO, Stage.STARTTLS, Stage.AUTH, Stage.MAIL,
            Stage.RCPT, Stage.DATA, Stage.AFTER_DOT};

    static CyclePlan next(int number, Random random) {
        CrashPoint point = number % 2 == 0 ? POINTS[(number / 2) % POINTS.length] : null;
        boolean deliveryPoint = point == CrashPoint.MID_DELIVERY || point == CrashPoint.AFTER_UPSTREAM_ACCEPT_BEFORE_REMOVE;
        int crashAt = point == null ? 0 : 1 + random.nextInt(deliveryPoint ? 4 : 10);
        boolean duringStartup = point == null && random.nextInt(10) == 0;
        long killAfter = point != null ? 0 : duringStartup ? random.nextInt(1500) : 200 + random.nextInt(4800);
        // A delivery crash point needs deliveries: no outage in its cycle.
        long refuseMillis = !deliveryPoint && random.nextInt(3) == 0 ? 500 + random.nextInt(3500) : 0;
        Stage failStage = random.nextInt(10) < 4 ? FAIL_STAGES[random.nextInt(FAIL_STAGES.length)] : null;
        int failTimes = failStage == null ? 0 : 1 + random.nextInt(5);
        int drops = random.nextInt(10) < 4 ? 1 + random.nextInt(3) : 0;
        return new CyclePlan(number, point, crashAt, duringStartup, killAfter, refuseMillis, failStage, failTimes, drops);
    }

    /** Sets this cycle's faults (and only these) on the stand-in; the outage's end is the caller's to schedule. */
    void apply(StandInExchange exchange) {
        exchange.clearFaults();
        exchange.refuseConnections(refuseMillis > 0);
        if (failStage != null) {
            exchange.failNext(failStage, failTimes, FAULT_REPLY);
        }
        if (drops > 0) {
            exchange.dropAfterFinalDot(drops);
        }
    }

    /** RELAY_JAVA_OPTS for this cycle's relay process. */
    String javaOpts() {
        return crashPoint == null ? ""
                : "-Drelay.test.crash-point=" + crashPoint.id() + " -Drelay.test.crash-at=" + crashAt;
    }

    String describe() {
        List<String> parts = new ArrayList<>();
        parts.add(crashPoint != null ? "crash point " + crashPoint.id() + " at hit " + crashAt
                : "SIGKILL " + killAfterMillis + " ms after " + (killDuringStartup ? "launch" : "listening"));
        if (refuseMillis > 0) {
            parts.add("upstream refuses connections until " + refuseMillis + " ms after listening");
        }
        if (failStage != null) {
            parts.add("451 at " + failStage + " x" + failTimes);
        }
        if (drops > 0) {
            parts.add("drop after final dot x" + drops);
        }
        return String.join(", ", parts);
    }
}
