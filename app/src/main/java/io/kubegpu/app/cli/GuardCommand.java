package io.kubegpu.app.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.kubegpu.catalog.GpuModel;
import io.kubegpu.guard.MemoryGuard;
import io.kubegpu.guard.ModelVerdict;
import io.kubegpu.request.GpuRequest;
import io.kubegpu.request.GpuRequestParser;
import io.kubegpu.request.InvalidGpuRequestException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code guard}: which catalog models could ever satisfy a request. Exit 0 if any, 1 if none, 2 if invalid. */
@Command(name = "guard", mixinStandardHelpOptions = true,
        description = "Say which GPU models could ever satisfy a request (the memory guard).")
final class GuardCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private GrammarOptions grammar;

    @Parameters(index = "0", paramLabel = "REQUEST", description = "A request such as 40G,0.5 or 2(V100|T4).")
    private String input;

    @Option(names = "--min-gpu-memory", paramLabel = "MEM",
            description = "Total GPU memory the pod needs over all its GPUs, as in the " + MemoryGuard.MIN_MEMORY_ANNOTATION + " annotation (e.g. 40G).")
    private String minGpuMemory;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    private boolean json;

    @Override
    public Integer call() {
        GpuRequestParser parser = grammar.parser();
        PrintWriter out = spec.commandLine().getOut();
        GpuRequest request;
        int minTotalMiB;
        try {
            request = parser.parse(input);
            minTotalMiB = minGpuMemory == null ? 0 : parser.parseMemoryMiB(minGpuMemory);
        } catch (InvalidGpuRequestException e) {
            String which = minGpuMemory != null && isValid(parser, input) ? minGpuMemory : input;
            if (json) {
                out.println(RequestJson.GSON.toJson(RequestJson.invalid(which, e.error())));
            } else {
                spec.commandLine().getErr().println("invalid '" + which + "': " + e.error());
            }
            return Cli.INVALID_INPUT;
        }
        List<ModelVerdict> verdicts = new MemoryGuard(grammar.catalog()).feasibility(request, minTotalMiB);
        boolean anyFits = verdicts.stream().anyMatch(v -> v.verdict().fits());
        if (json) {
            out.println(RequestJson.GSON.toJson(toJson(request, minTotalMiB, verdicts, anyFits)));
        } else {
            printText(out, request, verdicts, anyFits);
        }
        return anyFits ? Cli.OK : Cli.NO_FIT;
    }

    private static boolean isValid(GpuRequestParser parser, String input) {
        try {
            parser.parse(input);
            return true;
        } catch (InvalidGpuRequestException e) {
            return false;
        }
    }

    private JsonObject toJson(GpuRequest request, int minTotalMiB, List<ModelVerdict> verdicts, boolean anyFits) {
        JsonObject out = new JsonObject();
        out.addProperty("input", input);
        out.addProperty("ok", true);
        out.addProperty("canonical", request.canonical());
        out.addProperty("minGpuMemoryMiB", minTotalMiB > 0 ? minTotalMiB : null);
        out.addProperty("fits", anyFits);
        JsonArray models = new JsonArray();
        for (ModelVerdict v : verdicts) {
            JsonObject model = new JsonObject();
            model.addProperty("token", v.token());
            model.addProperty("known", v.known());
            JsonArray ids = new JsonArray();
            if (v.known()) {
                v.match().models().stream().map(GpuModel::id).forEach(ids::add);
            }
            model.add("models", ids);
            model.addProperty("memoryMiB", v.known() ? v.match().smallest().memoryMiB() : null);
            model.addProperty("fits", v.verdict().fits());
            model.addProperty("reason", v.verdict().fits() ? null : v.verdict().reason());
            models.add(model);
        }
        out.add("models", models);
        return out;
    }

    private static void printText(PrintWriter out, GpuRequest request, List<ModelVerdict> verdicts, boolean anyFits) {
        List<ModelVerdict> fitting = verdicts.stream().filter(v -> v.verdict().fits()).toList();
        List<ModelVerdict> refused = verdicts.stream().filter(v -> !v.verdict().fits()).toList();
        out.println(request.canonical() + ": " + (anyFits ? fitting.size() + " of " + verdicts.size() + " candidate models fit"
                : "no GPU model can ever satisfy this request"));
        if (!fitting.isEmpty()) {
            out.println("fits: " + String.join(", ", fitting.stream().map(v -> v.known() ? v.match().describe() : v.token()).toList()));
        }
        if (!request.models().isEmpty()) {
            refused.forEach(v -> out.println("no:   " + v.verdict().reason()));
        } else if (!anyFits) {
            // The whole catalog refused: the largest cards' reasons say how far off the request is.
            refused.stream()
                    .sorted(java.util.Comparator.comparingInt((ModelVerdict v) -> v.match().smallest().memoryMiB()).reversed())
                    .limit(3)
                    .forEach(v -> out.println("no:   " + v.verdict().reason()));
        }
    }
}
