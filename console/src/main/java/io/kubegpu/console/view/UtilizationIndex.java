package io.kubegpu.console.view;

import io.kubegpu.scorer.analysis.AnalysisSnapshot;
import io.kubegpu.scorer.score.GpuScore;
import io.kubegpu.scorer.score.GpuStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The scorer's latest analysis indexed the ways the views join it to the cluster: by node, by pod on a node, by
 * namespace. The scorer knows GPUs by UUID and the pod using them (dcgm-exporter's labels), the cluster state knows
 * which pods hold how many GPUs of a node: a pod's results on its node are its cards' figures.
 */
public final class UtilizationIndex {
    /** No analysis: every lookup is empty. */
    public static final UtilizationIndex NONE = new UtilizationIndex(null);

    private final AnalysisSnapshot snapshot;
    private final Map<String, List<GpuScore>> byHost = new HashMap<>();
    private final Map<String, List<GpuScore>> byHostPod = new HashMap<>();
    private final Map<String, List<GpuScore>> byNamespace = new HashMap<>();

    private UtilizationIndex(AnalysisSnapshot snapshot) {
        this.snapshot = snapshot;
        if (snapshot == null) {
            return;
        }
        for (GpuScore score : snapshot.scores()) {
            if (score.hostname() != null) {
                byHost.computeIfAbsent(score.hostname(), h -> new ArrayList<>()).add(score);
                if (score.pod() != null && !score.pod().isEmpty()) {
                    byHostPod.computeIfAbsent(hostPod(score.hostname(), score.namespace(), score.pod()), k -> new ArrayList<>()).add(score);
                }
            }
            if (score.namespace() != null && !score.namespace().isEmpty()) {
                byNamespace.computeIfAbsent(score.namespace(), n -> new ArrayList<>()).add(score);
            }
        }
        // A pod's GPUs in a stable order, so its cards get the same figures from one view to the next.
        byHostPod.values().forEach(list -> list.sort(Comparator.comparing(GpuScore::gpuId)));
    }

    /** The index of an analysis; {@link #NONE} for {@code null} or an analysis that has no good run yet. */
    public static UtilizationIndex of(AnalysisSnapshot snapshot) {
        return snapshot == null || snapshot.analyzedAt() == null ? NONE : new UtilizationIndex(snapshot);
    }

    private static String hostPod(String host, String namespace, String pod) {
        return host + '\u0000' + (namespace == null ? "" : namespace) + '/' + pod;
    }

    public boolean present() {
        return snapshot != null;
    }

    /** End of the window the figures cover, or null. */
    public Instant analyzedAt() {
        return snapshot == null ? null : snapshot.analyzedAt();
    }

    /** Whether the last analysis failed, so these are older figures. */
    public boolean stale() {
        return snapshot != null && snapshot.stale();
    }

    public List<GpuScore> onHost(String host) {
        return byHost.getOrDefault(host, List.of());
    }

    /** The results of one pod's GPUs on one node, by GPU UUID. */
    public List<GpuScore> ofPod(String host, String namespace, String pod) {
        return byHostPod.getOrDefault(hostPod(host, namespace, pod), List.of());
    }

    public List<GpuScore> ofNamespace(String namespace) {
        return byNamespace.getOrDefault(namespace, List.of());
    }

    /** Every result, for cluster-wide figures. */
    public List<GpuScore> all() {
        return snapshot == null ? List.of() : snapshot.scores();
    }

    /** Mean core utilization (percent) of the scored GPUs in {@code scores}, or null when none is scored. */
    public static Double meanUtilization(List<GpuScore> scores) {
        double sum = 0;
        int n = 0;
        for (GpuScore score : scores) {
            if (score.scored() && !Double.isNaN(score.gpuUtil())) {
                sum += score.gpuUtil();
                n++;
            }
        }
        return n == 0 ? null : Num.round1(sum / n);
    }

    /** The highest temperature among {@code scores}, or null when none reports one. */
    public static Double maxTemperature(List<GpuScore> scores) {
        double max = Double.NaN;
        for (GpuScore score : scores) {
            if (!Double.isNaN(score.temperatureC()) && (Double.isNaN(max) || score.temperatureC() > max)) {
                max = score.temperatureC();
            }
        }
        return Double.isNaN(max) ? null : Num.round1(max);
    }

    /** How many of {@code scores} have the status. */
    public static int count(List<GpuScore> scores, GpuStatus status) {
        int n = 0;
        for (GpuScore score : scores) {
            if (score.status() == status) {
                n++;
            }
        }
        return n;
    }
}
