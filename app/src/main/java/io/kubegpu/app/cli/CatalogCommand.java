package io.kubegpu.app.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.catalog.GpuModel;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code catalog}: the GPU models known, with their memory, power and aliases. */
@Command(name = "catalog", mixinStandardHelpOptions = true, description = "List the GPU catalog (built-in plus --catalog overrides).")
final class CatalogCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private GrammarOptions grammar;

    @Option(names = "--json", description = "Print one JSON object per model instead of a table.")
    private boolean json;

    @Override
    public Integer call() {
        GpuCatalog catalog = grammar.catalog();
        PrintWriter out = spec.commandLine().getOut();
        if (!json) {
            out.println(String.format(Locale.ROOT, "%-14s %-7s %-12s %8s %7s  %s", "MODEL", "VENDOR", "FAMILY", "MEMORY", "POWER", "ALIASES"));
        }
        for (GpuModel model : catalog.models()) {
            if (json) {
                out.println(RequestJson.GSON.toJson(toJson(model)));
            } else {
                out.println(String.format(Locale.ROOT, "%-14s %-7s %-12s %5d GiB %5d W  %s", model.id(), model.vendor(), model.family(),
                        model.memoryMiB() / 1024, model.powerWatts(), String.join(", ", model.aliases())));
            }
        }
        return Cli.OK;
    }

    private static JsonObject toJson(GpuModel model) {
        JsonObject out = new JsonObject();
        out.addProperty("id", model.id());
        out.addProperty("vendor", model.vendor());
        out.addProperty("family", model.family());
        out.addProperty("memoryMiB", model.memoryMiB());
        out.addProperty("powerWatts", model.powerWatts());
        JsonArray aliases = new JsonArray();
        model.aliases().forEach(aliases::add);
        out.add("aliases", aliases);
        return out;
    }
}
