package io.kubegpu.extender.decision;

import static io.kubegpu.extender.decision.DecisionFixtures.CONFIG;
import static io.kubegpu.extender.decision.DecisionFixtures.FIT;
import static io.kubegpu.extender.decision.DecisionFixtures.GPU;
import static io.kubegpu.extender.decision.DecisionFixtures.GPU_MEM;
import static io.kubegpu.extender.decision.DecisionFixtures.demand;
import static io.kubegpu.extender.decision.DecisionFixtures.usage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kubegpu.cluster.fixtures.GpuNodes;
import io.kubegpu.cluster.fixtures.GpuPods;
import io.kubegpu.cluster.state.GpuNode;
import io.kubegpu.cluster.state.GpuPod;
import io.kubegpu.cluster.state.NodeState;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Names only, the filter judges a node through the counts its state keeps inline (allocatable and held amounts, blocked
 * GPUs, the shares' load); with full Node objects, through the node object sent. Both must give the same answer on every
 * node: here each random node is judged both ways, the second time through an equal node object that is not the state's.
 * The same random nodes, often overbooked, are judged and scored under every policy, for the filter and for bind.
 */
class InlineCountsTest {
    private static final String[] MODELS = {"T4", "V100-32GB", "A100-80GB", null};
    private static final String[] REQUESTS = {"1", "2", "4", "9", "1(T4)", "2(V100)", "1(A100)", "8G,0.5", "0.5", "4G", "20G", "0.25"};
    private static final NodeScorer SCORER = new NodeScorer(Policy.BINPACK, LiveLoad.NONE, 0, CONFIG.vendors().all());

    @Test
    void theStatesInlineCountsJudgeAndScoreAsTheNodeObjectDoes() {
        Random random = new Random(24);
        int fitted = 0;
        int refused = 0;
        for (int round = 0; round < 2_000; round++) {
            GpuNode node = randomNode(random);
            NodeState state = usage(node, randomPods(random, node).toArray(GpuPod[]::new));
            assertThat(state.node()).isSameAs(node);
            GpuNode sent = copyOf(node);
            for (String request : REQUESTS) {
                PodDemand demand = demand(request);
                NodeVerdict inline = FIT.judge(node.name(), demand, node, state);
                NodeVerdict fromNode = FIT.judge(node.name(), demand, sent, state);
                String what = request + " on " + node + " holding " + state.pods();
                assertThat(inline.outcome()).as(what).isEqualTo(fromNode.outcome());
                assertThat(inline.reason()).as(what).isEqualTo(fromNode.reason());
                assertThat(inline.slices()).as(what).isEqualTo(fromNode.slices());
                if (inline.fits()) {
                    fitted++;
                    double after = SCORER.allocatedAfter(demand, new NodeScorer.Candidate(node.name(), node, state, inline));
                    double afterFromNode = SCORER.allocatedAfter(demand, new NodeScorer.Candidate(node.name(), sent, state, fromNode));
                    assertThat(after).as(what).isCloseTo(afterFromNode, within(1e-9));
                } else {
                    refused++;
                }
            }
        }
        // Both answers were exercised many times.
        assertThat(fitted).isGreaterThan(3_000);
        assertThat(refused).isGreaterThan(3_000);
    }

    @Test
    void everyPolicyJudgesAndScoresOverbookedNodesWithoutFailing() {
        // Pods bound by another scheduler, or before a node shrank, can hold more than a node has: each judgement, its
        // reason and each policy's score must still come out (a throw here answered the whole filter call 500).
        WorkloadProfile generic = WorkloadProfile.generic(CONFIG.vendors().all());
        Random random = new Random(7);
        for (Policy policy : Policy.values()) {
            GpuFit fit = new GpuFit(new io.kubegpu.guard.MemoryGuard(io.kubegpu.catalog.GpuCatalog.builtIn()), CONFIG.vendors().all(), policy, generic);
            NodeScorer scorer = new NodeScorer(policy, LiveLoad.NONE, 0, CONFIG.vendors().all(), generic);
            for (int round = 0; round < 300; round++) {
                List<NodeScorer.Candidate> candidates = new ArrayList<>();
                for (int n = 0; n < 4; n++) {
                    GpuNode node = randomNode(random);
                    candidates.add(new NodeScorer.Candidate(node.name(), node, usage(node, randomPods(random, node).toArray(GpuPod[]::new)), null));
                }
                for (String request : REQUESTS) {
                    PodDemand demand = demand(request);
                    GpuFit.Prepared prepared = fit.prepare(demand);
                    List<NodeScorer.Candidate> judged = new ArrayList<>();
                    for (NodeScorer.Candidate c : candidates) {
                        NodeVerdict verdict = prepared.judge(c.name(), c.node(), c.usage());
                        assertThat(verdict.reason()).isNotNull();
                        judged.add(new NodeScorer.Candidate(c.name(), c.node(), c.usage(), verdict));
                        // Bind's choice of card (the policy's) fits wherever the filter's does.
                        NodeVerdict bind = fit.judge(c.name(), demand, c.node(), c.usage());
                        assertThat(bind.fits()).as(request + " on " + c.usage().pods()).isEqualTo(verdict.fits());
                        assertThat(bind.reason()).isNotNull();
                    }
                    for (ScoreParts parts : scorer.score(demand, judged)) {
                        assertThat(parts.total()).isBetween(0, 10);
                    }
                }
            }
        }
    }

    @Test
    void aStateCountsEachResourceItHoldsOrOffers() {
        GpuNode node = GpuNodes.node("n").gpus(4).allocatable(GPU_MEM, 64).unhealthy(2, 3).build();
        // GPU 3 carries a share: it is blocked once, as shared, not again as unhealthy.
        NodeState state = usage(node, GpuPods.pod("w").on("n").whole(1).build(), GpuPods.pod("s").on("n").share(3, 4096, 250).build(),
                GpuPods.pod("s2").on("n").share(1, 8192, 0).build());
        assertThat(state.allocatable(GPU)).isEqualTo(4);
        assertThat(state.allocatable(GPU_MEM)).isEqualTo(64);
        assertThat(state.allocatable("amd.com/gpu")).isZero();
        assertThat(state.used(GPU)).isEqualTo(1);
        assertThat(state.used(GPU_MEM)).isEqualTo(12);
        // Blocked: GPUs 1 and 3 (shared) and 2 (unhealthy, unshared). Free: 4 - 1 held - 3 blocked.
        assertThat(state.blockedGpus()).isEqualTo(3);
        assertThat(state.freeWhole(GPU)).isZero();
        assertThat(state.freeWhole("amd.com/gpu")).isEqualTo(-3);
        // GPU 1: half its 16 GiB; GPU 3: a quarter of its memory and of its compute.
        assertThat(state.sharedLoad()).isCloseTo(0.75, within(1e-9));
        assertThat(state.gpuCount()).isEqualTo(4);
        assertThat(state.placeable()).isTrue();
        assertThat(usage(GpuNodes.node("c").cordoned().build()).placeable()).isFalse();
        assertThat(usage(GpuNodes.node("r").notReady().build()).placeable()).isFalse();
    }

    private static GpuNode randomNode(Random random) {
        String model = MODELS[random.nextInt(MODELS.length)];
        int gpus = 1 + random.nextInt(8);
        GpuNodes builder = GpuNodes.node("n").gpus(gpus);
        if (model != null) {
            builder.model(model);
        }
        if (random.nextInt(10) == 0) {
            builder.notReady();
        }
        if (random.nextInt(10) == 0) {
            builder.cordoned();
        }
        if (random.nextInt(3) == 0) {
            builder.allocatable(GPU_MEM, gpus * 16L);
        }
        if (random.nextInt(8) == 0) {
            builder.allocatable("amd.com/gpu", gpus);
        }
        if (random.nextInt(6) == 0) {
            builder.allocatable(GPU, gpus - 1); // a GPU the device plugin does not offer
        }
        if (random.nextInt(4) == 0) {
            builder.unhealthy(random.nextInt(gpus));
        }
        return builder.build();
    }

    private static List<GpuPod> randomPods(Random random, GpuNode node) {
        List<GpuPod> pods = new ArrayList<>();
        int count = random.nextInt(6);
        for (int i = 0; i < count; i++) {
            GpuPods pod = GpuPods.pod("p" + i).on(node.name());
            if (random.nextBoolean()) {
                pod.whole(1 + random.nextInt(3));
            } else {
                pod.share(random.nextInt(node.gpuCount()), 1024 * (1 + random.nextInt(8)), 100 * random.nextInt(6));
            }
            pods.add(pod.build());
        }
        return pods;
    }

    /** An equal node, not the same object: what a full-nodes call maps from the Node it was sent. */
    private static GpuNode copyOf(GpuNode node) {
        return new GpuNode(node.name(), node.ready(), node.unschedulable(), node.taints(), node.modelLabel(), node.model(),
                node.gpuMemoryMiB(), node.gpuCount(), node.allocatable(), node.usableMemoryMiB(), node.unhealthyGpus());
    }
}
