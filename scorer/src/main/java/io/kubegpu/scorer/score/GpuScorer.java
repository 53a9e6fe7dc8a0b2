package io.kubegpu.scorer.score;

import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.catalog.ModelMatch;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores GPUs from their metric windows: {@code 0.5 × core util + 0.2 × memory-copy util + 0.2 × memory
 * used % + 0.1 × power %} by default. Power is relative to the limit DCGM reports, else the catalog's for
 * the reported model. A GPU whose series are missing gets {@link GpuStatus#UNKNOWN}, never a made-up score.
 * Temperature and memory size ride along as health signals; a missing temperature changes nothing.
 * Pure: the Prometheus client and the scheduler around it are adapters.
 */
public final class GpuScorer {
    private final ScoreWeights weights;
    private final Thresholds thresholds;
    private final GpuCatalog catalog;

    public GpuScorer(ScoreWeights weights, Thresholds thresholds, GpuCatalog catalog) {
        this.weights = weights;
        this.thresholds = thresholds;
        this.catalog = catalog;
    }

    /** With the monitor's idle threshold of 10. */
    public GpuScorer(ScoreWeights weights, double lowThreshold, GpuCatalog catalog) {
        this(weights, new Thresholds(Thresholds.DEFAULT.idle(), lowThreshold), catalog);
    }

    public double lowThreshold() {
        return thresholds.low();
    }

    public List<GpuScore> score(List<GpuWindow> windows) {
        List<GpuScore> out = new ArrayList<>(windows.size());
        windows.forEach(w -> out.add(score(w)));
        return out;
    }

    public GpuScore score(GpuWindow window) {
        Attribution who = Attribution.of(window.labels());
        String pod = who.pod();
        String namespace = who.namespace();
        String container = who.container();
        String hostname = who.hostname();
        String model = who.modelName();

        double util = mean(window.gpuUtil());
        double copy = mean(window.memCopy());
        double used = mean(window.fbUsed());
        double free = mean(window.fbFree());
        double power = mean(window.power());
        double clock = mean(window.smClock());
        double total = used + free;
        double temperature = latest(window.temperature());
        double limit = window.powerLimit() != null && window.powerLimit() > 0 ? window.powerLimit() : catalogPowerLimit(model);

        List<String> missing = new ArrayList<>();
        if (Double.isNaN(util)) {
            missing.add("DCGM_FI_DEV_GPU_UTIL");
        }
        if (Double.isNaN(copy)) {
            missing.add("DCGM_FI_DEV_MEM_COPY_UTIL");
        }
        if (Double.isNaN(used) || Double.isNaN(free) || used + free <= 0) {
            missing.add("DCGM_FI_DEV_FB_USED/FB_FREE");
        }
        if (Double.isNaN(power)) {
            missing.add("DCGM_FI_DEV_POWER_USAGE");
        } else if (Double.isNaN(limit)) {
            missing.add("a power limit (no DCGM limit, and model '" + model + "' is not in the catalog)");
        }
        if (!missing.isEmpty()) {
            return new GpuScore(window.gpuId(), pod, namespace, container, hostname, model, util, copy, used, total, power, clock,
                    temperature, Double.NaN, GpuStatus.UNKNOWN, String.join(", ", missing));
        }
        double memoryPercent = 100 * used / (used + free);
        double powerPercent = Math.min(100, 100 * power / limit);
        double score = weights.core() * clamp(util) + weights.memoryCopy() * clamp(copy) + weights.memoryUsed() * clamp(memoryPercent)
                + weights.power() * clamp(powerPercent);
        return new GpuScore(window.gpuId(), pod, namespace, container, hostname, model, util, copy, used, total, power, clock, temperature,
                score, GpuStatus.of(score, thresholds), "");
    }

    private double catalogPowerLimit(String model) {
        if (model == null) {
            return Double.NaN;
        }
        return catalog.resolve(model).map(ModelMatch::smallest).map(m -> (double) m.powerWatts()).orElse(Double.NaN);
    }

    /** Mean of the finite samples; NaN when the series is absent or has none. */
    public static double mean(double[] samples) {
        if (samples == null) {
            return Double.NaN;
        }
        double sum = 0;
        int count = 0;
        for (double sample : samples) {
            if (Double.isFinite(sample)) {
                sum += sample;
                count++;
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    /** The last finite sample: a temperature is a reading of now, which a window mean would blur. NaN when there is none. */
    static double latest(double[] samples) {
        if (samples != null) {
            for (int i = samples.length - 1; i >= 0; i--) {
                if (Double.isFinite(samples[i])) {
                    return samples[i];
                }
            }
        }
        return Double.NaN;
    }

    private static double clamp(double percent) {
        return Math.max(0, Math.min(100, percent));
    }
}
