package io.kubegpu.scorer.score;

import java.util.Map;

/**
 * One GPU's DCGM samples over the analysis window, as Prometheus returned them, with the labels of its
 * series. A series that was not returned is {@code null}; an empty array means no samples.
 *
 * @param gpuId       the GPU's UUID
 * @param labels      labels of its series (pod, namespace, container or their exported_ forms, Hostname, modelName, …)
 * @param gpuUtil     DCGM_FI_DEV_GPU_UTIL, percent
 * @param memCopy     DCGM_FI_DEV_MEM_COPY_UTIL, percent
 * @param fbUsed      DCGM_FI_DEV_FB_USED, MiB
 * @param fbFree      DCGM_FI_DEV_FB_FREE, MiB
 * @param power       DCGM_FI_DEV_POWER_USAGE, watts
 * @param smClock     DCGM_FI_DEV_SM_CLOCK, MHz
 * @param powerLimit  the card's power limit in watts when DCGM reports it, else {@code null}
 * @param temperature DCGM_FI_DEV_GPU_TEMP, °C; a health signal only, never part of the score
 */
public record GpuWindow(String gpuId, Map<String, String> labels, double[] gpuUtil, double[] memCopy, double[] fbUsed, double[] fbFree,
                        double[] power, double[] smClock, Double powerLimit, double[] temperature) {
    public GpuWindow {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** A window without a temperature series (exporters that do not collect it, most tests). */
    public GpuWindow(String gpuId, Map<String, String> labels, double[] gpuUtil, double[] memCopy, double[] fbUsed, double[] fbFree,
                     double[] power, double[] smClock, Double powerLimit) {
        this(gpuId, labels, gpuUtil, memCopy, fbUsed, fbFree, power, smClock, powerLimit, null);
    }

    /** Which GPU and workload these series are of. */
    public GpuKey key() {
        Attribution who = Attribution.of(labels);
        return new GpuKey(gpuId, who.namespace(), who.pod());
    }
}
