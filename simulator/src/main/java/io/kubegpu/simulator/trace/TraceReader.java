package io.kubegpu.simulator.trace;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads the Alibaba GPU trace (cluster-trace-gpu-v2023) CSVs: {@code openb_node_list_*.csv}
 * ({@code sn,cpu_milli,memory_mib,gpu,model}) and {@code openb_pod_list_*.csv}
 * ({@code name,cpu_milli,memory_mib,num_gpu,gpu_milli[,gpu_spec,...]}). Columns are found by header name,
 * extra columns are ignored, and a bad value stops the read with its file and line.
 */
public final class TraceReader {
    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(true).get();
    private static final Set<String> NONE = Set.of("", "nan", "NaN", "null");

    private TraceReader() {
    }

    public static List<TraceNode> nodes(Path file) {
        java.util.Set<String> names = new java.util.HashSet<>();
        return read(file, (record, where) -> {
            if (!names.add(record.get("sn"))) {
                // Two rows would share one node of the extender's state: GPUs booked twice.
                throw new TraceFormatException(where + ": node " + record.get("sn") + " is listed twice");
            }
            int gpus = intField(record, "gpu", where);
            String model = record.get("model");
            if (gpus < 0 || gpus > 64) {
                throw new TraceFormatException(where + ": gpu must be within 0..64, got " + gpus);
            }
            if (gpus > 0 && NONE.contains(model)) {
                throw new TraceFormatException(where + ": a node with GPUs needs a model");
            }
            return new TraceNode(record.get("sn"), intField(record, "cpu_milli", where), longField(record, "memory_mib", where), gpus,
                    gpus == 0 ? null : model);
        }, "sn", "cpu_milli", "memory_mib", "gpu", "model");
    }

    public static List<TraceTask> tasks(Path file) {
        return read(file, (record, where) -> {
            int gpus = intField(record, "num_gpu", where);
            int milli = intField(record, "gpu_milli", where);
            if (gpus == 0) {
                milli = 0; // CPU-only tasks carry no share
            } else if (milli <= 0 || milli > 1000) {
                throw new TraceFormatException(where + ": gpu_milli must be within 1..1000 for a GPU task, got " + milli);
            } else if (gpus > 1 && milli != 1000) {
                throw new TraceFormatException(where + ": a task with " + gpus + " GPUs must take whole GPUs (gpu_milli 1000), got " + milli);
            }
            String spec = record.isMapped("gpu_spec") ? record.get("gpu_spec") : "";
            List<String> models = NONE.contains(spec) ? List.of()
                    : Arrays.stream(spec.split("\\|")).map(String::trim).filter(s -> !s.isEmpty()).toList();
            return new TraceTask(record.get("name"), intField(record, "cpu_milli", where), longField(record, "memory_mib", where), gpus, milli,
                    models);
        }, "name", "cpu_milli", "memory_mib", "num_gpu", "gpu_milli");
    }

    private interface RowMapper<T> {
        T map(CSVRecord record, String where);
    }

    private static <T> List<T> read(Path file, RowMapper<T> mapper, String... required) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8); CSVParser parser = FORMAT.parse(reader)) {
            for (String column : required) {
                if (!parser.getHeaderMap().containsKey(column)) {
                    throw new TraceFormatException(file + ": missing column " + column + " (header: " + parser.getHeaderNames() + ")");
                }
            }
            List<T> out = new ArrayList<>();
            for (CSVRecord record : parser) {
                String where = file + ":" + (record.getRecordNumber() + 1);
                if (!record.isConsistent()) {
                    throw new TraceFormatException(where + ": expected " + parser.getHeaderNames().size() + " columns, got " + record.size());
                }
                out.add(mapper.map(record, where));
            }
            if (out.isEmpty()) {
                throw new TraceFormatException(file + ": no rows");
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new TraceFormatException(file + ": " + e.getMessage()); // commons-csv: malformed quoting, duplicate headers
        }
    }

    private static int intField(CSVRecord record, String column, String where) {
        long value = longField(record, column, where);
        if (value > Integer.MAX_VALUE) {
            throw new TraceFormatException(where + ": " + column + " is too large: " + value);
        }
        return (int) value;
    }

    private static long longField(CSVRecord record, String column, String where) {
        String raw = record.get(column);
        try {
            long value = Long.parseLong(raw);
            if (value < 0) {
                throw new TraceFormatException(where + ": " + column + " must not be negative, got " + raw);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new TraceFormatException(where + ": " + column + " must be a whole number, got '" + raw + "'");
        }
    }
}
