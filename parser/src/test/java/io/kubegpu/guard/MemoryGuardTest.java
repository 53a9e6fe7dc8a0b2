package io.kubegpu.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.catalog.ModelMatch;
import io.kubegpu.request.GpuRequest;
import io.kubegpu.request.GpuRequestParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MemoryGuardTest {
    private static final GpuCatalog CATALOG = GpuCatalog.builtIn();
    private static final MemoryGuard GUARD = new MemoryGuard(CATALOG);
    private static final GpuRequestParser PARSER = GpuRequestParser.defaults();

    private static Verdict onModel(String request, String minTotal, String model) {
        int min = minTotal.isEmpty() ? 0 : PARSER.parseMemoryMiB(minTotal);
        ModelMatch match = CATALOG.resolve(model).orElseThrow();
        return GUARD.check(PARSER.parse(request), min, match);
    }

    @ParameterizedTest(name = "[{index}] {0} min={1} on {2} -> {3}")
    @CsvSource(delimiter = '|', value = {
        // request  | min-gpu-memory | model     | fits   (arithmetic in the comment)
        "40G,0.5    |                | T4        | false", // 16 GiB < 40 GiB
        "16G        |                | T4        | true",  // exactly the card
        "16385M     |                | T4        | false", // one MiB over
        "16G,0.999  |                | T4        | true",
        "40G,0.5    |                | A100-40GB | true",
        "40G,0.5    |                | A100-80GB | true",
        "81G        |                | A100-80GB | false",
        "2          |                | T4        | true",  // no memory stated: any card
        "2          | 32G            | T4        | true",  // 2 x 16 = 32, boundary
        "2          | 33G            | T4        | false", // 2 x 16 = 32 < 33
        "8          | 640G           | A100-80GB | true",  // 8 x 80 = 640
        "1          | 17G            | T4        | false",
        "0.5        | 8G             | T4        | true",  // half of 16 GiB = 8 GiB
        "0.5        | 8193M          | T4        | false",
        "0.5        |                | T4        | true",
        "8G,0.5     | 8G             | T4        | true",
        "8G,0.5     | 10G            | V100-32GB | false", // guarantees 8 but the pod needs 10
        "24G        |                | V100      | false", // family: smallest V100 has 16 GiB
        "16G        |                | V100      | true",
        "60G        |                | A100      | false", // family: smallest A100 has 40 GiB
        "60G        |                | A100-80GB | true",
        "180G       |                | B200      | true",
        "200G       |                | MI300X    | false", // 192 GiB
    })
    void decidesFitOnCatalogModels(String request, String minTotal, String model, boolean fits) {
        Verdict verdict = onModel(request, minTotal == null ? "" : minTotal, model);
        assertThat(verdict.fits()).as(verdict.reason()).isEqualTo(fits);
        assertThat(verdict.reason().isEmpty()).isEqualTo(fits);
    }

    @Test
    void explainsRefusalsPrecisely() {
        assertThat(onModel("40G,0.5", "", "T4").reason()).isEqualTo("T4 has 16 GiB per GPU; 40G,0.5 needs 40 GiB on one GPU");
        assertThat(onModel("2", "40G", "T4").reason())
                .isEqualTo("2 × T4 have 32 GiB (16 GiB each); kubegpu.io/min-gpu-memory asks for 40 GiB");
        assertThat(onModel("1", "17G", "T4").reason()).isEqualTo("T4 has 16 GiB; kubegpu.io/min-gpu-memory asks for 17 GiB");
        assertThat(onModel("0.5", "10G", "T4").reason())
                .isEqualTo("0.5 of a T4 is 8 GiB; kubegpu.io/min-gpu-memory asks for 10 GiB (write memory explicitly, e.g. 10G,0.5)");
        assertThat(onModel("8G,0.5", "10G", "T4").reason())
                .isEqualTo("8G,0.5 guarantees 8 GiB but kubegpu.io/min-gpu-memory asks for 10 GiB; raise the memory in the request");
        assertThat(onModel("60G", "", "A100").reason()).isEqualTo("A100-40GB has 40 GiB per GPU; 60G needs 60 GiB on one GPU; "
                + "A100 covers A100 (A100-40GB, A100-80GB) and is judged by its smallest size: name the larger model to require it");
        assertThat(onModel("1500M", "", "T4").fits()).isTrue();
        assertThat(onModel("17000M", "", "T4").reason()).isEqualTo("T4 has 16 GiB per GPU; 17000M needs 16.6 GiB on one GPU");
    }

    @Test
    void refusesAModelOfAnotherVendor() {
        Verdict verdict = GUARD.check(PARSER.parse("1(amd,V100)"), 0, CATALOG.resolve("V100").orElseThrow());
        assertThat(verdict.reason()).isEqualTo("V100-16GB is a nvidia GPU; 1(amd,V100) asks for amd");
    }

    @ParameterizedTest(name = "[{index}] {0} MiB reported -> {1} MiB nominal")
    @CsvSource({
        "39538, 40960",   // A100 40GB on the driver in the GFD README
        "40960, 40960",
        "15109, 16384",   // T4, DCGM FB_TOTAL on driver 470
        "15360, 16384",   // T4, nvidia-smi
        "16160, 16384",   // V100 16GB, older drivers
        "23028, 24576",   // A10 / A10G
        "46068, 49152",   // L40 / L40S / A40
        "81559, 81920",   // H100
        "95830, 96256",   // H100 NVL
        "143771, 144384", // H200
        "183359, 184320", // B200
        "7611, 8192",     // P4, old driver
        "10000, 10000",   // nothing within 8 % above: taken as reported
        "2000000, 2000000",
    })
    void roundsReportedMemoryToTheNominalSize(int reported, int nominal) {
        assertThat(GUARD.nominalMiB(reported)).isEqualTo(nominal);
    }

    @Test
    void judgesReportedMemoryInNominalTerms() {
        GpuRequest request = PARSER.parse("40G,0.5");
        // GFD reports 39538 MiB for an A100 40GB: a 40G request must still fit it.
        assertThat(GUARD.checkReported(request, 0, null, 39538).fits()).isTrue();
        assertThat(GUARD.checkReported(request, 0, "NVIDIA-A100-SXM4-40GB", 39538).fits()).isTrue();
        assertThat(GUARD.checkReported(PARSER.parse("41G,0.5"), 0, null, 39538).reason())
                .isEqualTo("this GPU has 40 GiB per GPU; 41G,0.5 needs 41 GiB on one GPU");
        assertThat(GUARD.checkReported(request, 0, "Tesla-T4", 15360).reason())
                .isEqualTo("T4 has 16 GiB per GPU; 40G,0.5 needs 40 GiB on one GPU");
        assertThat(GUARD.checkReported(request, 0, "Mystery-Card", 10000).reason())
                .isEqualTo("Mystery-Card has 9.8 GiB per GPU; 40G,0.5 needs 40 GiB on one GPU");
    }

    @Test
    void roundsAReportOnlyToTheSizesOfTheReportedProduct() {
        // A known product: its own size (A100 40GB reporting 39538 MiB is 40 GiB).
        var a100 = CATALOG.resolve("NVIDIA-A100-SXM4-40GB").orElseThrow();
        assertThat(GUARD.reportedNominalMiB(39538, "NVIDIA-A100-SXM4-40GB", a100)).isEqualTo(40960);
        // A family: the member the report is within 8 % of.
        var v100 = CATALOG.resolve("V100").orElseThrow();
        assertThat(GUARD.reportedNominalMiB(32510, "V100", v100)).isEqualTo(32768);
        assertThat(GUARD.reportedNominalMiB(16160, "V100", v100)).isEqualTo(16384);
        // A MIG slice of a known card is far below its size: taken as reported.
        assertThat(GUARD.reportedNominalMiB(9728, "NVIDIA-A100-SXM4-40GB", a100)).isEqualTo(9728);
        // An unknown product (a GB10 reporting 122000 MiB) is never rounded up to another card's 128 GiB.
        assertThat(GUARD.reportedNominalMiB(122000, "NVIDIA-GB10", null)).isEqualTo(122000);
        assertThat(GUARD.checkReported(PARSER.parse("125G"), 0, "NVIDIA-GB10", 122000).fits()).isFalse();
        // No product at all: any catalog size.
        assertThat(GUARD.reportedNominalMiB(122000, null, null)).isEqualTo(131072);
    }

    @Test
    void listsTheModelsThatCouldEverFit() {
        var verdicts = GUARD.feasibility(PARSER.parse("40G,0.5"), 0);
        assertThat(verdicts).hasSize(CATALOG.models().size());
        var fitting = verdicts.stream().filter(v -> v.verdict().fits()).map(ModelVerdict::token).toList();
        assertThat(fitting).contains("A100-40GB", "A100-80GB", "H100-SXM", "MI300X").doesNotContain("T4", "V100-32GB", "A10", "RTX-4090");
        assertThat(GUARD.canEverFit(PARSER.parse("300G"), 0)).isFalse();
        assertThat(GUARD.canEverFit(PARSER.parse("280G"), 0)).isTrue(); // MI355X has 288 GiB
    }

    @Test
    void restrictsFeasibilityToTheRequestedVendorAndModels() {
        var amdOnly = GUARD.feasibility(PARSER.parse("1(amd)"), 0);
        assertThat(amdOnly).isNotEmpty().allSatisfy(v -> assertThat(v.match().vendor()).isEqualTo("amd"));

        var named = GUARD.feasibility(PARSER.parse("24G(T4|A10|A1000)"), 0);
        assertThat(named).extracting(ModelVerdict::token).containsExactly("T4", "A10", "A1000");
        assertThat(named.get(0).verdict().fits()).isFalse();
        assertThat(named.get(1).verdict().fits()).isTrue();
        assertThat(named.get(2).known()).isFalse();
        assertThat(named.get(2).verdict().reason()).startsWith("unknown GPU model 'A1000'").contains("did you mean A100?");
    }
}
