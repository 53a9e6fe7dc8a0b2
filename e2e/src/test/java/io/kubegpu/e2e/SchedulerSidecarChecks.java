package io.kubegpu.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.kubegpu.cluster.it.Eventually;
import io.kubegpu.scorer.it.PrometheusServer;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The scheduler Deployment's sidecar ({@code --roles=extender,scorer}) from the jar, called by a real kube-scheduler 1.20
 * running the rendered scheduler configuration, its live load read from a real Prometheus. Two pairs of identical, empty
 * V100 nodes: in one pair the alphabetically first node's GPU is busy in DCGM, in the other both are idle. The same GPU
 * pod goes to the second node of the busy pair and to the first node of the idle pair (equal nodes are filled in name
 * order): only the live load from Prometheus tells them apart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SchedulerSidecarChecks {
    private Workload work;
    private PrometheusServer prometheus;
    private ChartInstall install;
    private SchedulerPair pair;
    private String busyFirst;
    private String idleSecond;
    private String calmFirst;
    private String calmSecond;

    @BeforeAll
    void start() throws Exception {
        work = new Workload();
        String pair1 = work.cluster.suffix + "-busy";
        String pair2 = work.cluster.suffix + "-calm";
        busyFirst = work.v100("live-a", 4, Map.of("kubegpu.io/e2e-pair", pair1));
        idleSecond = work.v100("live-b", 4, Map.of("kubegpu.io/e2e-pair", pair1));
        calmFirst = work.v100("calm-a", 4, Map.of("kubegpu.io/e2e-pair", pair2));
        calmSecond = work.v100("calm-b", 4, Map.of("kubegpu.io/e2e-pair", pair2));
        prometheus = new Dcgm().busy(busyFirst, 0).idle(idleSecond, 0).idle(calmFirst, 0).idle(calmSecond, 0).serve("sidecar");
        install = ChartInstall.render(Map.of("scorer.config.prom_url", prometheus.url().toString()));
        pair = SchedulerPair.start(install, "sidecar");
        // The in-process scorer analyses once at start (the chart's interval is 5 minutes): wait for that analysis.
        Eventually.until(Workload.WAIT, "the sidecar's scorer has scored the four GPUs from Prometheus",
                () -> Http.json("http://127.0.0.1:" + pair.scorerPort() + "/results").getAsJsonArray().size() == 4);
    }

    @AfterAll
    void stop() {
        Closing.all(pair, install, prometheus, work);
    }

    private String podOnPair(String base, String pairLabel) {
        return work.create(base, "gpu-scheduler", Workload.PodSpec.whole(1, "V100").on(Map.of("kubegpu.io/e2e-pair", pairLabel)));
    }

    @Test
    void kubeSchedulerPlacesAGpuPodThroughTheSidecarAndLiveLoadFromPrometheusDecides() {
        String toBusyPair = podOnPair("busy-pair", work.cluster.suffix + "-busy");
        String toCalmPair = podOnPair("calm-pair", work.cluster.suffix + "-calm");
        assertThat(work.awaitNode(toBusyPair)).as("the busy node's idle twin").isEqualTo(idleSecond);
        assertThat(work.awaitNode(toCalmPair)).as("equal nodes: the first by name").isEqualTo(calmFirst);

        // /explain (health port) shows the filter chose by score, with the live part from Prometheus lower on the busy node.
        JsonObject explain = Http.json(pair.health("/explain/" + work.namespace + "/" + toBusyPair).toString()).getAsJsonObject();
        assertThat(explain.getAsJsonObject("filter").get("chosen").getAsString()).isEqualTo(idleSecond);
        Map<String, Double> live = new HashMap<>();
        for (JsonElement node : explain.getAsJsonObject("prioritize").getAsJsonArray("nodes")) {
            JsonObject parts = node.getAsJsonObject();
            if (parts.has("live")) {
                live.put(parts.get("node").getAsString(), parts.get("live").getAsDouble());
            }
        }
        assertThat(live).containsOnlyKeys(busyFirst, idleSecond);
        assertThat(live.get(busyFirst)).as("live score of the busy node").isLessThan(2);
        assertThat(live.get(idleSecond)).as("live score of the idle node").isGreaterThan(9);
        Served.record(pair.sidecar);
    }

    @Test
    void theSidecarsScorerServesWhatPrometheusHolds() {
        JsonArray results = Http.json("http://127.0.0.1:" + pair.scorerPort() + "/results").getAsJsonArray();
        Map<String, String> statusByHost = new HashMap<>();
        results.forEach(r -> statusByHost.put(r.getAsJsonObject().get("hostname").getAsString(), r.getAsJsonObject().get("status").getAsString()));
        assertThat(statusByHost).containsEntry(busyFirst, "high").containsEntry(idleSecond, "idle").containsEntry(calmFirst, "idle");
        // No reports and no alerts from the sidecar: the chart turns the control API and AI off in its environment.
        JsonObject root = Http.json("http://127.0.0.1:" + pair.scorerPort() + "/").getAsJsonObject();
        assertThat(root.getAsJsonObject("features").get("control_api").getAsBoolean()).isFalse();
        assertThat(root.getAsJsonObject("features").get("ai_analysis").getAsBoolean()).isFalse();
    }

    @Test
    void theVerbsListenOnLoopbackOnlyAndHealthAndMetricsOnTheirOwnPort() {
        assertThat(pair.sidecar.args()).contains("--host=127.0.0.1");
        assertThat(Http.get(pair.health("/readyz").toString()).statusCode()).isEqualTo(200);
        assertThat(Http.get(pair.health("/metrics").toString()).body()).contains("kubegpu_extender_request_duration_seconds");
    }
}
