package io.kubegpu.cluster.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubegpu.cluster.state.GpuNode;
import io.kubegpu.cluster.state.GpuPod;
import io.kubegpu.cluster.state.GpuSlice;
import io.kubegpu.cluster.state.Taint;
import io.kubernetes.client.openapi.JSON;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Node and Pod mapping, on objects exactly as a real kube-apiserver 1.20.2 serialized them. */
class KubeMappingTest {
    private static final ClusterConfig CONFIG = ClusterConfig.defaults();
    private static final NodeMapper NODES = new NodeMapper(CONFIG);
    private static final PodMapper PODS = new PodMapper(CONFIG);

    @BeforeAll
    static void trimMetadata() {
        MetadataTrimming.install();
    }

    private static JsonObject fixture(String name) throws IOException {
        try (InputStream in = KubeMappingTest.class.getResourceAsStream(name)) {
            return JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
        }
    }

    private static KubeNode node(String json) {
        return JSON.getGson().fromJson(json, KubeNode.class);
    }

    private static KubePod pod(String json) {
        return JSON.getGson().fromJson(json, KubePod.class);
    }

    @Test
    void mapsRealApiServerNodesWithGpuFeatureDiscoveryLabels() throws IOException {
        var items = fixture("extender-filter-args-full-nodes.json").getAsJsonObject("Nodes").getAsJsonArray("items");
        KubeNode a100 = JSON.getGson().fromJson(items.get(0), KubeNode.class);
        assertThat(a100.getMetadata().getManagedFields()).as("managedFields are dropped at decode time").isNullOrEmpty();
        assertThat(a100.getMetadata().getLabels()).containsEntry("gpu-type", "A100");

        GpuNode node = NODES.map(a100);
        assertThat(node.name()).isEqualTo("gpu-a100-node-1");
        assertThat(node.ready()).isTrue();
        assertThat(node.unschedulable()).isFalse();
        assertThat(node.modelLabel()).isEqualTo("NVIDIA-A100-SXM4-80GB");
        assertThat(node.model().smallest().id()).isEqualTo("A100-80GB");
        assertThat(node.gpuMemoryMiB()).isEqualTo(81920);
        assertThat(node.gpuCount()).isEqualTo(8);
        assertThat(node.allocatable()).containsExactly(Map.entry("nvidia.com/gpu", 8L));

        GpuNode v100 = NODES.map(JSON.getGson().fromJson(items.get(1), KubeNode.class));
        assertThat(v100.model().smallest().id()).isEqualTo("V100-32GB");
        // GFD reports 32510 MiB for a 32 GB V100: rounded to the nominal 32 GiB.
        assertThat(v100.gpuMemoryMiB()).isEqualTo(32768);
    }

    @Test
    void mapsRealApiServerPods() throws IOException {
        KubePod trainer = JSON.getGson().fromJson(fixture("extender-filter-args-full-nodes.json").get("Pod"), KubePod.class);
        GpuPod gpuPod = PODS.map(trainer).orElseThrow();
        assertThat(gpuPod.key()).isEqualTo("ml-team/resnet50-trainer-0");
        assertThat(gpuPod.uid()).isEqualTo("da51111e-66eb-496a-b168-82b7875efd1e");
        assertThat(gpuPod.requests()).containsExactly(Map.entry("nvidia.com/gpu", 2L));
        assertThat(gpuPod.nodeName()).isNull();
        assertThat(gpuPod.holdsResources()).isFalse();

        // Init container without resources, a GPU trainer with only a limit, and a sidecar: 1 GPU.
        KubePod multi = JSON.getGson().fromJson(fixture("extender-filter-args-full-nodes-multi-container.json").get("Pod"), KubePod.class);
        assertThat(PODS.map(multi).orElseThrow().requests()).containsExactly(Map.entry("nvidia.com/gpu", 1L));
    }

    @Test
    void effectiveRequestIsTheLargerOfInitAndAppContainersPlusOverhead() {
        // max(init 3, app 1 + 1) + overhead 1 = 4, as kube-scheduler computes it.
        KubePod pod = pod("""
                {"metadata":{"name":"p","namespace":"ns","uid":"u1"},
                 "spec":{"initContainers":[{"name":"i1","resources":{"limits":{"nvidia.com/gpu":"3"}}},
                                           {"name":"i2","resources":{"requests":{"nvidia.com/gpu":"2"}}}],
                         "containers":[{"name":"a","resources":{"limits":{"nvidia.com/gpu":"1"}}},
                                       {"name":"b","resources":{"requests":{"nvidia.com/gpu":"1"},"limits":{"nvidia.com/gpu":"1"}}}],
                         "overhead":{"nvidia.com/gpu":"1"}}}""");
        assertThat(PODS.effectiveRequests(pod)).containsExactly(Map.entry("nvidia.com/gpu", 4L));
    }

    @Test
    void podsWithoutGpuResourcesAreNotGpuPods() {
        assertThat(PODS.map(pod("""
                {"metadata":{"name":"web","namespace":"ns","uid":"u"},
                 "spec":{"nodeName":"n1","containers":[{"name":"c","resources":{"limits":{"cpu":"2","memory":"1Gi"}}}]}}"""))).isEmpty();
        assertThat(PODS.map(pod("{\"metadata\":{\"name\":\"no-uid\"},\"spec\":{}}"))).isEmpty();
    }

    @Test
    void finishedPodsHoldNothing() {
        GpuPod done = PODS.map(pod("""
                {"metadata":{"name":"p","namespace":"ns","uid":"u"},"spec":{"nodeName":"n1",
                 "containers":[{"name":"c","resources":{"limits":{"nvidia.com/gpu":"1"}}}]},"status":{"phase":"Succeeded"}}""")).orElseThrow();
        assertThat(done.terminal()).isTrue();
        assertThat(done.holdsResources()).isFalse();
    }

    @Test
    void readsSharedAssignmentsFromOurAnnotationsAndFromGpushare() {
        GpuPod ours = PODS.map(pod("""
                {"metadata":{"name":"p","namespace":"ns","uid":"u","annotations":{
                   "kubegpu.io/assigned-node":"n1","kubegpu.io/assigned-gpus":"0:8192:500,3:4096:0"}},
                 "spec":{"nodeName":"n1","containers":[{"name":"c","resources":{"limits":{"aliyun.com/gpu-mem":"12"}}}]}}""")).orElseThrow();
        assertThat(ours.slices()).containsExactly(new GpuSlice(0, 8192, 500), new GpuSlice(3, 4096, 0));
        assertThat(ours.requests()).containsExactly(Map.entry("aliyun.com/gpu-mem", 12L));

        GpuPod gpushare = PODS.map(pod("""
                {"metadata":{"name":"p","namespace":"ns","uid":"u","annotations":{
                   "ALIYUN_COM_GPU_MEM_IDX":"1","ALIYUN_COM_GPU_MEM_POD":"4","ALIYUN_COM_GPU_MEM_ASSIGNED":"true"}},
                 "spec":{"nodeName":"n1","containers":[{"name":"c","resources":{"limits":{"aliyun.com/gpu-mem":"4"}}}]}}""")).orElseThrow();
        assertThat(gpushare.slices()).containsExactly(new GpuSlice(1, 4096, 0));
    }

    @Test
    void malformedOrStaleAssignmentsAreIgnoredButTheResourcesStillCount() {
        for (String annotations : List.of(
                "\"kubegpu.io/assigned-gpus\":\"zero:1:2\"",
                "\"kubegpu.io/assigned-node\":\"other-node\",\"kubegpu.io/assigned-gpus\":\"0:1024:100\"",
                "\"ALIYUN_COM_GPU_MEM_IDX\":\"x\",\"ALIYUN_COM_GPU_MEM_POD\":\"4\"")) {
            GpuPod pod = PODS.map(pod("{\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\",\"uid\":\"u\",\"annotations\":{" + annotations
                    + "}},\"spec\":{\"nodeName\":\"n1\",\"containers\":[{\"name\":\"c\",\"resources\":{\"limits\":{\"aliyun.com/gpu-mem\":\"4\"}}}]}}"))
                    .orElseThrow();
            assertThat(pod.slices()).as(annotations).isEmpty();
            assertThat(pod.request("aliyun.com/gpu-mem")).isEqualTo(4);
        }
    }

    @Test
    void assignmentAnnotationsRoundTrip() {
        var slices = List.of(new GpuSlice(0, 8192, 500), new GpuSlice(2, 2048, 125));
        var annotations = GpuAssignment.annotations("n1", slices, java.time.Instant.parse("2026-11-23T10:00:00Z"));
        assertThat(annotations).containsEntry("kubegpu.io/assigned-gpus", "0:8192:500,2:2048:125")
                .containsEntry("kubegpu.io/assigned-node", "n1").containsEntry("kubegpu.io/assigned-at", "2026-11-23T10:00:00Z");
        assertThat(GpuAssignment.read(annotations, "n1", 1024)).isEqualTo(slices);
    }

    @Test
    void readsTheCubeStudioGpuTypeLabelTaintsCordonAndReadiness() {
        GpuNode node = NODES.map(node("""
                {"metadata":{"name":"cube-1","labels":{"gpu-type":"V100"}},
                 "spec":{"unschedulable":true,"taints":[{"key":"nvidia.com/gpu","value":"present","effect":"NoSchedule"}]},
                 "status":{"allocatable":{"nvidia.com/gpu":"4","cpu":"8"},
                           "conditions":[{"type":"MemoryPressure","status":"False"},{"type":"Ready","status":"False"}]}}"""));
        assertThat(node.modelLabel()).isEqualTo("V100");
        assertThat(node.model().isFamily()).isTrue();
        assertThat(node.gpuMemoryMiB()).as("family V100 guarded by its smallest size").isEqualTo(16384);
        assertThat(node.gpuCount()).isEqualTo(4);
        assertThat(node.ready()).isFalse();
        assertThat(node.unschedulable()).isTrue();
        assertThat(node.taints()).containsExactly(new Taint("nvidia.com/gpu", "present", "NoSchedule"));
    }

    @Test
    void unknownModelsKeepTheirLabelAndReportedMemory() {
        GpuNode node = NODES.map(node("""
                {"metadata":{"name":"n","labels":{"nvidia.com/gpu.product":"NVIDIA-GB10","nvidia.com/gpu.memory":"122000"}},
                 "status":{"capacity":{"nvidia.com/gpu":"1"},"conditions":[{"type":"Ready","status":"True"}]}}"""));
        assertThat(node.model()).isNull();
        assertThat(node.modelLabel()).isEqualTo("NVIDIA-GB10");
        assertThat(node.gpuMemoryMiB()).isEqualTo(122000);
        assertThat(node.allocatable("nvidia.com/gpu")).as("capacity when allocatable is absent").isEqualTo(1);
    }

    @Test
    void anOperatorChosenLabelComesFirstWhenConfigured() {
        var config = new ClusterConfig(CONFIG.vendors(), List.of(ModelLabelSource.parse("label:example.com/accelerator"), ModelLabelSource.GFD),
                CONFIG.catalog(), CONFIG.gpushare());
        GpuNode node = new NodeMapper(config).map(node("""
                {"metadata":{"name":"n","labels":{"example.com/accelerator":"H100-SXM","nvidia.com/gpu.product":"Tesla-T4"}},
                 "status":{"allocatable":{"nvidia.com/gpu":"8"}}}"""));
        assertThat(node.model().smallest().id()).isEqualTo("H100-SXM");
    }

    @Test
    void gpushareNodesCountPhysicalGpusFromTheirCountResource() {
        GpuNode node = NODES.map(node("""
                {"metadata":{"name":"n"},"status":{"allocatable":{"aliyun.com/gpu-mem":"64","aliyun.com/gpu-count":"4"}}}"""));
        assertThat(node.gpuCount()).isEqualTo(4);
        assertThat(node.allocatable("aliyun.com/gpu-mem")).isEqualTo(64);
    }

    @Test
    void assignmentsAnyoneCouldWriteAreBoundedAndCountAtLeastWhatThePodRequests() {
        // Indices that once sized an array by themselves (an OutOfMemoryError, or a negative size that stopped the informer).
        for (String gpus : List.of("2147483647:1:0", "100000000:1:0", "256:1024:0", "0:1:0,0:1:0", "0:2000000:0", "0:1:1001")) {
            GpuPod pod = PODS.map(pod("{\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\",\"uid\":\"u\",\"annotations\":{"
                    + "\"kubegpu.io/assigned-node\":\"n1\",\"kubegpu.io/assigned-gpus\":\"" + gpus + "\"}},"
                    + "\"spec\":{\"nodeName\":\"n1\",\"containers\":[{\"name\":\"c\",\"resources\":{\"limits\":{\"aliyun.com/gpu-mem\":\"8\"}}}]}}"))
                    .orElseThrow();
            assertThat(pod.slices()).as(gpus).isEmpty();
            assertThat(pod.request("aliyun.com/gpu-mem")).isEqualTo(8);
        }
        String many = String.join(",", java.util.stream.IntStream.range(0, 300).mapToObj(i -> (i % 250) + ":1:0").toList());
        assertThat(PODS.map(pod("{\"metadata\":{\"name\":\"p\",\"uid\":\"u\",\"annotations\":{\"kubegpu.io/assigned-gpus\":\"" + many
                + "\"}},\"spec\":{\"nodeName\":\"n1\",\"containers\":[{\"resources\":{\"limits\":{\"aliyun.com/gpu-mem\":\"8\"}}}]}}"))
                .orElseThrow().slices()).isEmpty();

        // A forged 1 MiB slice of a pod whose container asks for 8 GiB: counted as the 8 GiB the device plugin hands out.
        GpuPod forged = PODS.map(pod("""
                {"metadata":{"name":"p","namespace":"ns","uid":"u","annotations":{
                   "kubegpu.io/assigned-node":"n1","kubegpu.io/assigned-gpus":"0:1:0"}},
                 "spec":{"nodeName":"n1","containers":[{"name":"c","resources":{"limits":{"aliyun.com/gpu-mem":"8"}}}]}}""")).orElseThrow();
        assertThat(forged.slices()).containsExactly(new GpuSlice(0, 8192, 0));
    }

    @Test
    void sharesArePackedIntoTheMemoryTheNodeReportsAndUnhealthyGpusAreKnown() {
        GpuNode t4 = NODES.map(node("""
                {"metadata":{"name":"t4","labels":{"nvidia.com/gpu.product":"Tesla-T4","nvidia.com/gpu.memory":"15360"},
                             "annotations":{"kubegpu.io/unhealthy-gpus":"1,3"}},
                 "status":{"allocatable":{"nvidia.com/gpu":"4"},"conditions":[{"type":"Ready","status":"True"}]}}"""));
        assertThat(t4.gpuMemoryMiB()).as("what the memory guard judges: the catalog's 16 GiB").isEqualTo(16384);
        assertThat(t4.usableMemoryMiB()).as("what shares are packed into: the report").isEqualTo(15360);
        assertThat(t4.unhealthyGpus()).containsExactly(1, 3);
        assertThat(t4.healthy(0)).isTrue();
        assertThat(t4.healthy(3)).isFalse();

        GpuNode garbled = NODES.map(node("""
                {"metadata":{"name":"n","labels":{"nvidia.com/gpu.product":"Tesla-T4"},"annotations":{"kubegpu.io/unhealthy-gpus":"one"}},
                 "status":{"allocatable":{"nvidia.com/gpu":"2"}}}"""));
        assertThat(garbled.unhealthyGpus()).as("unreadable: every GPU out, not a guess").containsExactly(0, 1);
        assertThat(garbled.usableMemoryMiB()).as("no report: the catalog size").isEqualTo(16384);
    }
}
