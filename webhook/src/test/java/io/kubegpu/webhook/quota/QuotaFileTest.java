package io.kubegpu.webhook.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.request.Vendors;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class QuotaFileTest {
    static final QuotaFile FILE = new QuotaFile(GpuCatalog.builtIn(), Vendors.defaults());

    static QuotaSpec parse(String yaml) {
        return FILE.parse(yaml, "quotas.yaml");
    }

    static QuotaKey key(String text) {
        return QuotaKey.parse(text, GpuCatalog.builtIn(), Vendors.defaults()).orElseThrow();
    }

    @Test
    void theShortFormOfTheIssueReadsAsGpusPerModelAndInAll() {
        QuotaSpec spec = parse("quotas:\n  team-a: \"A100=8, T4=4, T4=48G, *=16\"\n");
        Quota quota = spec.quotaFor("team-a").orElseThrow();
        assertThat(quota.namespaces()).containsExactly("team-a");
        assertThat(quota.gpuMilli()).containsEntry(key("A100"), 8000L).containsEntry(key("T4"), 4000L).containsEntry(QuotaKey.ALL, 16000L);
        // 48G = 48 × 1024 MiB
        assertThat(quota.sharedMemoryMiB()).containsExactlyEntriesOf(java.util.Map.of(key("T4"), 49152L));
        assertThat(quota.keys()).extracting(QuotaKey::text).containsExactly("*", "A100", "T4");
    }

    @Test
    void theLongFormNamesNamespacesVendorsMemoryAndAPerPodCap() {
        QuotaSpec spec = parse("""
                quotas:
                  team-b:
                    namespaces: [team-b, team-b-ci]
                    gpus: {nvidia: 12, a100: 2.5, "*": 16}
                    sharedMemory: {T4: 1.5T}
                    perPod: 0.5
                """);
        Quota quota = spec.quotaFor("team-b-ci").orElseThrow();
        assertThat(quota.name()).isEqualTo("team-b");
        assertThat(spec.quotaFor("team-c")).isEmpty();
        assertThat(quota.gpuMilli()).containsEntry(key("nvidia"), 12000L).containsEntry(key("A100"), 2500L);
        assertThat(key("a100").text()).as("a family is shown by its family name").isEqualTo("A100");
        // 1.5T = 1.5 × 1024 × 1024 MiB
        assertThat(quota.sharedMemoryMiB()).containsEntry(key("T4"), 1_572_864L);
        assertThat(quota.perPodMilli()).isEqualTo(500);
    }

    @Test
    void anEmptyFileHasNoQuota() {
        assertThat(parse("").quotas()).isEmpty();
        assertThat(parse("quotas:\n").quotas()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            quotas: [a]                                         | quotas.yaml: quotas: expected a mapping of quota name to limits
            other: 1                                            | quotas.yaml: other: unknown field; known fields: quotas
            quotas: {Team_A: "*=1"}                             | quotas.yaml: quotas.Team_A: 'Team_A' is not a valid quota name
            quotas: {a: "A1OO=8"}                               | quotas.yaml: quotas.a.A1OO: 'A1OO' is not a GPU model, family or vendor of the catalog
            quotas: {a: "A100:8"}                               | quotas.yaml: quotas.a: 'A100:8' is not KEY=LIMIT; write e.g. "A100=8, T4=48G, *=16"
            quotas: {a: "A100=-1"}                              | quotas.yaml: quotas.a.A100: '-1' is not a number of GPUs
            quotas: {a: "A100=0.0001"}                          | quotas.yaml: quotas.a.A100: '0.0001' is not a number of GPUs
            quotas: {a: "A100=8, a100=4"}                       | quotas.yaml: quotas.a.a100: A100 is limited twice
            quotas: {a: {gpus: {T4: 1}, color: red}}            | quotas.yaml: quotas.a.color: unknown field; known fields: gpus, namespaces, perPod, sharedMemory
            quotas: {a: {sharedMemory: {T4: 48}}}               | quotas.yaml: quotas.a.sharedMemory.T4: '48' is not an amount of GPU memory; write e.g. 48G
            quotas: {a: {sharedMemory: {T4: 0.3G}}}             | quotas.yaml: quotas.a.sharedMemory.T4: '0.3G' is not a whole number of MiB; write e.g. 307M
            quotas: {a: {namespaces: [], gpus: {T4: 1}}}        | quotas.yaml: quotas.a.namespaces: expected a non-empty list of namespaces
            quotas: {a: {perPod: 0}}                            | quotas.yaml: quotas.a.perPod: 0 would refuse every GPU pod
            quotas: {a: {namespaces: [x]}}                      | quotas.yaml: quotas.a: no limit; give gpus, sharedMemory or perPod
            quotas: {a: "*=1", b: {namespaces: [a], gpus: {T4: 1}}} | quotas.yaml: namespace a is in both quota a and quota b
            """)
    void everyProblemNamesTheFileTheFieldAndTheFix(String yaml, String message) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(QuotaFileException.class).hasMessageStartingWith(message);
    }

    @Test
    void aBadKeyListsWhatWouldDo() {
        assertThatThrownBy(() -> parse("quotas: {a: \"A1OO=8\"}")).hasMessageContaining("a vendor (nvidia, amd, intel, ascend) or * for every GPU");
    }

    @Test
    void notYamlIsRefusedWithTheFile() {
        assertThatThrownBy(() -> parse("quotas: {a: [")).hasMessageStartingWith("quotas.yaml: not valid YAML");
    }

    @Test
    void keysApplyByVendorByModelAndToEverything() {
        GpuUse a100Bound = new GpuUse("ns", "nvidia", false, java.util.Set.of("A100-80GB"), 1000, 0, true);
        GpuUse anyPending = new GpuUse("ns", "nvidia", true, java.util.Set.of(), 1000, 0, false);
        GpuUse amdPending = new GpuUse("ns", "amd", true, java.util.Set.of(), 1000, 0, false);
        GpuUse unknownModel = new GpuUse("ns", "nvidia", false, java.util.Set.of(), 1000, 0, true);
        record Row(String key, GpuUse use, boolean applies) {
        }
        for (Row row : List.of(
                new Row("A100", a100Bound, true),       // the A100 family covers A100-80GB
                new Row("A100-40G", a100Bound, false),  // one size does not cover the other
                new Row("T4", a100Bound, false),
                new Row("T4", anyPending, true),        // a pending pod naming no model may land on a T4
                new Row("T4", amdPending, false),       // … but not an AMD pod
                new Row("MI300X", amdPending, true),
                new Row("nvidia", a100Bound, true),
                new Row("nvidia", amdPending, false),
                new Row("T4", unknownModel, false),     // a node of a model outside the catalog is no capped model
                new Row("*", amdPending, true))) {
            assertThat(key(row.key()).applies(row.use())).as(row.key() + " on " + row.use()).isEqualTo(row.applies());
        }
    }
}
