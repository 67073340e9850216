package dev.oauthrelay.server.health;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The readiness checks, run one after the other on each request (they are cheap). The relay is
 * ready when every required check is UP; a check that is not required is reported but does not
 * decide (see {@code relay.admin.health.ready-needs-delivery}).
 */
public final class Readiness {

    private static final Logger log = LoggerFactory.getLogger(Readiness.class);

    private record Check(String name, boolean required, Supplier<CheckResult> probe) {
    }

    /** One check's outcome in a report. */
    public record Entry(CheckResult result, boolean required) {
    }

    /** The outcome of all checks, in the order they were added. */
    public record Report(boolean up, Map<String, Entry> checks) {

        /** {@code {"status":"UP","checks":{"spool":{"status":"UP","reason":"...","required":true},...}}} */
        public String json() {
            Map<String, Object> checkMap = new LinkedHashMap<>();
            checks.forEach((name, e) -> {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("status", status(e.result().up()));
                one.put("reason", e.result().reason());
                one.put("required", e.required());
                checkMap.put(name, one);
            });
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("status", status(up));
            root.put("checks", checkMap);
            return dev.oauthrelay.server.json.Json.write(root);
        }

        private static String status(boolean up) {
            return up ? "UP" : "DOWN";
        }
    }

    private final List<Check> checks = new ArrayList<>();

    /** Adds a check; {@code probe} may throw, which counts as DOWN with the error as the reason. */
    public Readiness add(String name, boolean required, Supplier<CheckResult> probe) {
        checks.add(new Check(name, required, probe));
        return this;
    }

    /** Adds the checks of {@code other}, after these. */
    public Readiness addAll(Readiness other) {
        checks.addAll(other.checks);
        return this;
    }

    public Report evaluate() {
        Map<String, Entry> results = new LinkedHashMap<>();
        boolean up = true;
        for (Check check : checks) {
            CheckResult result;
            try {
                result = check.probe().get();
            } catch (RuntimeException e) {
                log.warn("health check {} failed", check.name(), e);
                result = CheckResult.down("the check itself failed: " + e);
            }
            results.put(check.name(), new Entry(result, check.required()));
            up &= result.up() || !check.required();
        }
        return new Report(up, results);
    }
}
