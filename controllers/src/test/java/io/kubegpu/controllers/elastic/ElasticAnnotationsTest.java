package io.kubegpu.controllers.elastic;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the elastic shrink reads off its objects: the minimum, a shrunk Deployment, a pod kube-scheduler could not place. */
class ElasticAnnotationsTest {
    private static V1Deployment deployment(Map<String, String> annotations) {
        return new V1Deployment().metadata(new V1ObjectMeta().name("d").namespace("ns").annotations(annotations));
    }

    @Test
    void theMinimumIsReadFromMinEqualsN() {
        assertThat(ElasticReconciler.minimum(deployment(Map.of("kubegpu.io/elastic", "min=2")))).contains(2);
        assertThat(ElasticReconciler.minimum(deployment(Map.of("kubegpu.io/elastic", " min= 0 ")))).contains(0);
        for (String bad : new String[] {"2", "min=-1", "min=x", "max=3"}) {
            assertThat(ElasticReconciler.minimum(deployment(Map.of("kubegpu.io/elastic", bad)))).as(bad).isEqualTo(Optional.empty());
        }
        assertThat(ElasticReconciler.minimum(deployment(null))).isEmpty();
        assertThat(ElasticReconciler.shrunk(deployment(Map.of("kubegpu.io/elastic-original-replicas", "4")))).isTrue();
        assertThat(ElasticReconciler.shrunk(deployment(Map.of("kubegpu.io/elastic", "min=1")))).isFalse();
    }

    @Test
    void aPodWaitsWhileKubeSchedulerReportsItUnschedulable() {
        OffsetDateTime since = OffsetDateTime.parse("2021-01-01T00:00:00Z");
        V1Pod pod = new V1Pod().metadata(new V1ObjectMeta().name("p")).spec(new V1PodSpec())
                .status(new V1PodStatus().conditions(List.of(new V1PodCondition().type("PodScheduled").status("False").reason("Unschedulable")
                        .lastTransitionTime(since))));
        assertThat(ElasticReconciler.waiting(pod)).isTrue();
        assertThat(ElasticReconciler.unschedulableSince(pod)).isEqualTo(since.toInstant());
        pod.getSpec().setNodeName("n1");
        assertThat(ElasticReconciler.waiting(pod)).isFalse();
        assertThat(ElasticReconciler.waiting(new V1Pod().metadata(new V1ObjectMeta()).spec(new V1PodSpec()).status(new V1PodStatus()))).isFalse();
    }
}
