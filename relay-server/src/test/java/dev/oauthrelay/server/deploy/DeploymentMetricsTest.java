package dev.oauthrelay.server.deploy;

import static dev.oauthrelay.server.deploy.DeploymentFiles.at;
import static dev.oauthrelay.server.deploy.DeploymentFiles.docker;
import static dev.oauthrelay.server.deploy.DeploymentFiles.k8s;
import static dev.oauthrelay.server.deploy.DeploymentFiles.list;
import static dev.oauthrelay.server.deploy.DeploymentFiles.listAt;
import static dev.oauthrelay.server.deploy.DeploymentFiles.map;
import static dev.oauthrelay.server.deploy.DeploymentFiles.yaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.oauthrelay.server.Relay;
import dev.oauthrelay.server.listener.SmtpTestClient;
import dev.oauthrelay.server.listener.TestRelay;
import dev.oauthrelay.server.metrics.AdminHttp;
import dev.oauthrelay.server.metrics.PrometheusText;
import dev.oauthrelay.server.standin.StandIns;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every metric the alert rules and the Grafana dashboard query is one the relay exports, with the
 * labels and label values they match on, and every HTTP path the deployment files probe or scrape
 * answers 200: checked against a real relay's {@code GET /metrics} after traffic that creates each
 * series (a message refused, a delivery deferred then delivered, TLS sessions, a token, a client
 * secret with a configured expiry).
 */
class DeploymentMetricsTest {

    /** Series that Prometheus itself ({@code up}) or the blackbox exporter ({@code probe_success}) makes. */
    private static final Set<String> NOT_THE_RELAYS = Set.of("up", "probe_success");
    /** Labels Prometheus adds to every scraped series. */
    private static final Set<String> TARGET_LABELS = Set.of("job", "instance");
    private static final Pattern SELECTOR = Pattern.compile("([A-Za-z_:][A-Za-z0-9_:]*)\\s*\\{([^}]*)}");
    private static final Pattern EQUALS_MATCHER = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*\"([^\"]*)\"");

    @TempDir
    Path dir;

    @Test
    void everyMetricInTheAlertRulesAndTheDashboardIsExported() throws Exception {
        Map<String, String> queries = new LinkedHashMap<>();
        for (String e : DeploymentQueries.ruleExpressions(yaml(docker("prometheus/alerts.yml")))) {
            queries.put(e, "alerts.yml");
        }
        for (String q : DeploymentQueries.dashboardQueries(
                DeploymentFiles.json(docker("grafana/dashboards/oauth-smtp-relay.json")))) {
            queries.put(q, "oauth-smtp-relay.json");
        }

        try (StandIns standIns = StandIns.start(dir.resolve("stand-ins"))) {
            standIns.exchange().refuseConnections(true);
            // A client secret with a known expiry: relay_credential_expires_in_seconds exists only then.
            Relay relay = TestRelay.start(dir.resolve("relay"), standIns.hocon() + "\nlimits.max-message-size = 2k"
                    + "\noauth.client-secret-expires = 2030-01-15");
            try {
                traffic(relay, standIns);
                PrometheusText scrape = AdminHttp.metrics(relay.adminPort());

                Set<String> exported = new TreeSet<>();
                Set<String> labels = new TreeSet<>(TARGET_LABELS);
                for (PrometheusText.Sample s : scrape.samples()) {
                    exported.add(s.name());
                    labels.addAll(s.labels().keySet());
                }
                List<String> problems = new ArrayList<>();
                Set<String> used = new TreeSet<>();
                queries.forEach((query, file) -> {
                    DeploymentQueries.Names names = DeploymentQueries.names(query);
                    for (String metric : names.metrics()) {
                        used.add(metric);
                        if (!exported.contains(metric) && !NOT_THE_RELAYS.contains(metric)) {
                            problems.add(file + ": metric " + metric + " is not exported, in: " + query);
                        }
                    }
                    for (String label : names.labels()) {
                        if (!labels.contains(label)) {
                            problems.add(file + ": no exported series has the label " + label + ", in: " + query);
                        }
                    }
                    problems.addAll(unmatchedSelectors(file, query, scrape));
                });
                assertThat(problems).isEmpty();
                // The check saw what it should: the metrics the alerts are about, and the non-relay ones only where expected.
                assertThat(used).contains("relay_spool_oldest_age_seconds", "relay_token_fetch_failures_total",
                        "relay_token_expires_in_seconds", "relay_delivery_failed_total", "relay_delivery_deferred_total",
                        "relay_delivery_latency_seconds_bucket", "up", "probe_success");

                httpPathsOfTheDeploymentFilesAnswer(relay.adminPort());
            } finally {
                relay.close();
            }
        }
    }

    /**
     * A session of each kind the files chart: a message queued while the upstream refuses
     * connections (deferrals), then delivered; a message refused as too big; a failed AUTH.
     */
    private static void traffic(Relay relay, StandIns standIns) throws Exception {
        String message = "From: printer@contoso.com\r\nTo: alice@fabrikam.example\r\nSubject: metrics\r\n"
                + "Date: Sun, 29 Nov 2026 06:15:30 +0100\r\nMessage-ID: <metrics@printer.contoso.com>\r\n\r\nbody\r\n";
        try (SmtpTestClient c = TestRelay.loggedIn(relay, "printer")) {
            c.expect(c.sendMail(TestRelay.MAILBOX, List.of("alice@fabrikam.example"), message), "250");
            c.command("QUIT");
        }
        try (SmtpTestClient c = TestRelay.loggedIn(relay, "printer")) {
            c.expect(c.sendMail(TestRelay.MAILBOX, List.of("alice@fabrikam.example"), message + "x".repeat(3000) + "\r\n"), "552");
        }
        var delivery = relay.delivery().orElseThrow();
        await().atMost(Duration.ofSeconds(30)).until(() -> delivery.deferredCount() >= 1);
        standIns.exchange().refuseConnections(false);
        await().atMost(Duration.ofSeconds(30)).until(() -> delivery.deliveredCount() >= 1);
        try (SmtpTestClient c = SmtpTestClient.implicitTls(relay.port("smtps"))) {
            c.expect(c.reply(), "220");
            c.expect(c.command("EHLO guesser"), "250");
            c.expect(c.command("AUTH PLAIN " + java.util.Base64.getEncoder().encodeToString(
                    "\0printer\0wrong".getBytes(java.nio.charset.StandardCharsets.UTF_8))), "535");
        }
    }

    /** {@code metric{label="value"}}: some exported sample of the metric carries that label value. */
    private static List<String> unmatchedSelectors(String file, String query, PrometheusText scrape) {
        List<String> problems = new ArrayList<>();
        Matcher s = SELECTOR.matcher(query);
        while (s.find()) {
            String metric = s.group(1);
            if (NOT_THE_RELAYS.contains(metric)) {
                continue;
            }
            Matcher m = EQUALS_MATCHER.matcher(s.group(2));
            while (m.find()) {
                String label = m.group(1);
                String value = m.group(2);
                if (TARGET_LABELS.contains(label)) {
                    continue;
                }
                boolean found = scrape.samples().stream()
                        .anyMatch(x -> x.name().equals(metric) && value.equals(x.labels().get(label)));
                if (!found) {
                    problems.add(file + ": no sample " + metric + "{" + label + "=\"" + value + "\"}, in: " + query);
                }
            }
        }
        return problems;
    }

    /** The Dockerfile's HEALTHCHECK, the Kubernetes probes, the Prometheus scrape and the blackbox probe. */
    private static void httpPathsOfTheDeploymentFilesAnswer(int adminPort) {
        Set<String> paths = new TreeSet<>();
        Matcher healthcheck = Pattern.compile("http://127\\.0\\.0\\.1:\\d+(/\\S*)")
                .matcher(DeploymentFiles.Dockerfile.parse(docker("Dockerfile")).healthcheck());
        assertThat(healthcheck.find()).isTrue();
        paths.add(healthcheck.group(1));
        Map<String, Object> container = map(listAt(k8s(docker("k8s/statefulset.yaml"), "StatefulSet", null),
                "spec", "template", "spec", "containers").get(0));
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            paths.add(at(container, probe, "httpGet", "path").toString());
        }
        for (Object job : listAt(yaml(docker("prometheus/prometheus.yml")), "scrape_configs")) {
            if ("oauth-smtp-relay".equals(at(job, "job_name"))) {
                paths.add(at(job, "metrics_path").toString());
            } else {
                for (Object target : list(at(map(listAt(job, "static_configs").get(0)), "targets"))) {
                    paths.add(target.toString().replaceFirst("^http://[^/]+", ""));
                }
            }
        }
        assertThat(paths).contains("/health/live", "/health/ready", "/metrics");
        for (String path : paths) {
            assertThat(AdminHttp.get(adminPort, path).statusCode()).as("GET " + path).isEqualTo(200);
        }
    }
}
