package io.kubegpu.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.cluster.it.Eventually;
import io.kubegpu.cluster.model.ClusterConfig;
import io.kubegpu.cluster.model.ModelLabelSource;
import io.kubegpu.cluster.state.NodeState;
import io.kubegpu.extender.service.NoFitReply;
import io.kubegpu.request.GpuRequestParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The extender's warm-up: it answers its synthetic calls through the real routes on a private port, holds back
 * readiness until then, and leaves the served cluster state exactly as it was.
 */
class ExtenderWarmUpTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void readinessSaysWarmingUpWhileTheWarmUpRuns() throws Exception {
        // More calls than the budget allows: the warm-up is certainly still running when /readyz is asked.
        ServerSettings settings = ServerSettings.embedded().withExtender(ServerSettings.ExtenderRole.defaults().withWarmUpCalls(1_000_000));
        try (Server server = Server.start(settings)) {
            HttpResponse<String> ready = get(server, "/readyz");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("warming up");
            // The verbs do not wait for it: kube-scheduler is answered from the start.
            assertThat(get(server, "/healthz").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void theServerBecomesReadyAfterTheWarmUpWithItsOwnStateAndMetricsUntouched() throws Exception {
        ServerSettings settings = ServerSettings.embedded().withExtender(ServerSettings.ExtenderRole.defaults().withWarmUpCalls(600));
        try (Server server = Server.start(settings)) {
            long version = server.state().snapshot().version();
            List<String> before = describe(server.state().snapshot().nodes());
            Eventually.until(WAIT, "the extender reports ready", () -> get(server, "/readyz").statusCode() == 200);
            // Every synthetic pod was placed on, and removed from, the synthetic cluster only.
            assertThat(server.state().snapshot().version()).isEqualTo(version);
            assertThat(describe(server.state().snapshot().nodes())).isEqualTo(before);
            assertThat(server.state().reservations()).isEmpty();
            // Nor its metrics: the synthetic decisions, and its HTTP calls (the served listener has had no POST).
            String metrics = get(server, "/metrics").body();
            assertThat(metrics).doesNotContain("warm-up");
            assertThat(metrics).contains("vertx_http_server_requests_total").doesNotContain("method=\"POST\"");
        }
    }

    @Test
    void theWarmUpAnswersItsCallsThroughTheRoutes() {
        ServerSettings settings = ServerSettings.embedded().withExtender(ServerSettings.ExtenderRole.defaults());
        var common = settings.common();
        ClusterConfig cluster = new ClusterConfig(common.grammar().vendors(), common.labelSources(), common.catalog(),
                ClusterConfig.GpushareResources.DEFAULT);
        try (ExtenderWarmUp warmUp = ExtenderWarmUp.start(settings.extender(), cluster, new GpuRequestParser(common.grammar()),
                NoFitReply.ERROR, 500, WAIT)) {
            Eventually.until(WAIT, "the warm-up is done", warmUp::done);
            // Filters, a prioritize for every eighth pod and a bind for every share, each answered 200 with a node for
            // every pod: a failed call would end the warm-up early and say so.
            Matcher outcome = Pattern.compile("5\\d\\d synthetic calls \\((\\d+) binds\\) on (\\d+) connections and 10000 TLS records \\(\\d+ MiB\\) in [0-9.]+ s")
                    .matcher(warmUp.outcome());
            assertThat(outcome.matches()).as(warmUp.outcome()).isTrue();
            // Each bind came on a connection of its own, as kube-scheduler's binds do, counted by the warm-up's listener;
            // the filters and prioritizes came on one more. Three pods in ten are shares.
            int binds = Integer.parseInt(outcome.group(1));
            assertThat(binds).isBetween(90, 120);
            assertThat(Integer.parseInt(outcome.group(2))).isEqualTo(binds + 1);
        }
    }

    @Test
    void aWarmUpThatFailsPartwaySaysHowFarItGot() {
        ServerSettings settings = ServerSettings.embedded().withExtender(ServerSettings.ExtenderRole.defaults());
        var common = settings.common();
        // The GPU model read from a label the synthetic nodes do not carry: the first pod, 2(V100), then fits nowhere.
        ClusterConfig cluster = new ClusterConfig(common.grammar().vendors(), List.of(new ModelLabelSource("example.com/gpu-model", null, null)),
                common.catalog(), ClusterConfig.GpushareResources.DEFAULT);
        try (ExtenderWarmUp warmUp = ExtenderWarmUp.start(settings.extender(), cluster, new GpuRequestParser(common.grammar()),
                NoFitReply.ERROR, 500, WAIT)) {
            Eventually.until(WAIT, "the warm-up is done", warmUp::done);
            // The first pod's filter and prioritize were answered; the filter's answer (no node) ended it.
            assertThat(warmUp.outcome()).startsWith("failed after 2 calls: java.lang.IllegalStateException: the synthetic filter answered ")
                    .contains("node has no GPU model label, the pod needs V100").endsWith(" characters) for warm-up-0").hasSizeLessThan(700);
        }
    }

    @Test
    void noCallsMeansReadyAtOnce() {
        assertThat(ExtenderWarmUp.none().done()).isTrue();
    }

    private static List<String> describe(List<NodeState> nodes) {
        return nodes.stream().map(node -> node.name() + " " + node.pods()).toList();
    }

    private static HttpResponse<String> get(Server server, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError("GET " + path + " failed", e);
        }
    }
}
