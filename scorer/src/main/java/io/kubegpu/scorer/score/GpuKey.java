package io.kubegpu.scorer.score;

import java.util.Comparator;
import java.util.Objects;

/**
 * One workload on one GPU: the GPU's UUID with the namespace and pod using it. A GPU shared by two pods
 * (dcgm-exporter's per-pod series under sharing) yields two keys, so AI verdicts, control-API cooldowns and
 * notifications are per pod rather than one per card. {@code namespace} and {@code pod} are "" for a GPU
 * assigned to no pod.
 */
public record GpuKey(String gpuId, String namespace, String pod) implements Comparable<GpuKey> {
    private static final Comparator<GpuKey> ORDER = Comparator.comparing(GpuKey::gpuId).thenComparing(GpuKey::namespace)
            .thenComparing(GpuKey::pod);

    public GpuKey {
        Objects.requireNonNull(gpuId, "gpuId");
        namespace = namespace == null ? "" : namespace;
        pod = pod == null ? "" : pod;
    }

    @Override
    public int compareTo(GpuKey other) {
        return ORDER.compare(this, other);
    }

    /** For logs and messages: {@code GPU-… (namespace/pod)}, or the bare UUID when no pod holds it. */
    @Override
    public String toString() {
        return pod.isEmpty() ? gpuId : gpuId + " (" + namespace + "/" + pod + ")";
    }
}
