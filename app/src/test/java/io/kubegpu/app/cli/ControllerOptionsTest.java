package io.kubegpu.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.app.server.ServerSettings;
import io.kubegpu.controllers.elastic.ElasticShrinkController;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The controllers role's settings from serve's command line: each controller gets its options and the settings every role shares. */
class ControllerOptionsTest {
    private static ServerSettings settings(String... args) {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs(args);
        return serve.settings();
    }

    @Test
    void theElasticShrinkReadsRequestsAndGpusWithServesCatalogAndVendors(@TempDir Path dir) throws Exception {
        Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), "apiVersion: v1\nkind: Config\n");
        Path catalog = Files.writeString(dir.resolve("catalog.yaml"),
                "models:\n  - {id: GB10, vendor: nvidia, memoryMiB: 122880, powerWatts: 140, aliases: [NVIDIA GB10]}\n");

        ServerSettings settings = settings("--roles", "controllers", "--kubeconfig", kubeconfig.toString(), "--catalog", catalog.toString(),
                "--vendor", "nvidia,gpu=nvidia.com/gpu", "--vendor", "acme=acme.example/gpu", "--elastic-wait", "7", "--elastic-dry-run", "true");

        // Every known controller runs by default; elastic-shrink is the one that reads requests and GPUs.
        assertThat(settings.controllers().controllers()).filteredOn(ElasticShrinkController.class::isInstance).singleElement()
                .isInstanceOfSatisfying(ElasticShrinkController.class, elastic -> {
            assertThat(elastic.waitTime()).isEqualTo(Duration.ofSeconds(7));
            assertThat(elastic.dryRun()).isTrue();
            // The model of --catalog and the vendor of --vendor, as the extender sees them.
            assertThat(elastic.config().catalog().resolve("GB10")).isPresent();
            assertThat(elastic.config().vendors().all()).extracting(v -> v.resource()).contains("acme.example/gpu");
            assertThat(elastic.grammar().vendors().all()).extracting(v -> v.resource()).contains("acme.example/gpu");
        });
    }

    @Test
    void withoutCatalogOrVendorsItUsesTheBuiltInOnes(@TempDir Path dir) throws Exception {
        Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), "apiVersion: v1\nkind: Config\n");

        ServerSettings settings = settings("--roles", "controllers", "--kubeconfig", kubeconfig.toString());

        ElasticShrinkController elastic = settings.controllers().controllers().stream().filter(ElasticShrinkController.class::isInstance)
                .map(ElasticShrinkController.class::cast).findFirst().orElseThrow();
        assertThat(elastic.waitTime()).isEqualTo(Duration.ofSeconds(60));
        assertThat(elastic.dryRun()).isFalse();
        assertThat(elastic.config().catalog().resolve("GB10")).isEmpty();
        assertThat(elastic.config().vendors().all()).extracting(v -> v.resource()).doesNotContain("acme.example/gpu");
    }
}
