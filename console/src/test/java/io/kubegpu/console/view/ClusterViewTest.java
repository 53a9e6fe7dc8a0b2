package io.kubegpu.console.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubegpu.scorer.score.GpuStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Cluster page on the sample cluster: the counts a person checks against the manifests. */
class ClusterViewTest {
    private final SampleCluster sample = new SampleCluster();
    private final ClusterView view = new ClusterView(sample.view);

    private ClusterView.NodesPage nodes(String model, String team, String state, String node) {
        return view.nodes(sample.inputs(), UtilizationIndex.NONE, new ClusterView.Query(model, team, state, node, 0, 50));
    }

    private ClusterView.NodeRow row(String name) {
        return nodes(null, null, null, name).nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void theStatCardsCountEveryGpuOfTheSample() {
        ClusterView.Status status = view.status(sample.inputs(), UtilizationIndex.NONE);
        // 5 nodes of 8, 3 of 4 (two T4, the cube V100) ... : 8*5 + 4*4 + 2 = 58 GPUs on the 10 GPU nodes; cpu-1 has none.
        assertThat(status.nodes()).isEqualTo(11);
        assertThat(status.gpuNodes()).isEqualTo(10);
        assertThat(status.gpus()).isEqualTo(58);
        // Whole: train-bert 2, train-llama 8, finetune-vit 4, cube-job-1 1 (eval-done has Succeeded). Shared: GPUs 0 and 2 of gpu-t4-1.
        assertThat(status.whole()).isEqualTo(15);
        assertThat(status.shared()).isEqualTo(2);
        assertThat(status.allocated()).isEqualTo(17);
        assertThat(status.free()).isEqualTo(41);
        // The NotReady L40S (4) and the cordoned A10 (2) are free but cannot take pods.
        assertThat(status.available()).isEqualTo(35);
        assertThat(status.allocation()).isEqualTo(0.293);
        assertThat(status.notReadyNodes()).isEqualTo(1);
        assertThat(status.cordonedNodes()).isEqualTo(1);
        assertThat(status.taintedNodes()).isEqualTo(1);
        assertThat(status.pendingPods()).isEqualTo(2);
        assertThat(status.utilization()).as("no scorer in this process").isNull();
        assertThat(status.byModel()).extracting(ClusterView.ModelTotals::model)
                .containsExactly("A10", "A100-40GB", "A100-80GB", "H100-SXM", "L40S", "T4", "V100", "V100-16GB", "V100-32GB");
        ClusterView.ModelTotals t4 = status.byModel().stream().filter(m -> m.model().equals("T4")).findFirst().orElseThrow();
        assertThat(t4).isEqualTo(new ClusterView.ModelTotals("T4", 2, 8, 0, 2, 6, 0, 0, 0.25));
        ClusterView.ModelTotals a10 = status.byModel().stream().filter(m -> m.model().equals("A10")).findFirst().orElseThrow();
        assertThat(a10.free()).isZero();
        assertThat(a10.unavailable()).isEqualTo(2);
    }

    @Test
    void cardsShowWhoHoldsWhatAndShareIndicesAreTheAssignments() {
        ClusterView.NodeRow t4 = row("gpu-t4-1");
        assertThat(t4.cards()).extracting(NodeLayout.Card::state).containsExactly("shared", "shared", "free", "free");
        NodeLayout.Card first = t4.cards().get(0);
        assertThat(first.index()).isZero();
        // infer-ocr's 8 GiB and half the compute (ours) and infer-asr's 4 GiB (gpushare's annotations) on GPU 0.
        assertThat(first.memoryUsedMiB()).isEqualTo(12288);
        assertThat(first.milliUsed()).isEqualTo(500);
        assertThat(first.holders()).extracting(NodeLayout.Holder::pod).containsExactly("team-cv/infer-ocr", "team-speech/infer-asr");
        assertThat(t4.cards().get(1).index()).isEqualTo(2);
        assertThat(t4.cards().get(1).holders()).extracting(NodeLayout.Holder::pod).containsExactly("team-nlp/notebook-alice");
        assertThat(t4.pods()).extracting(NodeLayout.PodHold::holds).containsExactly("8G and 0.5 of compute on GPU 0", "4G on GPU 0",
                "4G and 0.25 of compute on GPU 2");

        ClusterView.NodeRow a100 = row("gpu-a100-40g-1");
        // Which GPUs a whole-GPU pod holds is the device plugin's choice: held cards carry no index.
        assertThat(a100.cards()).extracting(NodeLayout.Card::state).containsExactly("whole", "whole", "whole", "whole", "free", "free", "free", "free");
        assertThat(a100.cards().get(0).index()).isNull();
        assertThat(a100.cards().get(0).holders()).extracting(NodeLayout.Holder::pod, NodeLayout.Holder::gpus)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("team-cv/finetune-vit", 4));
        assertThat(a100.states()).containsExactly("ready", "free");

        assertThat(row("gpu-h100-1").states()).containsExactly("ready", "tainted", "free");
        assertThat(row("gpu-h100-1").taints()).containsExactly("nvidia.com/gpu=present:NoSchedule");
        assertThat(row("gpu-a10-1").states()).as("free cards, but not for new pods").containsExactly("ready", "cordoned");
        assertThat(row("gpu-l40s-1").states()).containsExactly("notready");
        assertThat(row("cube-v100-1").model()).as("a node labelled with a family").isEqualTo("V100");
    }

    @Test
    void filtersByModelFamilyTeamStateAndName() {
        assertThat(nodes("T4", null, null, null).nodes()).extracting(ClusterView.NodeRow::name).containsExactly("gpu-t4-1", "gpu-t4-2");
        assertThat(nodes("a100", null, null, null).nodes()).as("a family, any case").extracting(ClusterView.NodeRow::name)
                .containsExactly("gpu-a100-40g-1", "gpu-a100-80g-1");
        assertThat(nodes("V100", null, null, null).nodes()).extracting(ClusterView.NodeRow::name)
                .containsExactly("cube-v100-1", "gpu-v100-1", "gpu-v100-2");
        assertThat(nodes(null, "team-nlp", null, null).nodes()).extracting(ClusterView.NodeRow::name).containsExactly("gpu-t4-1", "gpu-v100-1");
        assertThat(nodes(null, null, "cordoned", null).nodes()).extracting(ClusterView.NodeRow::name).containsExactly("gpu-a10-1");
        assertThat(nodes(null, null, "full", null).nodes()).extracting(ClusterView.NodeRow::name).containsExactly("gpu-a100-80g-1");
        assertThat(nodes(null, null, "free", null).nodes()).hasSize(7);
        assertThat(nodes(null, null, null, "v100").nodes()).hasSize(3);
        ClusterView.NodesPage t4 = nodes("T4", null, null, null);
        assertThat(t4.total()).isEqualTo(2);
        assertThat(t4.byModel()).extracting(ClusterView.ModelTotals::model).containsExactly("T4");
        assertThat(t4.models()).as("what the model filter offers is every model").hasSize(9);
        assertThat(t4.teams()).containsExactly("pipeline", "team-cv", "team-llm", "team-nlp", "team-speech");

        var groups = new ClusterView(sample.view.withTeams(TeamGroups.parse(java.util.Map.of("research", "team-nlp,team-llm"))));
        var research = groups.nodes(sample.inputs(), UtilizationIndex.NONE, new ClusterView.Query(null, "research", null, null, 0, 50));
        assertThat(research.nodes()).extracting(ClusterView.NodeRow::name).containsExactly("gpu-a100-80g-1", "gpu-t4-1", "gpu-v100-1");
        assertThat(research.teams()).contains("research");
    }

    @Test
    void pagesAreSortedByNameAndBounded() {
        var page = view.nodes(sample.inputs(), UtilizationIndex.NONE, new ClusterView.Query(null, null, null, null, 3, 4));
        assertThat(page.total()).isEqualTo(10);
        assertThat(page.nodes()).extracting(ClusterView.NodeRow::name).containsExactly("gpu-a100-80g-1", "gpu-h100-1", "gpu-l40s-1", "gpu-t4-1");
        assertThat(view.nodes(sample.inputs(), UtilizationIndex.NONE, new ClusterView.Query(null, null, null, null, 40, 4)).nodes()).isEmpty();

        var gpus = view.gpus(sample.inputs(), UtilizationIndex.NONE, new ClusterView.Query(null, null, null, null, 4, 3));
        assertThat(gpus.total()).isEqualTo(58);
        // cube-v100-1's four cards come first; the page starts at its last one and goes on into gpu-a10-1.
        assertThat(gpus.gpus()).extracting(ClusterView.GpuRow::node, ClusterView.GpuRow::state).containsExactly(
                org.assertj.core.groups.Tuple.tuple("gpu-a10-1", "free"), org.assertj.core.groups.Tuple.tuple("gpu-a10-1", "free"),
                org.assertj.core.groups.Tuple.tuple("gpu-a100-40g-1", "whole"));
        assertThat(gpus.gpus().get(0).nodeState()).isEqualTo("cordoned");
    }

    @Test
    void badQueriesNameTheParameterAndTheFix() {
        assertThatThrownBy(() -> nodes(null, null, "sleepy", null)).isInstanceOfSatisfying(BadInput.class, bad -> {
            assertThat(bad.parameter()).isEqualTo("state");
            assertThat(bad.value()).isEqualTo("sleepy");
            assertThat(bad.fix()).contains("ready, notready, cordoned");
        });
        assertThatThrownBy(() -> view.nodes(sample.inputs(), UtilizationIndex.NONE, new ClusterView.Query(null, null, null, null, 0, 501)))
                .isInstanceOfSatisfying(BadInput.class, bad -> assertThat(bad.parameter()).isEqualTo("limit"));
        assertThatThrownBy(() -> view.gpus(sample.inputs(), UtilizationIndex.NONE, new ClusterView.Query(null, null, null, null, -1, 5)))
                .isInstanceOfSatisfying(BadInput.class, bad -> assertThat(bad.parameter()).isEqualTo("offset"));
    }

    @Test
    void utilizationAndTemperatureComeFromTheScorerByNodeAndPod() {
        var analysis = SampleCluster.analysis(
                SampleCluster.score("GPU-a", "gpu-a100-40g-1", "team-cv", "finetune-vit", 80, 70, GpuStatus.HIGH),
                SampleCluster.score("GPU-b", "gpu-a100-40g-1", "team-cv", "finetune-vit", 4, 41, GpuStatus.IDLE),
                SampleCluster.score("GPU-c", "gpu-t4-1", "team-cv", "infer-ocr", 50, 60, GpuStatus.NORMAL),
                SampleCluster.score("GPU-c", "gpu-t4-1", "team-speech", "infer-asr", 50, 61, GpuStatus.NORMAL));
        UtilizationIndex util = UtilizationIndex.of(analysis);
        var rows = view.nodes(sample.inputs(analysis), util, new ClusterView.Query(null, null, null, "gpu-", 0, 50)).nodes();
        ClusterView.NodeRow a100 = rows.stream().filter(n -> n.name().equals("gpu-a100-40g-1")).findFirst().orElseThrow();
        assertThat(a100.utilization()).isEqualTo(42.0);
        assertThat(a100.temperature()).isEqualTo(70.0);
        // The pod's GPUs in UUID order onto its cards; its other two cards have no figures.
        assertThat(a100.cards()).extracting(NodeLayout.Card::utilization).containsExactly(80.0, 4.0, null, null, null, null, null, null);
        assertThat(a100.cards()).extracting(NodeLayout.Card::status).containsExactly("high", "idle", null, null, null, null, null, null);
        ClusterView.NodeRow t4 = rows.stream().filter(n -> n.name().equals("gpu-t4-1")).findFirst().orElseThrow();
        assertThat(t4.cards().get(0).utilization()).isEqualTo(50.0);
        assertThat(t4.cards().get(0).temperature()).isEqualTo(61.0);

        ClusterView.Status status = view.status(sample.inputs(analysis), util);
        assertThat(status.utilization().average()).isEqualTo(46.0);
        assertThat(status.utilization().idle()).isEqualTo(1);
        assertThat(status.utilization().gpus()).isEqualTo(4);
    }

    @Test
    void reservationsShowAsHoldersNotYetBound() {
        sample.state.reserve(new io.kubegpu.cluster.state.Reservation("uid-x", "team-x/job", "gpu-v100-2", java.util.Map.of("nvidia.com/gpu", 2L),
                List.of(), SampleCluster.LOADED, SampleCluster.LOADED.plusSeconds(60)));
        ClusterView.NodeRow v100 = row("gpu-v100-2");
        assertThat(v100.whole()).isEqualTo(2);
        assertThat(v100.cards().get(0).holders().get(0).reserved()).isTrue();
        assertThat(v100.pods()).extracting(NodeLayout.PodHold::holds).containsExactly("2 GPUs (reserved, not bound yet)");
    }
}
