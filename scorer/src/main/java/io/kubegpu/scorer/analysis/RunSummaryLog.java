package io.kubegpu.scorer.analysis;

import io.kubegpu.scorer.score.GpuScore;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each run as the monitor did: a summary table of every GPU at info level, and one warning line
 * listing the low-utilization GPUs. Once per interval, never on the scheduling path.
 */
public final class RunSummaryLog implements AnalysisListener {
    private static final Logger LOG = LoggerFactory.getLogger("io.kubegpu.scorer.summary");
    /** Beyond this many GPUs the table is cut; the REST API has them all. */
    private static final int MAX_ROWS = 200;

    @Override
    public void analyzed(AnalysisSnapshot snapshot, Duration took) {
        if (LOG.isInfoEnabled()) {
            LOG.info("GPU analysis of {} GPUs in {} ms{}", snapshot.scores().size(), took.toMillis(), table(snapshot));
        }
        var low = snapshot.low();
        if (!low.isEmpty()) {
            LOG.warn("{} GPUs under the low-utilization threshold {}: {}", low.size(), snapshot.threshold(), lowList(low));
        }
    }

    /** Beyond this many GPUs the warning line is cut: a large idle cluster would otherwise log a line of megabytes. */
    static final int MAX_LOW_LISTED = 50;

    /** The low-utilization GPUs as the warning lists them, the first {@value #MAX_LOW_LISTED} and how many more. */
    static String lowList(java.util.List<GpuScore> low) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < Math.min(low.size(), MAX_LOW_LISTED); i++) {
            GpuScore gpu = low.get(i);
            line.append(line.length() == 0 ? "" : ", ").append(gpu.gpuId()).append(" (").append(gpu.namespace()).append('/')
                    .append(gpu.pod()).append(String.format(Locale.ROOT, " %.1f %s)", gpu.score(), gpu.status().label()));
        }
        if (low.size() > MAX_LOW_LISTED) {
            line.append(String.format(Locale.ROOT, " … %d more (GET /results/low lists them all)", low.size() - MAX_LOW_LISTED));
        }
        return line.toString();
    }

    @Override
    public void failed(Throwable error, AnalysisSnapshot kept, Duration took) {
        // The analyzer already logged the failure with its cause.
    }

    static String table(AnalysisSnapshot snapshot) {
        StringBuilder out = new StringBuilder();
        String format = "%n%-40s %-22s %-28s %-16s %6s %6s %9s %7s %6s %-7s";
        out.append(String.format(Locale.ROOT, format, "GPU", "NAMESPACE", "POD", "HOST", "UTIL%", "COPY%", "MEM_MiB", "POWER_W",
                "SCORE", "STATUS"));
        int rows = 0;
        for (GpuScore gpu : snapshot.scores()) {
            if (rows++ == MAX_ROWS) {
                out.append(String.format(Locale.ROOT, "%n… %d more", snapshot.scores().size() - MAX_ROWS));
                break;
            }
            out.append(String.format(Locale.ROOT, format, gpu.gpuId(), Objects.toString(gpu.namespace(), "-"), Objects.toString(gpu.pod(), "-"),
                    Objects.toString(gpu.hostname(), "-"), num(gpu.gpuUtil()), num(gpu.memCopy()), num(gpu.memUsedMiB()),
                    num(gpu.powerWatts()), num(gpu.score()), gpu.status().label()));
        }
        return out.toString();
    }

    private static String num(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.1f", value) : "-";
    }
}
