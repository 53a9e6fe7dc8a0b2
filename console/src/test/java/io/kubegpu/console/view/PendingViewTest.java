package io.kubegpu.console.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubegpu.extender.decision.FitReason;
import io.kubegpu.extender.decision.NodeVerdict;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Pending page: how long each GPU pod has waited and why, from the extender's last decision or judged now. */
class PendingViewTest {
    private final SampleCluster sample = new SampleCluster();

    private PendingView view(DecisionLookup decisions) {
        return new PendingView(sample.view, sample.demands, sample.fit, decisions);
    }

    @Test
    void everyWaitingGpuPodWithItsRequestWaitAndReasonJudgedNow() {
        PendingView.ListPage page = view(DecisionLookup.NONE).list(sample.inputs(), null, 0, 50);
        assertThat(page.total()).isEqualTo(2);
        assertThat(page.pods()).extracting(PendingView.Item::pod).containsExactly("team-cv/waiting-a100-80g", "team-llm/waiting-h100");
        PendingView.Item a100 = page.pods().get(0);
        assertThat(a100.request()).isEqualTo("4(A100-80G)");
        // Manifests carry no creation time: a pod waits from when the server loaded it.
        assertThat(a100.since()).isEqualTo(SampleCluster.LOADED);
        assertThat(a100.waitedSeconds()).isEqualTo(600);
        assertThat(a100.source()).isEqualTo("console");
        // The cordoned A10 and the NotReady L40S are counted by why they could never take it: another model.
        assertThat(a100.summary()).isEqualTo("1 node: all GPUs in use; 10 other nodes never can (GPU model is not A100-80G)");
        assertThat(a100.fitsNow()).isEmpty();
        PendingView.Item h100 = page.pods().get(1);
        assertThat(h100.fitsNow()).containsExactly("gpu-h100-1");
        assertThat(h100.summary()).startsWith("fits now on gpu-h100-1; kube-scheduler's own checks");
        assertThat(view(DecisionLookup.NONE).list(sample.inputs(), "team-llm", 0, 50).pods()).extracting(PendingView.Item::name)
                .containsExactly("waiting-h100");
    }

    @Test
    void theDetailExplainsGroupsAndWhatWouldLetItFit() {
        PendingView.Detail detail = view(DecisionLookup.NONE).detail(sample.inputs(), "team-cv", "waiting-a100-80g").orElseThrow();
        assertThat(detail.explanation()).isEqualTo("1 node: all GPUs in use; it would fit on gpu-a100-80g-1 if team-llm/train-llama finished");
        assertThat(detail.lastDecision()).isNull();
        assertThat(detail.now().nodes()).isEqualTo(11);
        assertThat(detail.now().groups()).extracting(ReasonGroups.Group::text).containsExactly("1 node: all GPUs in use", "10 nodes: GPU model is not A100-80G");
        assertThat(detail.counterfactuals()).extracting(Counterfactuals.Counterfactual::node).containsExactly("gpu-a100-80g-1");

        PendingView.Detail h100 = view(DecisionLookup.NONE).detail(sample.inputs(), "team-llm", "waiting-h100").orElseThrow();
        assertThat(h100.now().fits()).containsExactly(new PendingView.FitNote("gpu-h100-1",
                "tainted nvidia.com/gpu=present:NoSchedule: the pod must tolerate it"));
        assertThat(h100.explanation()).startsWith("it fits by GPU now on 1 node");
        assertThat(h100.counterfactuals()).isEmpty();
        assertThat(view(DecisionLookup.NONE).detail(sample.inputs(), "team-cv", "nobody")).isEmpty();
    }

    @Test
    void theExtendersLastDecisionIsTheSourceWhenItMadeOne() {
        Instant at = SampleCluster.NOW.minusSeconds(5);
        DecisionLookup decisions = key -> key.equals("team-cv/waiting-a100-80g") ? Optional.of(new DecisionLookup.LastDecision(at, List.of(
                new NodeVerdict("gpu-a100-80g-1", NodeVerdict.Outcome.OCCUPIED, new FitReason.GpusTaken("nvidia.com/gpu", 0, 8, 4), List.of(), false),
                new NodeVerdict("gpu-t4-1", NodeVerdict.Outcome.UNRESOLVABLE, new FitReason.WrongModel("T4", "A100-80G"), List.of(), false)), null))
                : Optional.empty();
        PendingView.Item item = view(decisions).list(sample.inputs(), null, 0, 50).pods().get(0);
        assertThat(item.source()).isEqualTo("filter");
        assertThat(item.decidedAt()).isEqualTo(at);
        assertThat(item.summary()).isEqualTo("1 node: all GPUs in use; 1 other node never can (GPU model is not A100-80G)");
        assertThat(item.nodesRejected()).isEqualTo(2);
        PendingView.Detail detail = view(decisions).detail(sample.inputs(), "team-cv", "waiting-a100-80g").orElseThrow();
        assertThat(detail.lastDecision().source()).isEqualTo("filter");
        assertThat(detail.lastDecision().nodes()).isEqualTo(2);
        assertThat(detail.now().nodes()).as("the current judgement beside it").isEqualTo(11);
    }

    @Test
    void anInvalidRequestShowsTheParsersMessage() {
        sample.with("""
                apiVersion: v1
                kind: Pod
                metadata: {name: typo, namespace: team-nlp, annotations: {kubegpu.io/gpu: "1.5(V100)"}, creationTimestamp: "2026-12-01T09:00:00Z"}
                spec: {containers: [{name: c}]}
                status: {phase: Pending}
                """);
        PendingView.Detail detail = view(DecisionLookup.NONE).detail(sample.inputs(), "team-nlp", "typo").orElseThrow();
        assertThat(detail.pod().request()).isEqualTo("1.5(V100)");
        assertThat(detail.pod().since()).as("its own creation time").isEqualTo(Instant.parse("2026-12-01T09:00:00Z"));
        assertThat(detail.pod().waitedSeconds()).isEqualTo(4200);
        assertThat(detail.explanation()).isEqualTo("its request cannot be used: kubegpu.io/gpu '1.5(V100)' is invalid at column 1: '1.5' is not a "
                + "whole number of GPUs; use 2, or 0.5 for a share of one GPU [FRACTIONAL_GPUS]");
        assertThat(view(DecisionLookup.NONE).list(sample.inputs(), null, 0, 50).pods().get(0).pod()).as("oldest first").isEqualTo("team-nlp/typo");
    }

    @Test
    void badPagingNamesTheParameter() {
        assertThatThrownBy(() -> view(DecisionLookup.NONE).list(sample.inputs(), null, 0, 0))
                .isInstanceOfSatisfying(BadInput.class, bad -> assertThat(bad.parameter()).isEqualTo("limit"));
        assertThatThrownBy(() -> view(DecisionLookup.NONE).list(sample.inputs(), null, -2, 10))
                .isInstanceOfSatisfying(BadInput.class, bad -> assertThat(bad.parameter()).isEqualTo("offset"));
    }
}
