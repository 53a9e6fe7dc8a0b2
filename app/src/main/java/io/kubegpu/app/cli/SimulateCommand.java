package io.kubegpu.app.cli;

import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.simulator.Simulation;
import io.kubegpu.simulator.policy.Policies;
import io.kubegpu.simulator.replay.RunResult;
import io.kubegpu.simulator.report.PublishedResults;
import io.kubegpu.simulator.report.ReportWriter;
import io.kubegpu.simulator.report.Summary;
import io.kubegpu.simulator.trace.TraceCatalog;
import io.kubegpu.simulator.trace.TraceNode;
import io.kubegpu.simulator.trace.TraceReader;
import io.kubegpu.simulator.trace.TraceTask;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code simulate}: replay GPU cluster traces through the extender's decision code under several policies. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Replay traces (Alibaba GPU v2023 CSVs) through the extender's filter and placement code: each seed shuffles "
                + "the tasks, pads them to --ratio x cluster GPU capacity, and submits them one at a time (arrivals only). "
                + "Prints unallocated GPU % at 100% arrived per policy and writes CSV, JSON, Markdown and charts to --out.")
final class SimulateCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--nodes", required = true, paramLabel = "CSV", description = "Node list (sn,cpu_milli,memory_mib,gpu,model).")
    private Path nodes;

    @Option(names = "--tasks", required = true, split = ",", paramLabel = "CSV",
            description = "Task list(s) (name,cpu_milli,memory_mib,num_gpu,gpu_milli[,gpu_spec]); each is one trace.")
    private List<Path> tasks;

    @Option(names = "--policies", split = ",", paramLabel = "NAME",
            description = "Policies to run (default: all): random, dotprod, gpu-clustering, gpu-packing, bestfit, fgd, fragmentation.")
    private List<String> policies;

    @Option(names = "--seeds", defaultValue = "10", description = "Seeds per trace and policy (default: ${DEFAULT-VALUE}).")
    private int seeds;

    @Option(names = "--first-seed", defaultValue = "42", description = "First seed; the rest follow (default: ${DEFAULT-VALUE}, as published).")
    private long firstSeed;

    @Option(names = "--ratio", defaultValue = "1.3", description = "Arrived GPU demand to pad to, x cluster capacity (default: ${DEFAULT-VALUE}).")
    private double ratio;

    @Option(names = "--gpu-memory", defaultValue = "none", paramLabel = "none|catalog",
            description = "none (default: the trace has no GPU memory, shares hold compute only) or catalog (each GPU gets its "
                    + "catalog memory and shares hold memory in proportion; G1-G3 are placeholders).")
    private String gpuMemory;

    @Option(names = "--published", paramLabel = "DIR",
            description = "Folder with the authors' analysis_allo_discrete.csv, to print the published means beside ours.")
    private Path published;

    @Option(names = "--out", defaultValue = "simulation-results", paramLabel = "DIR", description = "Where results go (default: ${DEFAULT-VALUE}).")
    private Path out;

    @Option(names = "--threads", defaultValue = "0", description = "Parallel runs (default: one per CPU).")
    private int threads;

    @Option(names = "--limit-nodes", defaultValue = "0", paramLabel = "N", description = "Use only the first N nodes (a quick slice).")
    private int limitNodes;

    @Option(names = "--limit-tasks", defaultValue = "0", paramLabel = "N", description = "Use only the first N tasks of each trace (a quick slice).")
    private int limitTasks;

    @Override
    public Integer call() throws Exception {
        if (seeds < 1) {
            throw new ParameterException(spec.commandLine(), "--seeds must be at least 1");
        }
        if (!(ratio > 0)) {
            throw new ParameterException(spec.commandLine(), "--ratio must be positive");
        }
        boolean memoryFromCatalog = switch (gpuMemory.toLowerCase(Locale.ROOT)) {
            case "none" -> false;
            case "catalog" -> true;
            default -> throw new ParameterException(spec.commandLine(), "--gpu-memory '" + gpuMemory + "' is not none or catalog");
        };
        List<String> chosen = policies == null || policies.isEmpty() ? Policies.names() : policies;
        for (String policy : chosen) {
            if (!Policies.names().contains(policy)) {
                throw new ParameterException(spec.commandLine(), "unknown policy '" + policy + "'; known: " + String.join(", ", Policies.names()));
            }
        }
        List<TraceNode> cluster = slice(TraceReader.nodes(nodes), limitNodes);
        GpuCatalog catalog = TraceCatalog.over(GpuCatalog.builtIn());
        PublishedResults paper = published == null ? PublishedResults.none() : PublishedResults.read(published);
        Simulation simulation = new Simulation(cluster, catalog, memoryFromCatalog, ratio);
        List<Long> seedList = new ArrayList<>();
        for (int i = 0; i < seeds; i++) {
            seedList.add(firstSeed + i);
        }
        int parallel = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        PrintWriter stdout = spec.commandLine().getOut();
        List<RunResult> runs = new ArrayList<>();
        for (Path file : tasks) {
            String trace = file.getFileName().toString().replaceAll("\\.csv$", "");
            List<TraceTask> traceTasks = slice(TraceReader.tasks(file), limitTasks);
            long started = System.nanoTime();
            runs.addAll(simulation.runAll(trace, traceTasks, chosen, seedList, parallel));
            stdout.printf(Locale.ROOT, "%s: %d tasks, %d nodes, %d policies x %d seeds in %.1f s%n", trace, traceTasks.size(), cluster.size(),
                    chosen.size(), seeds, (System.nanoTime() - started) / 1e9);
        }
        List<Summary> summaries = Summary.of(runs, paper);
        stdout.println();
        stdout.print(ReportWriter.markdown(summaries));
        stdout.println();
        for (Path written : ReportWriter.write(out, runs, summaries)) {
            stdout.println("wrote " + written);
        }
        return Cli.OK;
    }

    private static <T> List<T> slice(List<T> items, int limit) {
        return limit > 0 && limit < items.size() ? List.copyOf(items.subList(0, limit)) : items;
    }
}
