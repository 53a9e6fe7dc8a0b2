package io.kubegpu.app.cli;

import io.kubegpu.catalog.CatalogYaml;
import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.request.GpuRequestParser;
import io.kubegpu.request.GrammarConfig;
import io.kubegpu.request.Vendor;
import io.kubegpu.request.Vendors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Options shared by the commands that parse requests: vendors, the GPU cap and catalog overrides. */
final class GrammarOptions {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(names = "--vendor", paramLabel = "NAME[,ALIAS...]=RESOURCE",
            description = "A vendor users may name, e.g. nvidia,gpu=nvidia.com/gpu. Repeat for several; the first is the default."
                    + " Replaces the built-in set (nvidia/gpu, amd, intel, ascend/npu).")
    private List<String> vendors = new ArrayList<>();

    @Option(names = "--max-gpus", paramLabel = "N", defaultValue = "" + GrammarConfig.DEFAULT_MAX_GPUS,
            description = "Most whole GPUs one request may ask for (default: ${DEFAULT-VALUE}).")
    private int maxGpus;

    @Option(names = "--catalog", paramLabel = "FILE",
            description = "YAML file of GPU models that override or extend the built-in catalog.")
    private Path catalogFile;

    GpuRequestParser parser() {
        try {
            Vendors configured = vendors.isEmpty() ? Vendors.defaults() : Vendors.of(vendors.stream().map(this::vendor).toList());
            return new GpuRequestParser(new GrammarConfig(configured, maxGpus));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    GpuCatalog catalog() {
        if (catalogFile == null) {
            return GpuCatalog.builtIn();
        }
        try {
            var reader = Files.newBufferedReader(catalogFile, StandardCharsets.UTF_8);
            return GpuCatalog.builtIn().withOverrides(CatalogYaml.read(reader, catalogFile.toString()));
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "cannot read --catalog " + catalogFile + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private Vendor vendor(String spec) {
        int equals = spec.indexOf('=');
        if (equals <= 0 || equals == spec.length() - 1) {
            throw new IllegalArgumentException("--vendor '" + spec + "' must look like NAME[,ALIAS...]=RESOURCE, e.g. nvidia,gpu=nvidia.com/gpu");
        }
        List<String> names = Arrays.stream(spec.substring(0, equals).split(",")).map(String::trim).toList();
        return new Vendor(names.get(0), names.subList(1, names.size()), spec.substring(equals + 1).trim());
    }
}
