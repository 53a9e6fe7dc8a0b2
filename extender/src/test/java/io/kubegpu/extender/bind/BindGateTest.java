package io.kubegpu.extender.bind;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.cluster.model.ClusterConfig;
import io.kubegpu.cluster.model.KubePod;
import io.kubegpu.cluster.model.MetadataTrimming;
import io.kubegpu.extender.decision.DemandReader;
import io.kubegpu.extender.wire.BindArgs;
import io.kubegpu.request.GpuRequestParser;
import io.kubernetes.client.openapi.JSON;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BindGateTest {
    private static final DemandReader DEMANDS = new DemandReader(GpuRequestParser.defaults(), ClusterConfig.defaults());
    private static final BindGate GATE = new BindGate(Set.of("gpu-scheduler"));

    private static KubePod pod(String uid, String scheduler, String gpu) {
        MetadataTrimming.install();
        return JSON.getGson().fromJson("{\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\",\"uid\":\"" + uid + "\""
                + (gpu == null ? "" : ",\"annotations\":{\"kubegpu.io/gpu\":\"" + gpu + "\"}") + "},\"spec\":{"
                + (scheduler == null ? "" : "\"schedulerName\":\"" + scheduler + "\",") + "\"containers\":[{\"name\":\"c\"}]}}", KubePod.class);
    }

    private static String refusal(KubePod pod) {
        return GATE.refusal(new BindArgs("p", "ns", "u1", "n1"), pod, DEMANDS.read(pod)).orElse("");
    }

    @Test
    void bindsOnlyGpuPodsOfItsOwnSchedulerThatAreStillTheSamePod() {
        assertThat(refusal(pod("u1", "gpu-scheduler", "8G,0.5"))).isEmpty();
        assertThat(refusal(pod("u1", "other-scheduler", "1"))).isEqualTo(
                "pod ns/p uses scheduler 'other-scheduler'; this extender binds only pods of gpu-scheduler");
        assertThat(refusal(pod("u1", null, "1"))).contains("uses scheduler 'default-scheduler'");
        assertThat(refusal(pod("u1", "gpu-scheduler", null))).isEqualTo("pod ns/p asks for no GPU; this extender binds only GPU pods");
        assertThat(refusal(pod("u2", "gpu-scheduler", "1"))).contains("now has uid u2, not u1");
        assertThat(refusal(pod("u1", "gpu-scheduler", "1.5"))).contains("kubegpu.io/gpu '1.5' is invalid");
    }
}
