package io.kubegpu.console.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.extender.decision.GpuFit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What would let a waiting pod fit, each answer the extender's fit judged again on a copy of one node. */
class CounterfactualsTest {
    private final SampleCluster sample = new SampleCluster();

    private List<Counterfactuals.Counterfactual> find(String request) {
        GpuFit.Prepared prepared = sample.fit.prepare(sample.demands.read("ns/p", "uid-p", Map.of("kubegpu.io/gpu", request), Map.of()));
        long version = sample.state.snapshot().version();
        var out = Counterfactuals.find(prepared, sample.state.snapshot(), Evaluation.judgeAll(prepared, sample.state.snapshot()));
        assertThat(sample.state.snapshot().version()).as("the cluster state is never changed").isEqualTo(version);
        return out;
    }

    @Test
    void aPodThatFinishesFreesTheNode() {
        assertThat(find("4(A100-80G)")).extracting(Counterfactuals.Counterfactual::text)
                .containsExactly("would fit on gpu-a100-80g-1 if team-llm/train-llama finished");
    }

    @Test
    void aCordonedOrNotReadyNodeWouldTakeItOnceUsableAgain() {
        assertThat(find("2(A10)")).singleElement().satisfies(c -> {
            assertThat(c.text()).isEqualTo("would fit on gpu-a10-1 once it is uncordoned again");
            assertThat(c.condition()).isEqualTo("uncordoned");
            assertThat(c.finishing()).isEmpty();
        });
        assertThat(find("4(L40S)")).extracting(Counterfactuals.Counterfactual::text).containsExactly("would fit on gpu-l40s-1 once it is Ready again");
    }

    @Test
    void severalPodsTogetherWhenNoneAloneIsEnough() {
        sample.with("""
                apiVersion: v1
                kind: List
                items:
                - {apiVersion: v1, kind: Node, metadata: {name: gpu-l4-1, labels: {nvidia.com/gpu.product: NVIDIA-L4, nvidia.com/gpu.count: "4"}},
                   status: {allocatable: {nvidia.com/gpu: "4"}, conditions: [{type: Ready, status: "True"}]}}
                - {apiVersion: v1, kind: Pod, metadata: {name: one, namespace: ns}, spec: {nodeName: gpu-l4-1,
                   containers: [{name: c, resources: {limits: {nvidia.com/gpu: "2"}}}]}, status: {phase: Running}}
                - {apiVersion: v1, kind: Pod, metadata: {name: two, namespace: ns}, spec: {nodeName: gpu-l4-1,
                   containers: [{name: c, resources: {limits: {nvidia.com/gpu: "2"}}}]}, status: {phase: Running}}
                """);
        assertThat(find("4(L4)")).extracting(Counterfactuals.Counterfactual::finishing).containsExactly(List.of("ns/one", "ns/two"));
        assertThat(find("2(L4)")).extracting(Counterfactuals.Counterfactual::text)
                .containsExactly("would fit on gpu-l4-1 if ns/one finished");
    }

    @Test
    void nothingWhenNoNodeCouldEverTakeIt() {
        assertThat(find("16(V100)")).isEmpty();
        assertThat(find("40G,0.5(T4)")).isEmpty();
    }
}
