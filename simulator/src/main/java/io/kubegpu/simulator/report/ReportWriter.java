package io.kubegpu.simulator.report;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.kubegpu.simulator.replay.RunResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Writes a simulation's results: {@code runs.csv} (one row per run), {@code curves.csv} (per run and arrived %),
 * {@code summary.json}, {@code summary.md} (the table) and, per trace, {@code unallocated-<trace>.png}: mean
 * unallocated GPU % against arrived workload from 75% to 130% for each policy.
 */
public final class ReportWriter {
    static final int CHART_FROM = 75;

    private ReportWriter() {
    }

    /** Returns the files written. */
    public static List<Path> write(Path folder, List<RunResult> runs, List<Summary> summaries) {
        try {
            Files.createDirectories(folder);
            List<Path> written = new ArrayList<>();
            written.add(runsCsv(folder.resolve("runs.csv"), runs));
            written.add(curvesCsv(folder.resolve("curves.csv"), runs));
            written.add(json(folder.resolve("summary.json"), summaries));
            written.add(Files.writeString(folder.resolve("summary.md"), markdown(summaries), StandardCharsets.UTF_8));
            Map<String, List<Summary>> byTrace = new LinkedHashMap<>();
            summaries.forEach(s -> byTrace.computeIfAbsent(s.trace(), k -> new ArrayList<>()).add(s));
            for (Map.Entry<String, List<Summary>> trace : byTrace.entrySet()) {
                written.add(chart(folder.resolve("unallocated-" + trace.getKey() + ".png"), trace.getKey(), trace.getValue()));
            }
            return written;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write results to " + folder + ": " + e.getMessage(), e);
        }
    }

    /** The comparison table, Markdown. */
    public static String markdown(List<Summary> summaries) {
        StringBuilder out = new StringBuilder();
        out.append("| trace | policy | seeds | unallocated GPU % at 100% arrived (mean ± sd) | published mean | difference | ")
                .append("fragmentation % of capacity | fragmentation % of idle | failed tasks |\n");
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Summary s : summaries) {
            out.append("| ").append(s.trace()).append(" | ").append(s.policy()).append(" | ").append(s.seeds()).append(" | ")
                    .append(fmt(s.unallocatedMean())).append(" ± ").append(fmt(s.unallocatedStdDev())).append(" | ")
                    .append(s.published().isPresent() ? fmt(s.published().getAsDouble()) : "–").append(" | ")
                    .append(s.published().isPresent() ? signed(s.unallocatedMean() - s.published().getAsDouble()) : "–").append(" | ")
                    .append(fmt(s.fragAmountMean())).append(" | ").append(fmt(s.fragRateMean())).append(" | ")
                    .append(String.format(Locale.ROOT, "%.0f", s.failedTasksMean())).append(" |\n");
        }
        return out.toString();
    }

    private static Path runsCsv(Path file, List<RunResult> runs) throws IOException {
        try (CSVPrinter csv = new CSVPrinter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), CSVFormat.DEFAULT)) {
            csv.printRecord("trace", "policy", "seed", "unallocated_at_100", "frag_amount_at_100", "frag_rate_at_100", "failed_tasks",
                    "tasks", "capacity_gpu_milli");
            for (RunResult run : runs) {
                Curve curve = Curve.of(run);
                csv.printRecord(run.trace(), run.policy(), run.seed(), fmt(curve.unallocatedAt(Summary.HEADLINE)),
                        fmt(curve.fragAmount()[Summary.HEADLINE]), fmt(curve.fragRate()[Summary.HEADLINE]), run.failedTasks(), run.tasks(),
                        run.capacityMilli());
            }
        }
        return file;
    }

    private static Path curvesCsv(Path file, List<RunResult> runs) throws IOException {
        try (CSVPrinter csv = new CSVPrinter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), CSVFormat.DEFAULT)) {
            csv.printRecord("trace", "policy", "seed", "arrived_pct", "allocated_pct", "unallocated_pct", "frag_amount_pct", "frag_rate_pct");
            for (RunResult run : runs) {
                Curve curve = Curve.of(run);
                for (int x = 0; x <= Curve.MAX; x++) {
                    if (!Double.isNaN(curve.allocated()[x])) {
                        csv.printRecord(run.trace(), run.policy(), run.seed(), x, fmt(curve.allocated()[x]), fmt(curve.unallocatedAt(x)),
                                fmt(curve.fragAmount()[x]), fmt(curve.fragRate()[x]));
                    }
                }
            }
        }
        return file;
    }

    private static Path json(Path file, List<Summary> summaries) throws IOException {
        JsonArray rows = new JsonArray();
        for (Summary s : summaries) {
            JsonObject row = new JsonObject();
            row.addProperty("trace", s.trace());
            row.addProperty("policy", s.policy());
            row.addProperty("seeds", s.seeds());
            put(row, "unallocatedAt100Mean", s.unallocatedMean());
            put(row, "unallocatedAt100StdDev", s.unallocatedStdDev());
            if (s.published().isPresent()) {
                put(row, "publishedUnallocatedAt100Mean", s.published().getAsDouble());
            }
            put(row, "fragAmountAt100Mean", s.fragAmountMean());
            put(row, "fragRateAt100Mean", s.fragRateMean());
            put(row, "failedTasksMean", s.failedTasksMean());
            JsonObject curve = new JsonObject();
            for (int x = CHART_FROM; x <= Curve.MAX; x++) {
                put(curve, String.valueOf(x), s.meanUnallocatedCurve()[x]);
            }
            row.add("unallocatedByArrivedPct", curve);
            rows.add(row);
        }
        Files.writeString(file, new GsonBuilder().setPrettyPrinting().create().toJson(rows), StandardCharsets.UTF_8);
        return file;
    }

    private static Path chart(Path file, String trace, List<Summary> summaries) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(900).height(560).title("Unallocated GPU vs arrived workload: " + trace)
                .xAxisTitle("arrived workload, % of cluster GPU capacity").yAxisTitle("unallocated GPU, % of capacity").build();
        chart.getStyler().setMarkerSize(3);
        for (Summary s : summaries) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (int x = CHART_FROM; x <= Curve.MAX; x++) {
                if (!Double.isNaN(s.meanUnallocatedCurve()[x])) {
                    xs.add((double) x);
                    ys.add(s.meanUnallocatedCurve()[x]);
                }
            }
            if (!xs.isEmpty()) {
                chart.addSeries(s.policy(), xs, ys).setMarker(SeriesMarkers.NONE);
            }
        }
        BitmapEncoder.saveBitmap(chart, file.toString().replaceAll("\\.png$", ""), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    private static String fmt(double value) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.2f", value);
    }

    private static String signed(double value) {
        return String.format(Locale.ROOT, "%+.2f", value);
    }

    /** JSON has no NaN: a measure a run never reached is left out. */
    private static void put(JsonObject object, String key, double value) {
        if (!Double.isNaN(value)) {
            object.addProperty(key, Math.round(value * 100) / 100.0);
        }
    }
}
