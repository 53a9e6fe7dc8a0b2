package io.kubegpu.charts;

import static io.kubegpu.charts.RenderedChart.FULLNAME;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.kubegpu.app.server.Server;
import io.kubegpu.app.server.ServerSettings;
import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.cluster.it.SelfSignedTls;
import io.kubegpu.cluster.model.ModelLabelSource;
import io.kubegpu.extender.decision.Policy;
import io.kubegpu.extender.service.FilterMode;
import io.kubegpu.request.GrammarConfig;
import io.kubegpu.scorer.config.ScorerConfigLoader;
import io.kubegpu.webhook.mutation.MutationConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alerts and the dashboard: valid for promtool, and built only on metric names our servers really
 * export (dcgm-exporter's DCGM_* series aside) — checked against a running server's /metrics.
 */
class ObservabilityTest {
    private static final Pattern METRIC = Pattern.compile("\\b((?:gpu|kubegpu)_[a-z0-9_]+|DCGM_[A-Z0-9_]+)\\b");
    private static RenderedChart chart;

    @BeforeAll
    static void render() {
        chart = RenderedChart.render(Map.of("metrics.prometheusRule.enabled", "true", "metrics.serviceMonitor.enabled", "true",
                "metrics.grafanaDashboard.enabled", "true"));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> rules() {
        Map<String, Object> spec = (Map<String, Object>) chart.get("PrometheusRule", FULLNAME).get("spec");
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) spec.get("groups")) {
            out.addAll((List<Map<String, Object>>) group.get("rules"));
        }
        return out;
    }

    private static List<String> dashboardExpressions() {
        String json = (String) ((Map<?, ?>) chart.get("ConfigMap", FULLNAME + "-dashboard").get("data")).get("kube-gpu-extender.json");
        List<String> out = new ArrayList<>();
        for (JsonElement panel : JsonParser.parseString(json).getAsJsonObject().getAsJsonArray("panels")) {
            for (JsonElement target : panel.getAsJsonObject().getAsJsonArray("targets")) {
                out.add(target.getAsJsonObject().get("expr").getAsString());
            }
        }
        return out;
    }

    @Test
    void theAlertsAreValidForPromtool(@TempDir Path dir) throws Exception {
        assertThat(rules()).extracting(r -> (String) r.get("alert")).contains("GpuIdle", "GpuMemoryHigh", "GpuMemoryCritical",
                "GpuSchedulingLatencyHigh", "GpuExtenderErrors", "GpuBindFailures", "GpuWebhookRejectionsSpiking", "GpuScorerFailing",
                "GpuScorerPrometheusUnreachable", "GpuTemperatureHigh", "GpuTemperatureCritical");
        assertThat(rules()).filteredOn(r -> "GpuIdle".equals(r.get("alert"))).extracting(r -> r.get("for")).containsExactly("30m");
        Object spec = chart.get("PrometheusRule", FULLNAME).get("spec");
        Path file = dir.resolve("rules.yaml");
        Files.writeString(file, new org.yaml.snakeyaml.Yaml().dump(spec));
        Path bin = Path.of(run(List.of("bash", Path.of("..", "scripts", "prometheus", "install.sh").toAbsolutePath().normalize().toString())));
        String output = run(List.of(bin.resolve("promtool").toString(), "check", "rules", file.toString()));
        assertThat(output).contains("SUCCESS: " + rules().size() + " rules found");
    }

    /**
     * The temperature alerts as the resource-manager plan asks for them, run by promtool over DCGM series: warning above
     * 80 °C held for 5 minutes, critical above 90 °C held for 1 minute, nothing for a card at 80 °C or below.
     */
    @Test
    void temperatureAlertsFireAfterTheirDurationsInPromtool(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("rules.yaml"), new org.yaml.snakeyaml.Yaml().dump(chart.get("PrometheusRule", FULLNAME).get("spec")));
        String hot = alert("GpuTemperatureHigh", "warning", "GPU-hot", "node-1", "80", "85", "for 5 minutes");
        String burning = alert("GpuTemperatureHigh", "warning", "GPU-burning", "node-2", "80", "95", "for 5 minutes");
        String critical = alert("GpuTemperatureCritical", "critical", "GPU-burning", "node-2", "90", "95", null);
        Files.writeString(dir.resolve("temperature-test.yaml"), """
                rule_files: [rules.yaml]
                evaluation_interval: 30s
                tests:
                  - interval: 30s
                    input_series:
                      - series: 'DCGM_FI_DEV_GPU_TEMP{UUID="GPU-hot",Hostname="node-1",modelName="NVIDIA A100"}'
                        values: '85x30'
                      - series: 'DCGM_FI_DEV_GPU_TEMP{UUID="GPU-burning",Hostname="node-2",modelName="NVIDIA A100"}'
                        values: '95x30'
                      - series: 'DCGM_FI_DEV_GPU_TEMP{UUID="GPU-warm",Hostname="node-3",modelName="NVIDIA A100"}'
                        values: '80x30'
                    alert_rule_test:
                      - {eval_time: 4m, alertname: GpuTemperatureHigh, exp_alerts: []}
                      - eval_time: 6m
                        alertname: GpuTemperatureHigh
                        exp_alerts: [%s, %s]
                      - {eval_time: 30s, alertname: GpuTemperatureCritical, exp_alerts: []}
                      - eval_time: 2m
                        alertname: GpuTemperatureCritical
                        exp_alerts: [%s]
                """.formatted(hot, burning, critical));
        Path bin = Path.of(run(List.of("bash", Path.of("..", "scripts", "prometheus", "install.sh").toAbsolutePath().normalize().toString())));
        String output = run(List.of(bin.resolve("promtool").toString(), "test", "rules", dir.resolve("temperature-test.yaml").toString()));
        assertThat(output).contains("SUCCESS");
    }

    /** One expected alert in promtool's flow syntax, its annotations as the rule's templates render them. */
    private static String alert(String name, String severity, String uuid, String host, String limit, String value, String held) {
        String description = held != null
                ? value + " °C for 5 minutes; the card throttles its clocks when hot. Check its cooling and airflow."
                : value + " °C: near the slowdown and shutdown temperatures, the hardware may be damaged. Drain the node.";
        return "{exp_labels: {severity: " + severity + ", UUID: " + uuid + ", Hostname: " + host + ", modelName: NVIDIA A100}, "
                + "exp_annotations: {summary: 'GPU " + uuid + " on " + host + " is above " + limit + " °C', description: '" + description
                + "'}}";
    }

    /**
     * The console's recording rules over two scheduler replicas exporting the same figures (counted once) and the scorer's
     * per-pod utilization, run by promtool: what the Trends page reads.
     */
    @Test
    void theConsolesRecordingRulesCountEachFigureOnce(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("rules.yaml"), new org.yaml.snakeyaml.Yaml().dump(chart.get("PrometheusRule", FULLNAME).get("spec")));
        Files.writeString(dir.resolve("console-test.yaml"), """
                rule_files: [rules.yaml]
                evaluation_interval: 1m
                tests:
                  - interval: 1m
                    input_series:
                      - {series: 'kubegpu_cluster_gpu_allocated{instance="a",model="A100-80GB"}', values: '6x10'}
                      - {series: 'kubegpu_cluster_gpu_allocated{instance="b",model="A100-80GB"}', values: '6x10'}
                      - {series: 'kubegpu_cluster_gpu_allocated{instance="a",model="T4"}', values: '2x10'}
                      - {series: 'kubegpu_cluster_gpu_allocated{instance="b",model="T4"}', values: '2x10'}
                      - {series: 'kubegpu_cluster_gpu_capacity{instance="a",model="A100-80GB"}', values: '16x10'}
                      - {series: 'kubegpu_cluster_gpu_capacity{instance="b",model="A100-80GB"}', values: '16x10'}
                      - {series: 'kubegpu_cluster_gpu_capacity{instance="a",model="T4"}', values: '16x10'}
                      - {series: 'kubegpu_cluster_gpu_capacity{instance="b",model="T4"}', values: '16x10'}
                      - {series: 'kubegpu_namespace_gpu_allocated{instance="a",namespace="team-cv"}', values: '4.5x10'}
                      - {series: 'kubegpu_namespace_gpu_allocated{instance="b",namespace="team-cv"}', values: '4.5x10'}
                      - {series: 'kubegpu_namespace_pending_gpu_pods{instance="a",namespace="team-cv"}', values: '1x10'}
                      - {series: 'kubegpu_namespace_pending_gpu_pods{instance="b",namespace="team-cv"}', values: '1x10'}
                      - {series: 'kubegpu_pending_gpu_pods{instance="a"}', values: '3x10'}
                      - {series: 'kubegpu_pending_gpu_pods{instance="b"}', values: '3x10'}
                      - {series: 'gpu_core_utilization{gpu_id="GPU-1",pod="p1",namespace="team-cv"}', values: '20x10'}
                      - {series: 'gpu_core_utilization{gpu_id="GPU-2",pod="p2",namespace="team-cv"}', values: '40x10'}
                      - {series: 'gpu_core_utilization{gpu_id="GPU-3",pod="p3",namespace="team-nlp"}', values: '90x10'}
                    promql_expr_test:
                      - {expr: 'kubegpu:cluster_gpu_allocated:sum', eval_time: 5m, exp_samples: [{labels: 'kubegpu:cluster_gpu_allocated:sum', value: 8}]}
                      - {expr: 'kubegpu:cluster_gpu_allocation:ratio', eval_time: 5m, exp_samples: [{labels: 'kubegpu:cluster_gpu_allocation:ratio', value: 0.25}]}
                      - {expr: 'kubegpu:cluster_gpu_utilization:avg', eval_time: 5m, exp_samples: [{labels: 'kubegpu:cluster_gpu_utilization:avg', value: 50}]}
                      - {expr: 'kubegpu:cluster_pending_gpu_pods:sum', eval_time: 5m, exp_samples: [{labels: 'kubegpu:cluster_pending_gpu_pods:sum', value: 3}]}
                      - expr: 'kubegpu:namespace_gpu_allocated:sum'
                        eval_time: 5m
                        exp_samples: [{labels: 'kubegpu:namespace_gpu_allocated:sum{namespace="team-cv"}', value: 4.5}]
                      - expr: 'kubegpu:namespace_gpu_utilization:avg'
                        eval_time: 5m
                        exp_samples:
                          - {labels: 'kubegpu:namespace_gpu_utilization:avg{namespace="team-cv"}', value: 30}
                          - {labels: 'kubegpu:namespace_gpu_utilization:avg{namespace="team-nlp"}', value: 90}
                      - expr: 'kubegpu:namespace_pending_gpu_pods:sum'
                        eval_time: 5m
                        exp_samples: [{labels: 'kubegpu:namespace_pending_gpu_pods:sum{namespace="team-cv"}', value: 1}]
                """);
        Path bin = Path.of(run(List.of("bash", Path.of("..", "scripts", "prometheus", "install.sh").toAbsolutePath().normalize().toString())));
        String output = run(List.of(bin.resolve("promtool").toString(), "test", "rules", dir.resolve("console-test.yaml").toString()));
        assertThat(output).contains("SUCCESS");
    }

    @Test
    void theServiceMonitorScrapesEveryComponentButKeepsGpuSeriesFromTheScorerOnly() {
        String monitor = new org.yaml.snakeyaml.Yaml().dump(chart.get("ServiceMonitor", FULLNAME));
        assertThat(monitor).contains("kubegpu.io/metrics: 'true'").contains("port: metrics")
                .contains("gpu_.+;" + FULLNAME + "-(scheduler|extender)").contains("action: drop");
        for (String service : List.of("-scheduler", "-webhook", "-scorer")) {
            Map<?, ?> labels = (Map<?, ?>) ((Map<?, ?>) chart.get("Service", FULLNAME + service).get("metadata")).get("labels");
            assertThat(labels.get("kubegpu.io/metrics")).as(service).isEqualTo("true");
        }
    }

    @Test
    void alertsAndDashboardUseOnlyMetricsTheServersExport(@TempDir Path dir) throws Exception {
        Set<String> referenced = new TreeSet<>();
        rules().forEach(r -> collect((String) r.get("expr"), referenced));
        dashboardExpressions().forEach(e -> collect(e, referenced));
        referenced.removeIf(name -> name.startsWith("DCGM_"));
        assertThat(referenced).contains("gpu_utilization_score", "kubegpu_extender_request_duration_seconds_bucket",
                "kubegpu_webhook_decisions_total", "kubegpu_cluster_gpu_capacity", "gpu_analysis_errors_total");

        String exported = exportedMetrics(dir);
        for (String name : referenced) {
            assertThat(exported).as("metric " + name + " is exported").containsPattern("(?m)^" + name + "[{ ]");
        }
    }

    private static void collect(String expression, Set<String> into) {
        // Label names in selectors and in by/on clauses are not metrics.
        String metricsOnly = expression.replaceAll("\\{[^}]*}", "").replaceAll("\\b(by|without|on|ignoring)\\s*\\([^)]*\\)", "");
        Matcher m = METRIC.matcher(metricsOnly);
        while (m.find()) {
            into.add(m.group(1));
        }
    }

    /** Starts the extender, webhook, scorer and console in one server, gives each a request, and scrapes /metrics. */
    private static String exportedMetrics(Path dir) throws Exception {
        SelfSignedTls.certificate(dir, "webhook");
        var webhook = new ServerSettings.WebhookRole(ServerSettings.Endpoint.loopback(0), dir.resolve("cert.pem"), dir.resolve("key.pem"),
                MutationConfig.defaults());
        var scorer = new ServerSettings.ScorerRole(ServerSettings.Endpoint.loopback(0), ScorerConfigLoader.load(Map.of()), true);
        try (Server server = Server.start(ServerSettings.embedded().withExtender(ServerSettings.ExtenderRole.defaults().withPolicy(Policy.BINPACK))
                .withWebhook(webhook).withScorer(scorer).withConsole(ServerSettings.ConsoleRole.defaults()))) {
            SSLContext trustAll = SelfSignedTls.trustAll();
            HttpClient http = HttpClient.newBuilder().sslContext(trustAll).build();
            String base = "http://127.0.0.1:" + server.port();
            String filter = Files.readString(Path.of("..", "examples", "filter-2xV100.json"));
            post(http, base + "/filter", filter);
            post(http, base + "/prioritize", filter);
            post(http, base + "/filter", "{not json");
            post(http, "https://127.0.0.1:" + server.webhookPort() + "/mutate", """
                    {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u-1","operation":"CREATE",
                     "kind":{"group":"","version":"v1","kind":"Pod"},"namespace":"team-a","name":"p",
                     "object":{"metadata":{"name":"p","namespace":"team-a","annotations":{"kubegpu.io/gpu":"1.5"}},
                     "spec":{"containers":[{"name":"c","image":"i"}]}}}}""");
            // The first analysis, the one the server started by itself.
            server.scorer().analyzer().firstAnalysis().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
            return http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        }
    }

    private static void post(HttpClient http, String url, String body) throws Exception {
        http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
    }

    private static String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        String[] lines = output.strip().split("\n");
        return command.get(0).equals("bash") ? lines[lines.length - 1].trim() : output;
    }
}
