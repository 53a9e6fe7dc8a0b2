package io.kubegpu.scorer.podmetrics;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-pod values of the {@link PodGpuMetric}s from DCGM samples. A pod with no usable sample gets no value (the
 * HorizontalPodAutoscaler's contract: a missing pod is treated as missing, never as idle); a sample that is not a
 * number (DCGM's blanks, NaN) is not data either.
 */
public final class PodGpuValues {
    private PodGpuValues() {
    }

    /** GPU core utilization 0..1 per pod of {@code namespace}: the mean over the pod's GPUs of DCGM_FI_DEV_GPU_UTIL / 100. */
    public static Map<String, Double> usage(String namespace, List<GpuSample> utilization) {
        Map<String, Map<String, Double>> perPod = new TreeMap<>();
        for (GpuSample sample : utilization) {
            if (usable(namespace, sample)) {
                perPod.computeIfAbsent(sample.pod(), p -> new LinkedHashMap<>()).putIfAbsent(sample.gpu(), clamp(sample.value() / 100));
            }
        }
        return means(perPod);
    }

    /**
     * GPU memory 0..1 per pod: on each of its GPUs, DCGM_FI_DEV_FB_USED over the memory the pod was assigned there (a share,
     * from {@code assignedMiB}: pod, GPU index, MiB) or else over the card's (FB_USED + FB_FREE); the mean over its GPUs.
     * DCGM measures a card, not a process: on a card shared by several pods the used memory is every tenant's, so the value
     * is an upper bound for each of them.
     */
    public static Map<String, Double> memory(String namespace, List<GpuSample> used, List<GpuSample> free, Map<String, Map<Integer, Integer>> assignedMiB) {
        Map<String, Double> freeByGpu = new HashMap<>();
        for (GpuSample sample : free) {
            if (usable(namespace, sample)) {
                freeByGpu.putIfAbsent(sample.pod() + "|" + sample.gpu(), sample.value());
            }
        }
        Map<String, Map<String, Double>> perPod = new TreeMap<>();
        for (GpuSample sample : used) {
            if (!usable(namespace, sample)) {
                continue;
            }
            Integer assigned = assignedMiB.getOrDefault(sample.pod(), Map.of()).get(sample.index());
            Double freeMiB = freeByGpu.get(sample.pod() + "|" + sample.gpu());
            double total = assigned != null ? assigned : freeMiB == null ? Double.NaN : sample.value() + freeMiB;
            if (!(total > 0)) {
                continue; // No denominator: no data, not zero.
            }
            perPod.computeIfAbsent(sample.pod(), p -> new LinkedHashMap<>()).putIfAbsent(sample.gpu(), Math.max(0, sample.value() / total));
        }
        return means(perPod);
    }

    private static boolean usable(String namespace, GpuSample sample) {
        return sample.pod() != null && !sample.pod().isEmpty() && namespace.equals(sample.namespace()) && Double.isFinite(sample.value())
                && sample.value() >= 0;
    }

    private static double clamp(double value) {
        return Math.max(0, Math.min(1, value));
    }

    private static Map<String, Double> means(Map<String, Map<String, Double>> perPod) {
        Map<String, Double> out = new TreeMap<>();
        perPod.forEach((pod, gpus) -> out.put(pod, gpus.values().stream().mapToDouble(Double::doubleValue).average().orElseThrow()));
        return out;
    }
}
