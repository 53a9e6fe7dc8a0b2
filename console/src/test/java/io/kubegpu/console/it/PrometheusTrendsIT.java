package io.kubegpu.console.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubegpu.console.http.Console;
import io.kubegpu.console.http.ConsoleSettings;
import io.kubegpu.console.http.ConsoleSources;
import io.kubegpu.console.view.DecisionLookup;
import io.kubegpu.console.view.SampleCluster;
import io.kubegpu.console.view.TeamGroups;
import io.kubegpu.extender.decision.Policy;
import io.kubegpu.scorer.it.PrometheusServer;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Trends page's production source: a real Prometheus (Debian's, as the scorer's IT runs it) holding three hours of
 * the chart's recorded series, one sample a minute, with a half-hour hole in one of them; the console asks it over
 * {@code query_range} for the cluster, a namespace and a team group.
 */
class PrometheusTrendsIT {
    @TempDir
    static Path dir;
    private static PrometheusServer prometheus;
    private static final Instant END = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
    private static final Vertx VERTX = Vertx.vertx();
    private static Console console;
    private static int port;

    /** OpenMetrics text: per family, one sample a minute over the last three hours, where {@code value} gives one (NaN: none). */
    private static final class Series {
        private final Map<String, List<String>> families = new LinkedHashMap<>();

        Series add(String metric, String labels, IntToDoubleFunction value) {
            List<String> lines = families.computeIfAbsent(metric, m -> new ArrayList<>());
            int i = 0;
            for (long t = END.minusSeconds(3 * 3600).getEpochSecond(); t <= END.getEpochSecond(); t += 60, i++) {
                double v = value.applyAsDouble(i);
                if (!Double.isNaN(v)) {
                    lines.add(metric + labels + " " + String.format(Locale.ROOT, "%.3f", v) + " " + t);
                }
            }
            return this;
        }

        String text() {
            StringBuilder out = new StringBuilder();
            families.forEach((metric, lines) -> {
                out.append("# TYPE ").append(metric).append(" gauge\n");
                lines.forEach(line -> out.append(line).append('\n'));
            });
            return out.append("# EOF\n").toString();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        // Samples 0..180; the allocation ratio has none from sample 120 to 149 (a Prometheus that missed half an hour).
        String data = new Series()
                .add("kubegpu:cluster_gpu_allocation:ratio", "", i -> i >= 120 && i < 150 ? Double.NaN : 0.25)
                .add("kubegpu:cluster_gpu_allocated:sum", "", i -> 8)
                .add("kubegpu:cluster_gpu_utilization:avg", "", i -> 40)
                .add("kubegpu:cluster_pending_gpu_pods:sum", "", i -> i % 3)
                .add("kubegpu:namespace_gpu_allocated:sum", "{namespace=\"team-nlp\"}", i -> 2)
                .add("kubegpu:namespace_gpu_allocated:sum", "{namespace=\"team-llm\"}", i -> 8)
                .add("kubegpu:namespace_gpu_allocated:sum", "{namespace=\"team-cv\"}", i -> 4.5)
                .add("kubegpu:namespace_gpu_utilization:avg", "{namespace=\"team-nlp\"}", i -> 20)
                .add("kubegpu:namespace_gpu_utilization:avg", "{namespace=\"team-llm\"}", i -> 60)
                .add("kubegpu:namespace_pending_gpu_pods:sum", "{namespace=\"team-llm\"}", i -> 1)
                .text();
        prometheus = PrometheusServer.over(data, dir).start();
        SampleCluster sample = new SampleCluster();
        ConsoleSources sources = new ConsoleSources(sample.state::snapshot, sample.pending::list, () -> null, DecisionLookup.NONE, sample.parser,
                sample.demands, sample.fit, sample.scorer, Policy.FRAGMENTATION,
                sample.view.withTeams(TeamGroups.parse(Map.of("research", "team-nlp,team-llm"))));
        console = new Console(VERTX, sources, ConsoleSettings.defaults().withPrometheus(prometheus.url().toString()), null,
                Clock.fixed(END, ZoneOffset.UTC));
        Router router = Router.router(VERTX);
        console.mount(router);
        port = VERTX.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS).actualPort();
    }

    @AfterAll
    static void stop() throws Exception {
        if (console != null) {
            console.close();
        }
        VERTX.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        if (prometheus != null) {
            prometheus.close();
        }
    }

    private static JsonObject trends(String query) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/api/v1/trends?" + query)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JsonParser.parseString(response.body()).getAsJsonObject();
    }

    private static List<Double> values(JsonArray points, String field) {
        List<Double> out = new ArrayList<>();
        for (JsonElement point : points) {
            JsonElement value = point.getAsJsonObject().get(field);
            out.add(value == null || value.isJsonNull() ? null : value.getAsDouble());
        }
        return out;
    }

    @Test
    void theClustersSeriesComeFromTheRecordingRulesWithTheirGaps() throws Exception {
        JsonObject answer = trends("hours=2");
        assertThat(answer.get("source").getAsString()).isEqualTo("prometheus");
        assertThat(answer.get("maxHours").getAsInt()).isEqualTo(720);
        assertThat(answer.get("stepSeconds").getAsLong()).isEqualTo(60);
        JsonArray points = answer.getAsJsonArray("points");
        // Two hours at one a minute, both ends included.
        assertThat(points).hasSize(121);
        assertThat(Instant.parse(points.get(0).getAsJsonObject().get("at").getAsString())).isEqualTo(END.minusSeconds(7200));
        assertThat(values(points, "allocatedGpus")).containsOnly(8.0);
        assertThat(values(points, "utilization")).containsOnly(40.0);
        assertThat(values(points, "pending")).containsOnly(0.0, 1.0, 2.0);
        // The hole: no allocation ratio for its minutes past Prometheus' 5-minute lookback, the other series untouched.
        List<Double> allocation = values(points, "allocation");
        assertThat(allocation).contains(0.25).containsNull();
        assertThat(allocation.stream().filter(v -> v == null).count()).isBetween(20L, 30L);
    }

    @Test
    void aNamespaceAndATeamGroupAreTheirNamespacesSeries() throws Exception {
        JsonArray llm = trends("hours=1&team=team-llm").getAsJsonArray("points");
        assertThat(llm).hasSize(61);
        assertThat(values(llm, "allocatedGpus")).containsOnly(8.0);
        assertThat(values(llm, "utilization")).containsOnly(60.0);
        assertThat(values(llm, "pending")).containsOnly(1.0);
        assertThat(values(llm, "allocation")).as("a team has no capacity of its own").containsOnlyNulls();

        JsonArray research = trends("hours=1&team=research").getAsJsonArray("points");
        assertThat(values(research, "allocatedGpus")).as("team-nlp's 2 and team-llm's 8").containsOnly(10.0);
        assertThat(values(research, "utilization")).as("the mean of their means").containsOnly(40.0);
        assertThat(values(research, "pending")).containsOnly(1.0);

        JsonObject cv = trends("hours=1&team=team-cv");
        assertThat(values(cv.getAsJsonArray("points"), "allocatedGpus")).containsOnly(4.5);
        assertThat(values(cv.getAsJsonArray("points"), "pending")).as("no series: nothing waited").containsOnlyNulls();
        assertThat(cv.getAsJsonArray("teams").toString()).contains("research", "team-cv");
    }
}
