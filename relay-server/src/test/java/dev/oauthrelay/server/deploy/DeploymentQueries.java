package dev.oauthrelay.server.deploy;

import static dev.oauthrelay.server.deploy.DeploymentFiles.at;
import static dev.oauthrelay.server.deploy.DeploymentFiles.list;
import static dev.oauthrelay.server.deploy.DeploymentFiles.listAt;
import static dev.oauthrelay.server.deploy.DeploymentFiles.map;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PromQL of the alert rules and the Grafana dashboard, and the names in it: metric names,
 * label names, functions and keywords, told apart well enough to check each metric name against
 * what the relay exports.
 */
final class DeploymentQueries {

    /** PromQL functions, aggregations and keywords that the files may use. */
    static final Set<String> PROMQL_WORDS = Set.of(
            "sum", "min", "max", "avg", "count", "topk", "bottomk", "quantile", "stddev", "group",
            "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset",
            "rate", "irate", "increase", "delta", "idelta", "deriv", "histogram_quantile", "absent", "absent_over_time",
            "max_over_time", "min_over_time", "avg_over_time", "sum_over_time", "count_over_time", "last_over_time",
            "changes", "resets", "clamp_min", "clamp_max", "abs", "time", "vector", "scalar", "label_replace",
            "label_values", "predict_linear", "inf", "nan");

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*]");
    private static final Pattern GRAFANA_VARIABLE = Pattern.compile("\\$\\{?[A-Za-z_][A-Za-z0-9_]*}?");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![A-Za-z0-9_:.])[A-Za-z_:][A-Za-z0-9_:]*");
    /** A label name: before a matcher operator inside braces, or listed in by/without/on/ignoring. */
    private static final Pattern LABEL_MATCHER = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*(=~|!~|!=|=)");
    private static final Pattern LABEL_LIST = Pattern.compile(
            "\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
    /** label_values(metric, label): the second argument is a label. */
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*[^,]+,\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*\\)");

    private DeploymentQueries() {
    }

    /** The expression of every alerting and recording rule of a rules file. */
    static List<String> ruleExpressions(Map<String, Object> rules) {
        List<String> out = new ArrayList<>();
        for (Object group : listAt(rules, "groups")) {
            for (Object rule : listAt(group, "rules")) {
                out.add(at(rule, "expr").toString());
            }
        }
        return out;
    }

    /** Every panel target's {@code expr} (rows' nested panels too) and the query variables' queries. */
    static List<String> dashboardQueries(Map<String, Object> dashboard) {
        List<String> out = new ArrayList<>();
        collectPanels(list(dashboard.get("panels")), out);
        for (Object variable : listAt(dashboard, "templating", "list")) {
            Map<String, Object> v = map(variable);
            if ("query".equals(v.get("type"))) {
                Object q = v.get("query");
                out.add(q instanceof Map<?, ?> m ? m.get("query").toString() : q.toString());
            }
        }
        return out;
    }

    private static void collectPanels(List<Object> panels, List<String> out) {
        for (Object p : panels) {
            Map<String, Object> panel = map(p);
            if (panel.get("targets") != null) {
                for (Object t : list(panel.get("targets"))) {
                    out.add(at(t, "expr").toString());
                }
            }
            if (panel.get("panels") != null) {
                collectPanels(list(panel.get("panels")), out);
            }
        }
    }

    /**
     * A dashboard query as Prometheus would get it: {@code $__rate_interval} and other intervals as
     * 5m, {@code $instance} as a regular expression, {@code label_values(m, l)} (Grafana's, not PromQL)
     * as the metric selector {@code m}.
     */
    static String withGrafanaVariablesFilledIn(String query) {
        Matcher lv = Pattern.compile("^label_values\\(\\s*([^,]+),\\s*[A-Za-z_][A-Za-z0-9_]*\\s*\\)$").matcher(query.strip());
        if (lv.matches()) {
            return lv.group(1).strip();
        }
        return query.replace("$__rate_interval", "5m").replace("$__interval", "1m").replace("$__range", "1h")
                .replaceAll("\\$\\{?instance}?", ".*");
    }

    /** The names an expression refers to, sorted into metrics and labels. */
    record Names(Set<String> metrics, Set<String> labels) {
    }

    static Names names(String expression) {
        Set<String> labels = new TreeSet<>();
        String e = GRAFANA_VARIABLE.matcher(expression).replaceAll(" ");
        Matcher lv = LABEL_VALUES.matcher(e);
        while (lv.find()) {
            labels.add(lv.group(1));
        }
        e = LABEL_VALUES.matcher(e).replaceAll(m -> "label_values(" + m.group().substring(13, m.group().lastIndexOf(',')) + ")");
        e = STRING.matcher(e).replaceAll(" ");
        e = RANGE.matcher(e).replaceAll(" ");
        Matcher lm = LABEL_MATCHER.matcher(e);
        while (lm.find()) {
            labels.add(lm.group(1));
        }
        e = LABEL_MATCHER.matcher(e).replaceAll(" ");
        Matcher ll = LABEL_LIST.matcher(e);
        while (ll.find()) {
            for (String l : ll.group(1).split(",")) {
                if (!l.isBlank()) {
                    labels.add(l.strip());
                }
            }
        }
        e = LABEL_LIST.matcher(e).replaceAll(" ");
        Set<String> metrics = new TreeSet<>();
        Matcher id = IDENTIFIER.matcher(e);
        while (id.find()) {
            String word = id.group();
            if (!PROMQL_WORDS.contains(word.toLowerCase(java.util.Locale.ROOT))) {
                metrics.add(word);
            }
        }
        return new Names(metrics, labels);
    }
}
