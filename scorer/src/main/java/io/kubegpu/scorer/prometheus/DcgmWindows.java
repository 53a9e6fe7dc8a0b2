package io.kubegpu.scorer.prometheus;

import io.kubegpu.scorer.score.Attribution;
import io.kubegpu.scorer.score.GpuKey;
import io.kubegpu.scorer.score.GpuScorer;
import io.kubegpu.scorer.score.GpuWindow;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Groups range-query series into one {@link GpuWindow} per GPU and workload. A GPU is its {@code UUID}
 * label ({@code uuid} with dcgm-exporter's old namespace; host and index when neither is there); with
 * sharing (dcgm-exporter's virtual-GPU mode) each pod on a GPU has its own series and gets its own
 * window, so each tenant is scored on what it sees. Series of one metric that split over the window
 * (a label such as the driver version changed) are joined. A metric with no series for a GPU stays
 * {@code null}, which the scorer reports as missing. Pure.
 */
public final class DcgmWindows {
    private DcgmWindows() {
    }

    public static List<GpuWindow> assemble(Map<DcgmMetric, List<PromSeries>> byMetric) {
        Map<GpuKey, Builder> gpus = new TreeMap<>();
        for (DcgmMetric metric : DcgmMetric.values()) {
            for (PromSeries series : byMetric.getOrDefault(metric, List.of())) {
                GpuKey key = keyOf(series.labels());
                gpus.computeIfAbsent(key, k -> new Builder()).add(metric, series);
            }
        }
        List<GpuWindow> out = new ArrayList<>(gpus.size());
        gpus.forEach((key, builder) -> out.add(builder.build(key.gpuId())));
        return out;
    }

    private static GpuKey keyOf(Map<String, String> labels) {
        String uuid = labels.getOrDefault("UUID", labels.get("uuid"));
        Attribution who = Attribution.of(labels);
        String gpuId = uuid != null && !uuid.isEmpty() ? uuid : who.hostname() + "/gpu" + labels.getOrDefault("gpu", "?");
        return new GpuKey(gpuId, who.namespace(), who.pod());
    }

    private static final class Builder {
        private final Map<String, String> labels = new HashMap<>();
        private final Map<DcgmMetric, double[]> samples = new EnumMap<>(DcgmMetric.class);

        void add(DcgmMetric metric, PromSeries series) {
            series.labels().forEach((name, value) -> {
                if (!name.equals("__name__")) {
                    labels.putIfAbsent(name, value);
                }
            });
            samples.merge(metric, series.values(), Builder::concat);
        }

        GpuWindow build(String gpuId) {
            double[] limit = samples.get(DcgmMetric.POWER_LIMIT);
            double limitMean = limit == null ? Double.NaN : GpuScorer.mean(limit);
            return new GpuWindow(gpuId, labels, samples.get(DcgmMetric.GPU_UTIL), samples.get(DcgmMetric.MEM_COPY_UTIL),
                    samples.get(DcgmMetric.FB_USED), samples.get(DcgmMetric.FB_FREE), samples.get(DcgmMetric.POWER_USAGE),
                    samples.get(DcgmMetric.SM_CLOCK), Double.isNaN(limitMean) ? null : limitMean, samples.get(DcgmMetric.GPU_TEMP));
        }

        private static double[] concat(double[] a, double[] b) {
            double[] out = java.util.Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, out, a.length, b.length);
            return out;
        }
    }
}
