package io.kubegpu.scorer.it;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntToDoubleFunction;

/**
 * Writes dcgm-exporter series as OpenMetrics text for promtool: one sample every 30 s (the exporter's
 * default collect interval) for each GPU's labels, grouped by metric family as the format requires. Shared with the
 * end-to-end tier (test-jar).
 */
public final class DcgmOpenMetrics {
    private final Instant from;
    private final Instant to;
    private final Map<String, List<String>> families = new LinkedHashMap<>();

    public DcgmOpenMetrics(Instant from, Instant to) {
        this.from = from;
        this.to = to;
    }

    /** Adds {@code metric} for a GPU; {@code value} gets the sample number (0, 1, …). */
    public DcgmOpenMetrics series(String metric, Map<String, String> labels, IntToDoubleFunction value) {
        List<String> lines = families.computeIfAbsent(metric, m -> new ArrayList<>());
        StringBuilder selector = new StringBuilder("{");
        labels.forEach((k, v) -> selector.append(selector.length() > 1 ? "," : "").append(k).append("=\"").append(v).append('"'));
        selector.append('}');
        int i = 0;
        for (long t = from.getEpochSecond(); t <= to.getEpochSecond(); t += 30, i++) {
            lines.add(metric + selector + " " + String.format(Locale.ROOT, "%.3f", value.applyAsDouble(i)) + " " + t);
        }
        return this;
    }

    /** The five default fields the scorer needs, constant but for what {@code util} says. */
    public DcgmOpenMetrics gpu(Map<String, String> labels, IntToDoubleFunction util, IntToDoubleFunction copy, double fbUsed, double fbFree,
                        IntToDoubleFunction power, boolean withCopy) {
        series("DCGM_FI_DEV_GPU_UTIL", labels, util);
        if (withCopy) {
            series("DCGM_FI_DEV_MEM_COPY_UTIL", labels, copy);
        }
        series("DCGM_FI_DEV_FB_USED", labels, i -> fbUsed);
        series("DCGM_FI_DEV_FB_FREE", labels, i -> fbFree);
        series("DCGM_FI_DEV_POWER_USAGE", labels, power);
        series("DCGM_FI_DEV_SM_CLOCK", labels, i -> 1380);
        return this;
    }

    public String text() {
        StringBuilder out = new StringBuilder();
        families.forEach((metric, lines) -> {
            out.append("# HELP ").append(metric).append(" generated for the scorer's tests\n");
            out.append("# TYPE ").append(metric).append(" gauge\n");
            lines.forEach(line -> out.append(line).append('\n'));
        });
        return out.append("# EOF\n").toString();
    }
}
