package io.kubegpu.scorer.notify;

import io.kubegpu.scorer.analysis.AiVerdict;
import io.kubegpu.scorer.score.GpuKey;
import io.kubegpu.scorer.score.GpuScore;
import io.kubegpu.scorer.wire.Timestamps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One run's message about its low and idle GPUs (those outside the channel's cooldown): the title and one line
 * per GPU and pod naming the GPU, pod, namespace, node, score and status, with the AI's reason when it gave one.
 * A large idle cluster is cut after {@value #MAX_LISTED} lines with how many more there are. Pure: each channel
 * only wraps this text in its own envelope.
 *
 * @param analyzedAt end of the analysis window
 * @param threshold  the low-utilization threshold
 * @param gpus       lowest score first
 * @param verdicts   AI verdicts of those GPUs, by GPU and pod (may be empty)
 */
public record LowGpuReport(Instant analyzedAt, double threshold, List<GpuScore> gpus, Map<GpuKey, AiVerdict> verdicts) {
    static final int MAX_LISTED = 50;

    public LowGpuReport {
        gpus = List.copyOf(gpus);
        verdicts = Map.copyOf(verdicts);
    }

    public String title() {
        return String.format(Locale.ROOT, "%d GPU%s under the low-utilization threshold %s", gpus.size(), gpus.size() == 1 ? "" : "s",
                number(threshold));
    }

    /** One line per GPU and pod, e.g. {@code GPU-1a2b… team-a/notebook-0 on node-3: score 4.2 (idle)}. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < Math.min(gpus.size(), MAX_LISTED); i++) {
            GpuScore gpu = gpus.get(i);
            StringBuilder line = new StringBuilder().append(gpu.gpuId()).append(' ')
                    .append(Objects.toString(gpu.namespace(), "-")).append('/').append(Objects.toString(gpu.pod(), "-"))
                    .append(" on ").append(Objects.toString(gpu.hostname(), "an unknown node"))
                    .append(": score ").append(number(gpu.score())).append(" (").append(gpu.status().label()).append(')');
            AiVerdict verdict = verdicts.get(gpu.key());
            if (verdict != null) {
                line.append(" — AI: ").append(verdict.status()).append(", ").append(verdict.reason());
            }
            out.add(line.toString());
        }
        if (gpus.size() > MAX_LISTED) {
            out.add("… " + (gpus.size() - MAX_LISTED) + " more: GET /results/low lists them all");
        }
        return out;
    }

    /** The whole message as plain text: title, analysis time, the lines. */
    public String text() {
        return title() + "\nAnalysis of " + Timestamps.format(analyzedAt) + "\n" + String.join("\n", lines());
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.1f", value);
    }
}
