package io.kubegpu.console.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubegpu.extender.decision.NodeScorer;
import io.kubegpu.extender.decision.NodeVerdict;
import io.kubegpu.extender.decision.PodDemand;
import io.kubegpu.extender.decision.Policy;
import io.kubegpu.extender.decision.ScoreParts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What-if: the extender's parser, fit and scorer on the current snapshot, with nothing reserved. */
class WhatIfTest {
    private final SampleCluster sample = new SampleCluster();
    private final WhatIf whatIf = new WhatIf(sample.parser, sample.demands, sample.fit, sample.scorer, Policy.FRAGMENTATION, sample.view);

    private WhatIf.Answer ask(String request, Map<String, String> annotations) {
        long version = sample.state.snapshot().version();
        WhatIf.Answer answer = whatIf.answer(sample.inputs(), new WhatIf.Question(request, "team-nlp", annotations));
        assertThat(sample.state.snapshot().version()).as("no reservation, no change").isEqualTo(version);
        assertThat(sample.state.reservations()).isEmpty();
        return answer;
    }

    /** The filter's own choice for the same pod: every node judged, the fitting ones ranked, the best kept. */
    private String filtersChoice(String request) {
        PodDemand demand = sample.demands.read("team-nlp/p", "uid", Map.of("kubegpu.io/gpu", request), Map.of());
        var prepared = sample.fit.prepare(demand);
        List<NodeScorer.Candidate> fitting = new ArrayList<>();
        for (var state : sample.state.snapshot().nodes()) {
            NodeVerdict verdict = state.node() == null ? null : prepared.judge(state.name(), state.node(), state);
            if (verdict != null && verdict.fits()) {
                fitting.add(new NodeScorer.Candidate(state.name(), state.node(), state, verdict));
            }
        }
        ScoreParts[] parts = sample.scorer.score(demand, fitting);
        int best = NodeScorer.best(fitting, parts);
        return best < 0 ? null : fitting.get(best).name();
    }

    @Test
    void wholeGpusGoWhereTheFilterWouldPutThem() {
        WhatIf.Answer answer = ask("2(V100)", Map.of());
        assertThat(answer.canonical()).isEqualTo("2(V100)");
        assertThat(answer.policy()).isEqualTo("fragmentation");
        assertThat(answer.fitting()).isEqualTo(3);
        assertThat(answer.nodes()).isEqualTo(11);
        assertThat(answer.placement().node().node()).isEqualTo(filtersChoice("2(V100)"));
        assertThat(answer.placement().cards()).endsWith("free GPUs (the device plugin picks which)");
        assertThat(answer.placement().gpuIndex()).isNull();
        assertThat(answer.runnersUp()).hasSize(2).extracting(WhatIf.Ranked::node).doesNotContain(answer.placement().node().node());
        assertThat(answer.runnersUp().get(0).score()).isGreaterThanOrEqualTo(answer.runnersUp().get(1).score());
        assertThat(answer.rejected()).extracting(ReasonGroups.Group::text)
                .containsExactly("8 nodes: GPU model is not V100");
        assertThat(answer.counterfactuals()).isEmpty();
    }

    @Test
    void aShareGetsItsGpu() {
        WhatIf.Answer answer = ask("8G,0.5(T4)", Map.of());
        assertThat(answer.placement().node().node()).isEqualTo(filtersChoice("8G,0.5(T4)"));
        assertThat(answer.placement().gpuIndex()).isNotNull();
        assertThat(answer.placement().cards()).startsWith("GPU " + answer.placement().gpuIndex());
    }

    @Test
    void annotationsChangeTheAnswerAsTheyWouldOnAPod() {
        WhatIf.Answer guarded = ask("2(V100)", Map.of("kubegpu.io/min-gpu-memory", "40G"));
        // 2 × 16 GiB is too little on the V100-16GB and on the family-labelled cube node; 2 × 32 GiB fits the V100-32GB.
        assertThat(guarded.fitting()).isEqualTo(1);
        assertThat(guarded.placement().node().node()).isEqualTo("gpu-v100-1");
        assertThat(ask("2(V100)", Map.of("kubegpu.io/policy", "spread")).policy()).isEqualTo("spread");
    }

    @Test
    void nowhereNowStillSaysWhatWouldLetItFit() {
        WhatIf.Answer answer = ask("8(A100-80G)", Map.of());
        assertThat(answer.placement()).isNull();
        assertThat(answer.runnersUp()).isEmpty();
        assertThat(answer.counterfactuals()).extracting(Counterfactuals.Counterfactual::text)
                .containsExactly("would fit on gpu-a100-80g-1 if team-llm/train-llama finished");
    }

    @Test
    void anInvalidRequestIsTheParsersMessageAndColumn() {
        assertThatThrownBy(() -> ask("1.5", Map.of())).isInstanceOfSatisfying(BadInput.class, bad -> {
            assertThat(bad.parameter()).isEqualTo("request");
            assertThat(bad.value()).isEqualTo("1.5");
            assertThat(bad.getMessage()).isEqualTo("'1.5' is not a whole number of GPUs; use 2, or 0.5 for a share of one GPU");
            assertThat(bad.column()).isEqualTo(1);
            assertThat(bad.code()).isEqualTo("FRACTIONAL_GPUS");
        });
        assertThatThrownBy(() -> ask("2(V100", Map.of())).isInstanceOfSatisfying(BadInput.class, bad -> {
            assertThat(bad.code()).isEqualTo("UNBALANCED_BRACKETS");
            assertThat(bad.column()).isEqualTo(2);
        });
        assertThatThrownBy(() -> ask(" ", Map.of())).isInstanceOfSatisfying(BadInput.class, bad -> assertThat(bad.parameter()).isEqualTo("request"));
    }

    @Test
    void otherBadInputNamesTheParameter() {
        assertThatThrownBy(() -> whatIf.answer(sample.inputs(), new WhatIf.Question("1", "Team_NLP", Map.of())))
                .isInstanceOfSatisfying(BadInput.class, bad -> assertThat(bad.parameter()).isEqualTo("namespace"));
        assertThatThrownBy(() -> ask("1", Map.of("kubegpu.io/gpu", "2")))
                .isInstanceOfSatisfying(BadInput.class, bad -> assertThat(bad.fix()).contains("the request goes in 'request'"));
        assertThatThrownBy(() -> ask("1", Map.of("team", "x"))).isInstanceOfSatisfying(BadInput.class, bad -> {
            assertThat(bad.parameter()).isEqualTo("annotation");
            assertThat(bad.value()).isEqualTo("team=x");
        });
        assertThatThrownBy(() -> ask("1", Map.of("kubegpu.io/min-gpu-memory", "lots"))).isInstanceOfSatisfying(BadInput.class, bad -> {
            assertThat(bad.parameter()).isEqualTo("annotation");
            assertThat(bad.getMessage()).startsWith("kubegpu.io/min-gpu-memory 'lots' is invalid at column 1");
        });
        assertThatThrownBy(() -> ask("1", Map.of("kubegpu.io/policy", "fast")))
                .isInstanceOfSatisfying(BadInput.class, bad -> assertThat(bad.fix()).isEqualTo("fragmentation, binpack, spread or balanced"));
    }
}
