package io.kubegpu.controllers.elastic;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.models.V1Affinity;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeAffinity;
import io.kubernetes.client.openapi.models.V1NodeSelector;
import io.kubernetes.client.openapi.models.V1NodeSelectorRequirement;
import io.kubernetes.client.openapi.models.V1NodeSelectorTerm;
import io.kubernetes.client.openapi.models.V1NodeSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Taint;
import io.kubernetes.client.openapi.models.V1Toleration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The nodes a waiting pod (or a restored replica) may be put on: nodeSelector, required affinity, taints. */
class NodeEligibilityTest {
    /** Node a: pool=a, 4 GPUs of tier 2, tainted team=a:NoSchedule and maintenance:PreferNoSchedule. */
    private static final V1Node A = new V1Node().metadata(new V1ObjectMeta().name("a").labels(Map.of("pool", "a", "gpu-tier", "2")))
            .spec(new V1NodeSpec().taints(List.of(new V1Taint().key("team").value("a").effect("NoSchedule"),
                    new V1Taint().key("maintenance").effect("PreferNoSchedule"))));
    /** Node b: pool=b, no taint. */
    private static final V1Node B = new V1Node().metadata(new V1ObjectMeta().name("b").labels(Map.of("pool", "b"))).spec(new V1NodeSpec());

    private static final V1Toleration TEAM_A = new V1Toleration().key("team").operator("Equal").value("a").effect("NoSchedule");

    private static V1PodSpec requiring(V1NodeSelectorRequirement... requirements) {
        return new V1PodSpec().tolerations(List.of(TEAM_A)).affinity(new V1Affinity().nodeAffinity(new V1NodeAffinity()
                .requiredDuringSchedulingIgnoredDuringExecution(new V1NodeSelector().nodeSelectorTerms(List.of(
                        new V1NodeSelectorTerm().matchExpressions(List.of(requirements)))))));
    }

    private static V1NodeSelectorRequirement req(String key, String operator, String... values) {
        return new V1NodeSelectorRequirement().key(key).operator(operator).values(values.length == 0 ? null : List.of(values));
    }

    @Test
    void nodeSelectorAndTaints() {
        // No constraint but a's NoSchedule taint: only b.
        assertThat(NodeEligibility.allows(new V1PodSpec(), A)).isFalse();
        assertThat(NodeEligibility.allows(new V1PodSpec(), B)).isTrue();
        // Tolerating team=a (the PreferNoSchedule taint never excludes): a; with pool=a selected, not b.
        V1PodSpec poolA = new V1PodSpec().nodeSelector(Map.of("pool", "a")).tolerations(List.of(TEAM_A));
        assertThat(NodeEligibility.allows(poolA, A)).isTrue();
        assertThat(NodeEligibility.allows(poolA, B)).isFalse();
        // Another value of the key does not tolerate; Exists on the key, or an empty key with Exists, does.
        assertThat(NodeEligibility.allows(new V1PodSpec().tolerations(List.of(new V1Toleration().key("team").value("b").effect("NoSchedule"))), A)).isFalse();
        assertThat(NodeEligibility.allows(new V1PodSpec().tolerations(List.of(new V1Toleration().key("team").operator("Exists"))), A)).isTrue();
        assertThat(NodeEligibility.allows(new V1PodSpec().tolerations(List.of(new V1Toleration().operator("Exists"))), A)).isTrue();
        // The toleration's effect must be the taint's when given.
        assertThat(NodeEligibility.allows(new V1PodSpec().tolerations(List.of(new V1Toleration().key("team").value("a").effect("NoExecute"))), A))
                .isFalse();
    }

    @Test
    void requiredNodeAffinity() {
        assertThat(NodeEligibility.allows(requiring(req("pool", "In", "a", "c")), A)).isTrue();
        assertThat(NodeEligibility.allows(requiring(req("pool", "In", "a", "c")), B)).isFalse();
        assertThat(NodeEligibility.allows(requiring(req("pool", "NotIn", "a")), A)).isFalse();
        assertThat(NodeEligibility.allows(requiring(req("gpu-tier", "Exists")), B)).isFalse();
        assertThat(NodeEligibility.allows(requiring(req("gpu-tier", "DoesNotExist")), B)).isTrue();
        // gpu-tier 2: > 1 yes, > 2 no, < 3 yes; a non-number never compares.
        assertThat(NodeEligibility.allows(requiring(req("gpu-tier", "Gt", "1")), A)).isTrue();
        assertThat(NodeEligibility.allows(requiring(req("gpu-tier", "Gt", "2")), A)).isFalse();
        assertThat(NodeEligibility.allows(requiring(req("gpu-tier", "Lt", "3")), A)).isTrue();
        assertThat(NodeEligibility.allows(requiring(req("pool", "Gt", "1")), A)).isFalse();
        // Requirements of a term are ANDed.
        assertThat(NodeEligibility.allows(requiring(req("pool", "In", "a"), req("gpu-tier", "In", "3")), A)).isFalse();
        // Terms are ORed; matchFields sees metadata.name.
        V1PodSpec either = new V1PodSpec().affinity(new V1Affinity().nodeAffinity(new V1NodeAffinity()
                .requiredDuringSchedulingIgnoredDuringExecution(new V1NodeSelector().nodeSelectorTerms(List.of(
                        new V1NodeSelectorTerm().matchExpressions(List.of(req("pool", "In", "c"))),
                        new V1NodeSelectorTerm().matchFields(List.of(req("metadata.name", "In", "b"))))))));
        assertThat(NodeEligibility.allows(either, B)).isTrue();
        // A node the informer does not know yet is no room.
        assertThat(NodeEligibility.allows(new V1PodSpec(), null)).isFalse();
    }
}
