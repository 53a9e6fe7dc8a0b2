package io.kubegpu.simulator.report;

import io.kubegpu.simulator.trace.TraceFormatException;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The FGD authors' cached results ({@code analysis_allo_discrete.csv} of hkust-adsl/kubernetes-scheduler-simulator):
 * GPU allocation % at each arrived percentage, per workload, policy label ({@code 06-FGD}) and seed.
 */
public final class PublishedResults {
    public static final String FILE = "analysis_allo_discrete.csv";

    private final Map<String, List<double[]>> allocatedByRun;

    private PublishedResults(Map<String, List<double[]>> allocatedByRun) {
        this.allocatedByRun = allocatedByRun;
    }

    public static PublishedResults none() {
        return new PublishedResults(Map.of());
    }

    /** Reads {@value #FILE} from the folder. */
    public static PublishedResults read(Path folder) {
        Path file = folder.resolve(FILE);
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();
        Map<String, List<double[]>> out = new HashMap<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8); CSVParser parser = format.parse(reader)) {
            for (String column : List.of("workload", "sc_policy", "100")) {
                if (!parser.getHeaderMap().containsKey(column)) {
                    throw new TraceFormatException(file + ": missing column " + column);
                }
            }
            for (CSVRecord record : parser) {
                double[] allocated = new double[Curve.MAX + 1];
                for (int x = 0; x <= Curve.MAX; x++) {
                    String value = record.isMapped(String.valueOf(x)) ? record.get(String.valueOf(x)) : "";
                    try {
                        allocated[x] = value.isEmpty() ? Double.NaN : Double.parseDouble(value);
                    } catch (NumberFormatException e) {
                        throw new TraceFormatException(file + ":" + (record.getRecordNumber() + 1) + ": column " + x + " is not a number: '"
                                + value + "'");
                    }
                }
                out.computeIfAbsent(key(record.get("workload"), record.get("sc_policy")), k -> new ArrayList<>()).add(allocated);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return new PublishedResults(out);
    }

    /** Mean unallocated GPU % at {@code arrived}% over the published seeds, if the authors ran that pair. */
    public OptionalDouble meanUnallocated(String workload, String label, int arrived) {
        List<double[]> runs = allocatedByRun.get(key(workload, label));
        if (runs == null || runs.isEmpty()) {
            return OptionalDouble.empty();
        }
        return runs.stream().mapToDouble(allocated -> arrived - allocated[arrived]).filter(v -> !Double.isNaN(v)).average();
    }

    private static String key(String workload, String label) {
        return workload + "\u0000" + label;
    }
}
