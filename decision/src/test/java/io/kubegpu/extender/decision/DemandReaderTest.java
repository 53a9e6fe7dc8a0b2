package io.kubegpu.extender.decision;

import static io.kubegpu.extender.decision.DecisionFixtures.DEMANDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.cluster.model.KubePod;
import io.kubegpu.cluster.model.PodMapper;
import io.kubegpu.cluster.state.PendingPod;
import io.kubernetes.client.openapi.JSON;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A pod known by its annotations and requests (a pending pod, a what-if question) reads as the pod itself does. */
class DemandReaderTest {
    private static final PodMapper PODS = new PodMapper(DecisionFixtures.CONFIG);

    private static KubePod pod(String json) {
        return JSON.getGson().fromJson(json, KubePod.class);
    }

    @Test
    void aPendingPodsDemandIsThePodsDemand() {
        for (KubePod pod : List.of(
                pod("{\"metadata\":{\"name\":\"a\",\"namespace\":\"ns\",\"uid\":\"u\",\"annotations\":{\"kubegpu.io/gpu\":\"2(V100)\","
                        + "\"kubegpu.io/min-gpu-memory\":\"40G\",\"other\":\"x\"}},\"spec\":{\"containers\":[{\"name\":\"c\"}]}}"),
                pod("{\"metadata\":{\"name\":\"b\",\"namespace\":\"ns\",\"uid\":\"u\",\"annotations\":{\"kubegpu.io/gpu\":\"0.25\"}},"
                        + "\"spec\":{\"containers\":[{\"name\":\"c\",\"resources\":{\"limits\":{\"aliyun.com/gpu-mem\":\"6\"}}}]}}"),
                pod("{\"metadata\":{\"name\":\"c\",\"namespace\":\"ns\",\"uid\":\"u\"},"
                        + "\"spec\":{\"containers\":[{\"name\":\"c\",\"resources\":{\"limits\":{\"nvidia.com/gpu\":\"3\"}}}]}}"),
                pod("{\"metadata\":{\"name\":\"d\",\"namespace\":\"ns\",\"uid\":\"u\",\"annotations\":{\"kubegpu.io/policy\":\"fast\"}},"
                        + "\"spec\":{\"containers\":[{\"name\":\"c\",\"resources\":{\"limits\":{\"nvidia.com/gpu\":\"1\"}}}]}}"))) {
            PendingPod pending = PODS.pending(pod, Instant.EPOCH).orElseThrow();
            assertThat(DEMANDS.read(pending)).as(pod.name()).isEqualTo(DEMANDS.read(pod));
        }
    }

    @Test
    void aQuestionWithoutRequestsReadsItsAnnotation() {
        PodDemand demand = DEMANDS.read("ns/what-if", null, Map.of("kubegpu.io/gpu", "8G,0.5(T4)"), Map.of());
        assertThat(demand.kind()).isEqualTo(PodDemand.Kind.SHARED);
        assertThat(demand.memoryMiB()).isEqualTo(8192);
        assertThat(demand.milli()).isEqualTo(500);
        assertThat(DEMANDS.read("ns/x", null, Map.of(), Map.of()).kind()).isEqualTo(PodDemand.Kind.NONE);
    }
}
