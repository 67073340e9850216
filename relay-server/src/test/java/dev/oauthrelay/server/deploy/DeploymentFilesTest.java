package dev.oauthrelay.server.deploy;

import static dev.oauthrelay.server.deploy.DeploymentFiles.at;
import static dev.oauthrelay.server.deploy.DeploymentFiles.docker;
import static dev.oauthrelay.server.deploy.DeploymentFiles.k8s;
import static dev.oauthrelay.server.deploy.DeploymentFiles.list;
import static dev.oauthrelay.server.deploy.DeploymentFiles.listAt;
import static dev.oauthrelay.server.deploy.DeploymentFiles.map;
import static dev.oauthrelay.server.deploy.DeploymentFiles.mapAt;
import static dev.oauthrelay.server.deploy.DeploymentFiles.read;
import static dev.oauthrelay.server.deploy.DeploymentFiles.run;
import static dev.oauthrelay.server.deploy.DeploymentFiles.tool;
import static dev.oauthrelay.server.deploy.DeploymentFiles.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.server.config.ConfigLoader;
import dev.oauthrelay.server.config.ListenerConfig;
import dev.oauthrelay.server.config.RelayConfig;
import dev.oauthrelay.server.deploy.DeploymentFiles.Dockerfile;
import dev.oauthrelay.server.deploy.DeploymentFiles.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment files under {@code docker/} (image, compose, Prometheus, Grafana, Kubernetes,
 * systemd): no Docker engine or cluster runs here, so each is checked as far as it can be without
 * one. They parse; the tools that know them accept them ({@code promtool}, {@code systemd-analyze});
 * the configurations they ship load through the relay's own loader with the environment each sets;
 * and the numbers that must agree across files (ports, paths, the start command, grace periods)
 * do. That every metric they query is exported is {@code DeploymentMetricsTest}'s job.
 */
class DeploymentFilesTest {

    private static final String CONFIG_IN_IMAGE = "/etc/oauth-smtp-relay/relay.conf";
    private static final String DATA_DIR_IN_IMAGE = "/var/lib/oauth-smtp-relay";
    private static final String JAR_IN_IMAGE = "/opt/oauth-smtp-relay/oauth-smtp-relay.jar";
    /** What the ./relay launcher and the process tests start: {@code relay run --config FILE}. */
    private static final List<String> START = List.of("run", "--config", CONFIG_IN_IMAGE);

    /** What a Secret would hold (the admin token must be at least 16 characters). */
    private static final String SECRET = "0123456789abcdef0123456789abcdef";

    private static final Dockerfile IMAGE = Dockerfile.parse(docker("Dockerfile"));

    @Test
    void everyYamlFileParses() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(docker(""))) {
            files = walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
        assertThat(files).extracting(p -> docker("").relativize(p).toString()).contains("compose.yaml",
                "prometheus/alerts.yml", "prometheus/prometheus.yml", "k8s/statefulset.yaml", "k8s/service.yaml",
                "k8s/configmap.yaml", "grafana/provisioning/datasources/prometheus.yaml");
        for (Path f : files) {
            assertThat(DeploymentFiles.yamlDocuments(f)).as(f.toString()).isNotEmpty();
        }
    }

    // --- the image ---------------------------------------------------------------------------------

    @Test
    void theImageRunsTheTestedStartCommandAsANonRootUser() {
        assertThat(IMAGE.cmd()).isEqualTo(START);
        assertThat(String.join(" ", IMAGE.entrypoint())).contains("exec java $RELAY_JAVA_OPTS -jar " + JAR_IN_IMAGE + " \"$@\"");
        assertThat(IMAGE.copies()).containsEntry("/src/relay-server/target/oauth-smtp-relay.jar", JAR_IN_IMAGE)
                .containsEntry("docker/relay.conf", CONFIG_IN_IMAGE);
        // The jar the build stage copies is the one the launcher runs.
        assertThat(read(DeploymentFiles.root().resolve("relay"))).contains("relay-server/target/oauth-smtp-relay.jar");
        assertThat(IMAGE.user()).isEqualTo("relay:relay");
        assertThat(read(docker("Dockerfile"))).contains("--uid 10001", "--gid 10001");
        assertThat(IMAGE.volumes()).containsExactly(DATA_DIR_IN_IMAGE);
    }

    @Test
    void theImagesConfigLoadsWithTheImagesEnvironmentAndMatchesItsPortsAndHealthCheck() throws Exception {
        RelayConfig c = ConfigLoader.load(Optional.of(docker("relay.conf")), IMAGE.env());

        assertThat(c.dataDir()).isEqualTo(Path.of(DATA_DIR_IN_IMAGE));
        assertThat(c.admin().enabled()).isTrue();
        assertThat(c.admin().address()).isEqualTo("0.0.0.0");
        assertThat(c.oauth()).as("no tenant in the environment: accept and queue only").isEmpty();
        assertThat(c.listeners()).allSatisfy(l -> assertThat(l.port()).as(l.name()).isGreaterThanOrEqualTo(1024));
        assertThat(c.shutdownGracePeriod()).as("below docker stop's default 10s").isLessThan(Duration.ofSeconds(10));
        assertThat(IMAGE.exposed()).containsExactlyInAnyOrderElementsOf(ports(c));
        assertThat(IMAGE.healthcheck()).contains("http://127.0.0.1:" + c.admin().port() + "/health/live");

        // With the example environment: delivery configured, account hash and mailbox from it.
        Map<String, String> env = new HashMap<>(IMAGE.env());
        env.putAll(envFile(docker("relay.env.example")));
        env.put("RELAY_PRINTER_PASSWORD_HASH", "$2y$10$abcdefghijklmnopqrstuu5V5pGzpnT3Jw8xKpfmZ0bOQ1QJ0Wq6S");
        env.put("RELAY_PRINTER_MAILBOX", "mfp@contoso.com");
        RelayConfig configured = ConfigLoader.load(Optional.of(docker("relay.conf")), env);
        assertThat(configured.oauth()).isPresent();
        assertThat(configured.hostname()).isEqualTo("relay.contoso.com");
        assertThat(configured.accounts().get(0).passwordHash()).startsWith("$2y$10$");
        assertThat(configured.accounts().get(0).identity().mailbox()).isEqualTo("mfp@contoso.com");
    }

    // --- compose -----------------------------------------------------------------------------------

    @Test
    void composeRunsTheImageWithItsConfigPortsAndMonitoring() throws Exception {
        Map<String, Object> compose = yaml(docker("compose.yaml"));
        RelayConfig c = ConfigLoader.load(Optional.of(docker("relay.conf")), IMAGE.env());
        Map<String, Object> relay = mapAt(compose, "services", "relay");

        assertThat(at(relay, "build", "dockerfile")).isEqualTo("docker/Dockerfile");
        assertThat(at(relay, "build", "context")).isEqualTo("..");
        assertThat(listAt(relay, "volumes")).contains("./relay.conf:" + CONFIG_IN_IMAGE + ":ro")
                .anySatisfy(v -> assertThat(v.toString()).endsWith(":" + DATA_DIR_IN_IMAGE));
        assertThat(duration(at(relay, "stop_grace_period").toString())).isGreaterThan(c.shutdownGracePeriod());

        Map<Integer, String> published = new LinkedHashMap<>();
        for (Object p : listAt(relay, "ports")) {
            String[] parts = p.toString().split(":");
            published.put(Integer.parseInt(parts[parts.length - 1]), p.toString());
        }
        assertThat(published.keySet()).containsExactlyInAnyOrderElementsOf(ports(c));
        assertThat(published.get(c.admin().port())).as("the admin port only on the host's loopback")
                .startsWith("127.0.0.1:");

        // Mounted files and directories exist where compose looks for them.
        for (String service : List.of("relay", "prometheus", "grafana")) {
            for (Object v : listAt(compose, "services", service, "volumes")) {
                String source = v.toString().split(":")[0];
                if (source.startsWith("./")) {
                    assertThat(docker(source.substring(2))).as(service + " mounts " + source).exists();
                }
            }
        }
        // Prometheus scrapes the admin port; Grafana loads the dashboards from where compose mounts them.
        Map<String, Object> prometheus = yaml(docker("prometheus/prometheus.yml"));
        Map<String, Object> scrape = map(listAt(prometheus, "scrape_configs").get(0));
        assertThat(scrape.get("job_name")).isEqualTo("oauth-smtp-relay");
        assertThat(list(map(listAt(scrape, "static_configs").get(0)).get("targets")))
                .containsExactly("relay:" + c.admin().port());
        String dashboards = at(map(listAt(yaml(docker("grafana/provisioning/dashboards/oauth-smtp-relay.yaml")),
                "providers").get(0)), "options", "path").toString();
        assertThat(listAt(compose, "services", "grafana", "volumes")).contains("./grafana/dashboards:" + dashboards + ":ro");
        assertThat(listAt(compose, "services", "prometheus", "volumes")).contains("./prometheus:/etc/prometheus:ro");
    }

    // --- Prometheus and Grafana ----------------------------------------------------------------------

    @Test
    void prometheusConfigAndAlertRulesPassPromtoolAndTheirUnitTests() {
        String promtool = tool("promtool", "prometheus");
        Path dir = docker("prometheus");
        assertSucceeds(run(dir, promtool, "check", "config", "prometheus.yml"));
        assertSucceeds(run(dir, promtool, "check", "rules", "alerts.yml"));
        Run tests = run(dir, promtool, "test", "rules", "alerts.test.yml");
        assertSucceeds(tests);
        assertThat(tests.output()).contains("SUCCESS");

        // Every alert has a unit test.
        Set<String> alerts = alertNames();
        assertThat(alerts).contains("RelayDown", "RelayNotReady", "RelayQueueStuck", "RelayTokenFetchFailing",
                "RelayTokenExpiring", "RelayDeliveryFailures", "RelayDeliveriesDeferred");
        Set<String> tested = new java.util.TreeSet<>();
        for (Object t : listAt(yaml(dir.resolve("alerts.test.yml")), "tests")) {
            for (Object a : listAt(t, "alert_rule_test")) {
                tested.add(at(a, "alertname").toString());
            }
        }
        assertThat(tested).containsExactlyInAnyOrderElementsOf(alerts);
    }

    @Test
    void theDashboardIsJsonAndEveryQueryIsValidPromQl(@TempDir Path tmp) throws IOException {
        Map<String, Object> dashboard = DeploymentFiles.json(docker("grafana/dashboards/oauth-smtp-relay.json"));
        assertThat(dashboard.get("uid")).isEqualTo("oauth-smtp-relay");
        List<String> queries = DeploymentQueries.dashboardQueries(dashboard);
        assertThat(queries).hasSizeGreaterThan(20);

        // promtool has no "check this expression": it checks each as a recording rule.
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        for (int i = 0; i < queries.size(); i++) {
            String expr = DeploymentQueries.withGrafanaVariablesFilledIn(queries.get(i));
            rules.append("      - record: dashboard:query_").append(i).append('\n')
                    .append("        expr: '").append(expr.replace("'", "''")).append("'\n");
        }
        Files.writeString(tmp.resolve("dashboard-rules.yml"), rules);
        Run check = run(tmp, tool("promtool", "prometheus"), "check", "rules", "dashboard-rules.yml");
        assertSucceeds(check);
        assertThat(check.output()).contains("SUCCESS: " + queries.size() + " rules found");
    }

    // --- Kubernetes ----------------------------------------------------------------------------------

    @Test
    void kubernetesConfigLoadsAndAgreesWithTheStatefulSetAndServices(@TempDir Path tmp) throws Exception {
        Path dir = docker("k8s");
        Map<String, Object> configMap = k8s(dir.resolve("configmap.yaml"), "ConfigMap", "oauth-smtp-relay");
        Map<String, Object> sts = k8s(dir.resolve("statefulset.yaml"), "StatefulSet", "oauth-smtp-relay");
        Map<String, Object> pod = mapAt(sts, "spec", "template", "spec");
        Map<String, Object> container = map(listAt(pod, "containers").get(0));

        // The relay.conf of the ConfigMap, with the image's environment and the container's.
        Path conf = tmp.resolve("relay.conf");
        Files.writeString(conf, at(configMap, "data", "relay.conf").toString());
        Map<String, String> env = new HashMap<>(IMAGE.env());
        for (Object e : listAt(container, "env")) {
            Map<String, Object> var = map(e);
            env.put(var.get("name").toString(), var.containsKey("value") ? var.get("value").toString() : SECRET);
        }
        env.put("RELAY_PRINTER_PASSWORD_HASH", "$2y$10$abcdefghijklmnopqrstuu5V5pGzpnT3Jw8xKpfmZ0bOQ1QJ0Wq6S");
        RelayConfig c = ConfigLoader.load(Optional.of(conf), env);

        assertThat(c.oauth()).isPresent();
        assertThat(c.listeners()).anyMatch(ListenerConfig::proxyProtocol);
        assertThat(c.trustedProxies()).isNotEmpty();
        assertThat(c.admin().address()).isEqualTo("0.0.0.0");
        assertThat(c.admin().health().readyNeedsDelivery()).as("a tenant-wide outage must not empty the balancer")
                .isFalse();

        // Start command, config mount, spool volume, user.
        assertThat(listAt(container, "args")).isEqualTo(START);
        Map<String, String> mounts = new HashMap<>();
        for (Object m : listAt(container, "volumeMounts")) {
            mounts.put(at(m, "name").toString(), at(m, "mountPath").toString());
        }
        assertThat(Path.of(mounts.get("config")).resolve("relay.conf")).isEqualTo(Path.of(CONFIG_IN_IMAGE));
        assertThat(mounts.get("spool")).isEqualTo(c.dataDir().toString());
        assertThat(listAt(sts, "spec", "volumeClaimTemplates")).singleElement()
                .satisfies(t -> assertThat(at(t, "metadata", "name")).isEqualTo("spool"));
        assertThat(at(pod, "securityContext", "runAsUser")).isEqualTo(10001);
        assertThat(at(pod, "securityContext", "fsGroup")).isEqualTo(10001);

        // Container ports are the listeners' and the admin port, by the names the Services use.
        Map<String, Integer> containerPorts = new LinkedHashMap<>();
        for (Object p : listAt(container, "ports")) {
            containerPorts.put(at(p, "name").toString(), (Integer) at(p, "containerPort"));
        }
        assertThat(containerPorts.values()).containsExactlyInAnyOrderElementsOf(ports(c));
        assertThat(containerPorts).containsEntry("admin", c.admin().port());
        for (ListenerConfig l : c.listeners()) {
            assertThat(containerPorts).containsEntry(l.name(), l.port());
        }

        // Probes: liveness and startup on /health/live, readiness on /health/ready, all on the admin port.
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertThat(at(container, probe, "httpGet", "port")).as(probe).isEqualTo("admin");
            assertThat(at(container, probe, "httpGet", "path")).as(probe)
                    .isEqualTo(probe.equals("readinessProbe") ? "/health/ready" : "/health/live");
        }
        // Stopping: the pod's grace period covers the preStop pause and the relay's own grace period.
        List<Object> preStop = listAt(container, "lifecycle", "preStop", "exec", "command");
        assertThat(preStop.get(0)).isEqualTo("sleep");
        Duration needed = Duration.ofSeconds(Long.parseLong(preStop.get(1).toString())).plus(c.shutdownGracePeriod());
        assertThat(Duration.ofSeconds((Integer) at(pod, "terminationGracePeriodSeconds")))
                .isGreaterThanOrEqualTo(needed.plusSeconds(10));

        // The balancer reaches only proxy-protocol listeners; the internal Service only plain ones.
        Map<String, Boolean> proxied = c.listeners().stream()
                .collect(Collectors.toMap(ListenerConfig::name, ListenerConfig::proxyProtocol));
        Map<String, Object> lb = k8s(dir.resolve("service.yaml"), "Service", "oauth-smtp-relay");
        assertThat(at(lb, "spec", "type")).isEqualTo("LoadBalancer");
        assertThat(targetPorts(lb)).isNotEmpty().allSatisfy(t -> assertThat(proxied.get(t)).as(t).isTrue());
        assertThat(mapAt(lb, "metadata", "annotations"))
                .containsEntry("service.beta.kubernetes.io/aws-load-balancer-proxy-protocol", "*")
                .containsEntry("service.beta.kubernetes.io/aws-load-balancer-healthcheck-port",
                        Integer.toString(c.admin().port()))
                .containsEntry("service.beta.kubernetes.io/aws-load-balancer-healthcheck-path", "/health/ready");
        Map<String, Object> internal = k8s(dir.resolve("service.yaml"), "Service", "oauth-smtp-relay-internal");
        assertThat(targetPorts(internal)).isNotEmpty().allSatisfy(t -> assertThat(proxied.get(t)).as(t).isFalse());
        Map<String, Object> headless = k8s(dir.resolve("service.yaml"), "Service", "oauth-smtp-relay-headless");
        assertThat(at(sts, "spec", "serviceName")).isEqualTo("oauth-smtp-relay-headless");
        assertThat(at(headless, "spec", "clusterIP")).isEqualTo("None");
        for (Map<String, Object> service : List.of(lb, internal, headless)) {
            assertThat(containerPorts).containsKeys(targetPorts(service).toArray(String[]::new));
            assertThat(mapAt(service, "spec", "selector")).isEqualTo(mapAt(sts, "spec", "selector", "matchLabels"));
        }
        assertThat(mapAt(sts, "spec", "template", "metadata", "annotations"))
                .containsEntry("prometheus.io/port", Integer.toString(c.admin().port()));
        assertThat(listAt(yaml(dir.resolve("kustomization.yaml")), "resources"))
                .containsExactlyInAnyOrder("configmap.yaml", "statefulset.yaml", "service.yaml");
    }

    // --- systemd -------------------------------------------------------------------------------------

    @Test
    void theSystemdUnitVerifiesAndRunsTheTestedStartCommand() {
        Path unit = docker("systemd/oauth-smtp-relay.service");
        Run verify = run(unit.getParent(), tool("systemd-analyze", "systemd"), "verify", unit.toString());
        // Unknown keys and bad values are warnings with exit status 0: any output is a failure.
        assertThat(verify.exit()).as(verify.output()).isZero();
        assertThat(verify.output()).isEmpty();
        // systemd's own rating of the sandbox: 0 (locked down) to 10; up to 2.0 is "OK".
        Run security = run(unit.getParent(), tool("systemd-analyze", "systemd"), "security", "--offline=yes",
                "--no-pager", unit.toString());
        Matcher exposure = Pattern.compile("Overall exposure level for \\S+: (\\d+\\.\\d+)").matcher(security.output());
        assertThat(exposure.find()).as(security.output()).isTrue();
        assertThat(Double.parseDouble(exposure.group(1))).as(security.output()).isLessThanOrEqualTo(2.0);

        Map<String, List<String>> keys = unitKeys(read(unit));
        assertThat(keys.get("ExecStart")).singleElement().asString()
                .endsWith("-jar " + JAR_IN_IMAGE + " " + String.join(" ", START));
        assertThat(keys.get("SuccessExitStatus")).containsExactly("143");
        assertThat(keys.get("Restart")).containsExactly("on-failure");
        assertThat(keys.get("RestartPreventExitStatus")).as("exit 2: invalid configuration").containsExactly("2");
        assertThat(keys.get("User")).containsExactly("oauth-smtp-relay");
        assertThat(keys.get("EnvironmentFile")).containsExactly("/etc/oauth-smtp-relay/relay.env");
        assertThat(keys.get("Environment")).contains("CONFIG_FORCE_relay_data__dir=" + DATA_DIR_IN_IMAGE);
        assertThat(keys.get("ProtectSystem")).containsExactly("strict");
        assertThat(keys.get("ReadWritePaths")).containsExactly(DATA_DIR_IN_IMAGE);
        assertThat(keys.get("NoNewPrivileges")).containsExactly("yes");
        assertThat(keys).doesNotContainKey("MemoryDenyWriteExecute"); // the JIT needs it
    }

    @Test
    void theEnvironmentFileExampleParsesForSystemdAndComposeAlike() {
        Map<String, String> env = envFile(docker("relay.env.example"));
        assertThat(env).containsKeys("RELAY_OAUTH_TENANT_ID", "RELAY_OAUTH_CLIENT_ID", "RELAY_OAUTH_CLIENT_SECRET");
        assertThat(read(docker("relay.env.example"))).contains("# RELAY_ADMIN_TOKEN=", "openssl rand -hex 32");
        assertThat(read(DeploymentFiles.root().resolve(".gitignore"))).contains("/docker/relay.env");
    }

    // --- helpers -------------------------------------------------------------------------------------

    /** Listener ports and the admin port. */
    private static List<Integer> ports(RelayConfig c) {
        List<Integer> ports = new ArrayList<>(c.listeners().stream().map(ListenerConfig::port).toList());
        ports.add(c.admin().port());
        return ports;
    }

    private static List<String> targetPorts(Map<String, Object> service) {
        return listAt(service, "spec", "ports").stream().map(p -> at(p, "targetPort").toString()).toList();
    }

    private static Set<String> alertNames() {
        Set<String> names = new java.util.TreeSet<>();
        for (Object group : listAt(yaml(docker("prometheus/alerts.yml")), "groups")) {
            for (Object rule : listAt(group, "rules")) {
                names.add(at(rule, "alert").toString());
            }
        }
        return names;
    }

    private static void assertSucceeds(Run run) {
        assertThat(run.exit()).as(run.output()).isZero();
    }

    private static Duration duration(String compose) {
        Matcher m = Pattern.compile("(\\d+)s").matcher(compose);
        assertThat(m.matches()).as("a duration in seconds: " + compose).isTrue();
        return Duration.ofSeconds(Long.parseLong(m.group(1)));
    }

    /** {@code KEY=value} lines, as systemd's EnvironmentFile and compose's env_file read them. */
    private static Map<String, String> envFile(Path file) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : read(file).split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int eq = l.indexOf('=');
            assertThat(eq).as("KEY=value: " + l).isPositive();
            String value = l.substring(eq + 1);
            if (value.length() >= 2 && value.startsWith("'") && value.endsWith("'")) {
                value = value.substring(1, value.length() - 1);
            }
            env.put(l.substring(0, eq), value);
        }
        return env;
    }

    /** The [Service] (and other) keys of a unit file, each with its values in order. */
    private static Map<String, List<String>> unitKeys(String unit) {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        for (String line : unit.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#") || l.startsWith("[")) {
                continue;
            }
            int eq = l.indexOf('=');
            String value = l.substring(eq + 1);
            if (value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            keys.computeIfAbsent(l.substring(0, eq), k -> new ArrayList<>()).add(value);
        }
        return keys;
    }
}
