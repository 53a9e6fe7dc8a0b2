package io.kubegpu.extender.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.cluster.it.ManualClock;
import io.kubegpu.cluster.model.ClusterConfig;
import io.kubegpu.cluster.model.KubePodReader;
import io.kubegpu.cluster.model.MetadataTrimming;
import io.kubegpu.extender.decision.DemandReader;
import io.kubegpu.extender.decision.NodeScorer;
import io.kubegpu.extender.decision.NodeVerdict;
import io.kubegpu.extender.decision.PodDemand;
import io.kubegpu.request.GpuRequestParser;
import com.google.gson.stream.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The store's bound is in node verdicts, not pods: at 5,000 nodes a pod's decision holds 500 of them. */
class ExplainStoreTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-07T00:00:00Z"));
    private final DemandReader demands = new DemandReader(GpuRequestParser.defaults(), ClusterConfig.defaults());

    private PodDemand demand(String name) throws IOException {
        MetadataTrimming.install();
        String pod = """
                {"metadata":{"name":"%1$s","namespace":"ns","uid":"%1$s","annotations":{"kubegpu.io/gpu":"1"}},
                 "spec":{"containers":[{"name":"c"}]}}""".formatted(name);
        try (JsonReader reader = new JsonReader(new StringReader(pod))) {
            return demands.read(KubePodReader.read(reader));
        }
    }

    private static List<NodeScorer.Candidate> candidates(int count) {
        List<NodeScorer.Candidate> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String node = "node-" + i;
            out.add(new NodeScorer.Candidate(node, null, null, new NodeVerdict(node, NodeVerdict.Outcome.FITS, null, List.of(), false)));
        }
        return out;
    }

    @Test
    void aBurstOfPodsWithManyCandidatesKeepsTheLatestWithinTheBound() throws IOException {
        ExplainStore store = new ExplainStore(clock);
        List<NodeScorer.Candidate> candidates = candidates(500);
        int pods = 1_000;
        for (int i = 0; i < pods; i++) {
            store.filtered(demand("p" + i), candidates, "node-0");
        }
        long kept = 0;
        for (int i = 0; i < pods; i++) {
            kept += store.get("ns/p" + i).isPresent() ? 1 : 0;
        }
        // 1,000 decisions of 501 entries each are 501,000: only what fits 200,000 is kept, the newest among them.
        assertThat(kept).isPositive().isLessThanOrEqualTo(ExplainStore.MAX_NODE_ENTRIES / 501);
        assertThat(store.get("ns/p" + (pods - 1))).isPresent();
        // Small decisions are many: 1,000 pods of 10 candidates all fit.
        ExplainStore small = new ExplainStore(clock);
        for (int i = 0; i < pods; i++) {
            small.filtered(demand("q" + i), candidates(10), "node-0");
        }
        assertThat(small.get("ns/q0")).isPresent();
    }
}
