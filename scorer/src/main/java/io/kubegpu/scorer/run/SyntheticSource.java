package io.kubegpu.scorer.run;

import io.kubegpu.scorer.score.GpuWindow;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Made-up DCGM windows for the embedded demo, so scores, statuses and the extender's live load can be
 * seen with no Prometheus. Each GPU gets a fixed load profile (busy, normal, low, idle or bursty) chosen
 * from its host and index, with a little movement over time. Never used against a real cluster.
 */
public final class SyntheticSource implements UtilizationSource {
    /** One GPU of the demo cluster; {@code pod} and {@code namespace} may be null for a free GPU. */
    public record SyntheticGpu(String host, int index, String modelName, int memoryMiB, int powerWatts, String pod, String namespace) {
    }

    enum Profile { BUSY, NORMAL, LOW, IDLE, BURSTY }

    private static final long STEP_SECONDS = 30;
    private final List<SyntheticGpu> gpus;

    public SyntheticSource(List<SyntheticGpu> gpus) {
        this.gpus = List.copyOf(gpus);
    }

    @Override
    public Future<List<GpuWindow>> fetch(Instant end, Duration window) {
        int samples = (int) Math.max(1, window.toSeconds() / STEP_SECONDS);
        long first = end.getEpochSecond() / STEP_SECONDS - samples;
        List<GpuWindow> out = new ArrayList<>(gpus.size());
        for (SyntheticGpu gpu : gpus) {
            out.add(window(gpu, first, samples));
        }
        return Future.succeededFuture(out);
    }

    static Profile profile(SyntheticGpu gpu) {
        return Profile.values()[Math.floorMod((gpu.host() + "/" + gpu.index()).hashCode(), Profile.values().length)];
    }

    private static GpuWindow window(SyntheticGpu gpu, long firstStep, int samples) {
        Profile profile = profile(gpu);
        double[] util = new double[samples];
        double[] copy = new double[samples];
        double[] used = new double[samples];
        double[] free = new double[samples];
        double[] power = new double[samples];
        double[] clock = new double[samples];
        double[] temperature = new double[samples];
        for (int i = 0; i < samples; i++) {
            long step = firstStep + i;
            double wobble = Math.sin(step / 5.0 + gpu.index()) * 3;
            double load = switch (profile) {
                case BUSY -> 90 + wobble;
                case NORMAL -> 50 + wobble;
                case LOW -> 14 + wobble / 2;
                case IDLE -> Math.max(0, wobble / 3);
                case BURSTY -> step % 4 == 0 ? 95 : 3;
            };
            util[i] = Math.max(0, Math.min(100, load));
            copy[i] = util[i] * 0.6;
            double memoryShare = profile == Profile.IDLE ? 0.02 : Math.min(0.95, 0.2 + util[i] / 130);
            used[i] = Math.round(gpu.memoryMiB() * memoryShare);
            free[i] = gpu.memoryMiB() - used[i];
            power[i] = gpu.powerWatts() * (0.15 + 0.8 * util[i] / 100);
            clock[i] = util[i] < 5 ? 300 : 1380;
            temperature[i] = Math.round(32 + 45 * util[i] / 100 + wobble);
        }
        Map<String, String> labels = new HashMap<>();
        labels.put("UUID", "GPU-synthetic-" + gpu.host() + "-" + gpu.index());
        labels.put("gpu", Integer.toString(gpu.index()));
        labels.put("Hostname", gpu.host());
        labels.put("modelName", gpu.modelName());
        if (gpu.pod() != null) {
            labels.put("pod", gpu.pod());
            labels.put("namespace", gpu.namespace());
        }
        return new GpuWindow(labels.get("UUID"), labels, util, copy, used, free, power, clock, (double) gpu.powerWatts(), temperature);
    }

    @Override
    public String describe() {
        return "synthetic utilization (embedded demo, " + gpus.size() + " GPUs)";
    }
}
