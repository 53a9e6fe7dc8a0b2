package io.kubegpu.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GpuCatalogTest {
    private static final GpuCatalog CATALOG = GpuCatalog.builtIn();

    private static String resolvedId(String token) {
        ModelMatch match = CATALOG.resolve(token).orElseThrow(() -> new AssertionError("'" + token + "' did not resolve"));
        assertThat(match.isFamily()).as("'%s' should name one model, got %s", token, match.describe()).isFalse();
        return match.smallest().id();
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        // Exact product strings as the NVIDIA driver (nvidia-smi, NVML, DCGM modelName) reports them.
        "Tesla T4                                      | T4",
        "Tesla P4                                      | P4",
        "Tesla P100-PCIE-16GB                          | P100-16GB",
        "Tesla V100-SXM2-16GB                          | V100-16GB",
        "Tesla V100-PCIE-32GB                          | V100-32GB",
        "Tesla V100S-PCIE-32GB                         | V100S",
        "NVIDIA A10                                    | A10",
        "NVIDIA A10G                                   | A10G",
        "NVIDIA A100-SXM4-40GB                         | A100-40GB",
        "NVIDIA A100-SXM4-80GB                         | A100-80GB",
        "NVIDIA A100 80GB PCIe                         | A100-80GB",
        "NVIDIA A800 80GB PCIe LC                      | A800-80GB",
        "NVIDIA H100 80GB HBM3                         | H100-SXM",
        "NVIDIA H100 PCIe                              | H100-PCIE",
        "NVIDIA H100 NVL                               | H100-NVL",
        "NVIDIA H20                                    | H20",
        "NVIDIA H200                                   | H200-SXM",
        "NVIDIA B200                                   | B200",
        "NVIDIA L40S                                   | L40S",
        "NVIDIA GeForce RTX 4090                       | RTX-4090",
        "NVIDIA RTX 6000 Ada Generation                | RTX-6000-ADA",
        "NVIDIA RTX PRO 6000 Blackwell Server Edition  | RTX-PRO-6000",
        "NVIDIA T1000 8GB                              | T1000-8GB",
        // Older drivers drop the NVIDIA prefix on datacenter cards.
        "A100-SXM4-40GB                                | A100-40GB",
        "A100-PCIE-40GB                                | A100-40GB",
        // GPU Feature Discovery labels (nvidia.com/gpu.product): spaces become '-', sharing appends -SHARED.
        "Tesla-T4                                      | T4",
        "NVIDIA-A100-SXM4-80GB                         | A100-80GB",
        "NVIDIA-H100-80GB-HBM3                         | H100-SXM",
        "NVIDIA-GeForce-RTX-4090                       | RTX-4090",
        "Tesla-T4-SHARED                               | T4",
        "NVIDIA-A100-SXM4-40GB-SHARED                  | A100-40GB",
        // AMD node labeller and Ascend chip names.
        "AMD_Instinct_MI300X_OAM                       | MI300X",
        "AMD Instinct MI250X                           | MI250X",
        "Ascend910B3                                   | ASCEND-910B3",
        "Intel(R) Data Center GPU Max 1550             | MAX-1550",
        // Short names users write, in any case and spacing.
        "v100s                                         | V100S",
        "A100-80G                                      | A100-80GB",
        "a100_80g                                      | A100-80GB",
        "RTX4090                                       | RTX-4090",
        "rtx 4090                                      | RTX-4090",
        "A6000                                         | RTX-A6000",
        "MI300X                                        | MI300X",
        "910B4                                         | ASCEND-910B4",
    })
    void resolvesRealProductStringsAndShortNames(String token, String id) {
        assertThat(resolvedId(token)).isEqualTo(id);
    }

    @Test
    void neverMatchesBySubstring() {
        assertThat(resolvedId("A10")).isEqualTo("A10");
        assertThat(resolvedId("A10G")).isEqualTo("A10G");
        assertThat(CATALOG.resolve("A100").orElseThrow().models()).extracting(GpuModel::id).containsExactly("A100-40GB", "A100-80GB");
        assertThat(resolvedId("V100S")).isEqualTo("V100S");
        assertThat(CATALOG.resolve("V100").orElseThrow().models()).extracting(GpuModel::id).doesNotContain("V100S");
        assertThat(resolvedId("L40")).isEqualTo("L40");
        assertThat(resolvedId("L4")).isEqualTo("L4");
    }

    @ParameterizedTest
    @ValueSource(strings = {"A1000", "A", "100", "TESLA", "NVIDIA", "V10", "H1000", "RTX", "", "   ", "NVIDIA-", "SHARED", "T4X"})
    void doesNotResolveUnknownOrPartialTokens(String token) {
        assertThat(CATALOG.resolve(token)).isEmpty();
    }

    @Test
    void familiesResolveToAllSizesSmallestFirst() {
        ModelMatch a100 = CATALOG.resolve("a100").orElseThrow();
        assertThat(a100.isFamily()).isTrue();
        assertThat(a100.smallest().memoryMiB()).isEqualTo(40 * 1024);
        assertThat(a100.describe()).isEqualTo("a100 (A100-40GB, A100-80GB)");
        assertThat(CATALOG.resolve("V100").orElseThrow().smallest().id()).isEqualTo("V100-16GB");
        assertThat(CATALOG.resolve("H100").orElseThrow().models()).extracting(GpuModel::id)
                .containsExactly("H100-PCIE", "H100-SXM", "H100-NVL");
        assertThat(CATALOG.resolve("Ascend910B").orElseThrow().smallest().id()).isEqualTo("ASCEND-910B4");
    }

    @Test
    void theDriversBareProductNameIsOneModelButTheShortNameIsTheFamily() {
        // The driver calls the SXM part "NVIDIA H800"; a user writing H800 means any H800.
        assertThat(resolvedId("NVIDIA H800")).isEqualTo("H800-SXM");
        assertThat(resolvedId("NVIDIA-H800")).isEqualTo("H800-SXM");
        assertThat(CATALOG.resolve("H800").orElseThrow().isFamily()).isTrue();
        assertThat(resolvedId("NVIDIA H200")).isEqualTo("H200-SXM");
        assertThat(CATALOG.resolve("h200").orElseThrow().models()).extracting(GpuModel::id).containsExactly("H200-NVL", "H200-SXM");
    }

    @Test
    void builtInCatalogCoversTheGenerationsAndVendors() {
        List<GpuModel> models = CATALOG.models();
        assertThat(models).hasSizeGreaterThanOrEqualTo(40);
        Set<String> vendors = models.stream().map(GpuModel::vendor).collect(Collectors.toSet());
        assertThat(vendors).containsExactlyInAnyOrder("nvidia", "amd", "ascend", "intel");
        assertThat(models).extracting(GpuModel::id).contains("P4", "T4", "V100-32GB", "A100-80GB", "H100-SXM", "H200-SXM", "B200",
                "MI300X", "ASCEND-910B3", "MAX-1550");
        assertThat(models).allSatisfy(m -> {
            assertThat(m.memoryMiB() % 1024).as(m.id()).isZero();
            assertThat(m.powerWatts()).as(m.id()).isBetween(30, 2000);
        });
    }

    @Test
    void overridesReplaceByIdAndAddNewModels() {
        String yaml = """
                models:
                  - {id: T4, vendor: nvidia, memoryGiB: 15, powerWatts: 70, aliases: ["Tesla T4"]}
                  - id: GB10
                    vendor: nvidia
                    memoryMiB: 122880
                    powerWatts: 140
                    aliases: ["NVIDIA GB10"]
                """;
        GpuCatalog custom = CATALOG.withOverrides(CatalogYaml.read(new StringReader(yaml), "overrides.yaml"));
        assertThat(custom.resolve("Tesla-T4").orElseThrow().smallest().memoryMiB()).isEqualTo(15 * 1024);
        assertThat(custom.resolve("NVIDIA GB10").orElseThrow().smallest().id()).isEqualTo("GB10");
        assertThat(custom.models()).hasSize(CATALOG.models().size() + 1);
        // The built-in catalog is untouched.
        assertThat(CATALOG.resolve("T4").orElseThrow().smallest().memoryMiB()).isEqualTo(16 * 1024);
    }

    @Test
    void refusesOverridesThatClaimAnotherModelsName() {
        String yaml = "models:\n  - {id: MY-T4, vendor: nvidia, memoryGiB: 16, powerWatts: 70, aliases: [\"Tesla T4\"]}\n";
        List<GpuModel> overrides = CatalogYaml.read(new StringReader(yaml), "o.yaml");
        assertThatThrownBy(() -> CATALOG.withOverrides(overrides))
                .isInstanceOf(CatalogException.class).hasMessageContaining("'Tesla T4' is claimed by both T4 and MY-T4");
    }

    @Test
    void refusesAFamilyNamedAfterAnUnrelatedModel() {
        String yaml = "models:\n  - {id: BIG, vendor: nvidia, family: T4, memoryGiB: 64, powerWatts: 70}\n";
        List<GpuModel> overrides = CatalogYaml.read(new StringReader(yaml), "o.yaml");
        assertThatThrownBy(() -> CATALOG.withOverrides(overrides)).isInstanceOf(CatalogException.class).hasMessageContaining("family 'T4'");
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', value = {
        "models: [{vendor: nvidia, memoryGiB: 8, powerWatts: 70}]                      | o.yaml: models[0].id: required",
        "models: [{id: X, memoryGiB: 8, powerWatts: 70}]                               | o.yaml: models[0] (X).vendor: required",
        "models: [{id: X, vendor: nvidia, powerWatts: 70}]                             | give exactly one of memoryGiB and memoryMiB",
        "models: [{id: X, vendor: nvidia, memoryGiB: 8, memoryMiB: 8192, powerWatts: 1}] | give exactly one of memoryGiB and memoryMiB",
        "models: [{id: X, vendor: nvidia, memoryGiB: -8, powerWatts: 70}]              | models[0] (X).memoryGiB: expected a positive whole number, got -8",
        "models: [{id: X, vendor: nvidia, memoryGiB: 8, powerWatts: 70.5}]            | models[0] (X).powerWatts: expected a positive whole number",
        "models: [{id: X, vendor: nvidia, memoryGiB: 8, powerWatts: 70, memory: 8}]    | models[0].memory: unknown field",
        "models: [{id: X, vendor: nvidia, memoryGiB: 8, powerWatts: 70, aliases: T4}]  | models[0] (X).aliases: expected a list of strings",
        "models: [{id: X, vendor: nvidia, memoryGiB: 8, powerWatts: 70, aliases: ['']}] | models[0] (X).aliases[0]: expected a non-empty string",
        "gpus: []                                                                      | expected a mapping with a 'models' list",
        "models: [oops]                                                                | models[0]: expected a mapping",
        "'models: [{id: X'                                                             | not valid YAML",
    })
    void reportsBadCatalogFilesWithTheFieldPath(String yaml, String message) {
        assertThatThrownBy(() -> CatalogYaml.read(new StringReader(yaml), "o.yaml"))
                .isInstanceOf(CatalogException.class).hasMessageContaining(message);
    }
}
