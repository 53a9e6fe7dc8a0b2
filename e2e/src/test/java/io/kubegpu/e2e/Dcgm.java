package io.kubegpu.e2e;

import io.kubegpu.scorer.it.DcgmOpenMetrics;
import io.kubegpu.scorer.it.PrometheusServer;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * dcgm-exporter series for GPUs of the test's nodes, served by a real Prometheus: from 30 minutes before the test to 30
 * minutes after, so every analysis window the processes ask for while the test runs is full.
 */
final class Dcgm {
    private final DcgmOpenMetrics metrics;

    Dcgm() {
        Instant now = Instant.now();
        this.metrics = new DcgmOpenMetrics(now.minus(Duration.ofMinutes(30)), now.plus(Duration.ofMinutes(30)));
    }

    private static Map<String, String> labels(String node, int gpu, String model, String pod) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("gpu", String.valueOf(gpu));
        out.put("UUID", "GPU-" + node + "-" + gpu);
        out.put("device", "nvidia" + gpu);
        out.put("modelName", model);
        out.put("Hostname", node); // dcgm-exporter's host label: the node name, as the extender joins by it
        out.put("pod", pod);
        out.put("namespace", "team-e2e");
        out.put("container", "main");
        return out;
    }

    /** A V100 at about 92 of 100: 95 % core, 80 % copy, 15000 of 16000 MiB, 240 of 300 W. */
    Dcgm busy(String node, int gpu) {
        metrics.gpu(labels(node, gpu, "Tesla V100-SXM2-32GB", "train-" + node), i -> 95, i -> 80, 15000, 1000, i -> 240, true);
        return this;
    }

    /** A V100 doing nothing: about 1 of 100, idle. */
    Dcgm idle(String node, int gpu) {
        metrics.gpu(labels(node, gpu, "Tesla V100-SXM2-32GB", "notebook-" + node), i -> 0, i -> 0, 100, 15900, i -> 30, true);
        return this;
    }

    PrometheusServer serve(String name) throws Exception {
        return PrometheusServer.over(metrics.text(), Repo.work("prometheus-" + name + "-" + System.nanoTime())).start();
    }
}
