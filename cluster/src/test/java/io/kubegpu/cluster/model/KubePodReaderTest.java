package io.kubegpu.cluster.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The streaming Pod reader gives what the full Gson decode gives, for everything accounting and bind read. */
class KubePodReaderTest {
    private static final PodMapper MAPPER = new PodMapper(ClusterConfig.defaults());

    private static KubePod stream(String json) throws IOException {
        return KubePodReader.read(new JsonReader(new StringReader(json)));
    }

    @Test
    void readsKubeSchedulersPodsLikeTheFullDecoder() throws IOException {
        MetadataTrimming.install();
        for (String fixture : new String[] {"extender-filter-args-full-nodes.json", "extender-filter-args-full-nodes-multi-container.json"}) {
            String text;
            try (InputStream in = getClass().getResourceAsStream(fixture)) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            JsonObject pod = JsonParser.parseString(text).getAsJsonObject().getAsJsonObject("Pod");
            KubePod streamed = stream(pod.toString());
            KubePod decoded = MetadataTrimming.reflective().fromJson(pod, KubePod.class);
            var s = streamed.getMetadata();
            var d = decoded.getMetadata();
            assertThat(s.getName()).as(fixture).isEqualTo(d.getName());
            assertThat(s.getNamespace()).isEqualTo(d.getNamespace());
            assertThat(s.getUid()).isEqualTo(d.getUid());
            assertThat(s.getResourceVersion()).isEqualTo(d.getResourceVersion());
            assertThat(s.getAnnotations()).isEqualTo(d.getAnnotations());
            assertThat(s.getLabels()).isEqualTo(d.getLabels());
            assertThat(MAPPER.effectiveRequests(streamed)).isEqualTo(MAPPER.effectiveRequests(decoded)).isNotEmpty();
            assertThat(streamed.nodeName()).isEqualTo(decoded.nodeName());
            assertThat(streamed.createdAt()).isEqualTo(decoded.createdAt()).isNotNull();
            assertThat(streamed.priority()).isEqualTo(decoded.priority());
            assertThat(streamed.status.phase).isEqualTo(decoded.status.phase).isEqualTo("Pending");
        }
    }

    @Test
    void readsPriorityAndCreationTimeLikeTheFullDecoder() throws IOException {
        MetadataTrimming.install();
        String json = """
                {"metadata":{"name":"p","namespace":"ns","uid":"u1","creationTimestamp":"2021-02-03T04:05:06Z",
                  "annotations":{"kubegpu.io/gpu":"1","kubegpu.io/elastic":"min=1"}},
                 "spec":{"priority":-1000,"priorityClassName":"kubegpu-low","nodeName":"n1",
                  "containers":[{"name":"c","resources":{"limits":{"nvidia.com/gpu":"1"}}}]}}""";
        KubePod streamed = stream(json);
        KubePod decoded = MetadataTrimming.reflective().fromJson(json, KubePod.class);
        assertThat(streamed.priority()).isEqualTo(decoded.priority()).isEqualTo(-1000);
        assertThat(streamed.createdAt()).isEqualTo(decoded.createdAt()).isEqualTo(java.time.Instant.parse("2021-02-03T04:05:06Z"));
        var pod = MAPPER.map(streamed).orElseThrow();
        assertThat(pod).isEqualTo(MAPPER.map(decoded).orElseThrow());
        assertThat(pod.priority()).isEqualTo(-1000);
        assertThat(pod.elastic()).isTrue();
        // No priority: 0, as kube-scheduler reads it; no timestamp: unknown.
        KubePod bare = stream("{\"metadata\":{\"name\":\"q\"},\"spec\":{\"priority\":null}}");
        assertThat(bare.priority()).isZero();
        assertThat(bare.createdAt()).isNull();
    }

    @Test
    void dropsWhatAccountingNeverReadsAndToleratesNulls() throws IOException {
        KubePod pod = stream("""
                {"metadata":{"name":"p","namespace":"ns","managedFields":[{"manager":"kubectl","fieldsV1":{"f:spec":{}}}],
                  "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{...}","kubegpu.io/gpu":"1"},"labels":null},
                 "spec":{"nodeName":"n1","containers":[{"name":"c","resources":{"limits":{"nvidia.com/gpu":2}},"env":[{"name":"X"}]}],
                  "initContainers":null,"overhead":{"cpu":"250m"}},
                 "status":null,"somethingNew":{"deep":[1,{"x":null}]}}""");
        assertThat(pod.getMetadata().getAnnotations()).containsOnlyKeys("kubegpu.io/gpu");
        assertThat(pod.getMetadata().getLabels()).isNull();
        assertThat(pod.nodeName()).isEqualTo("n1");
        assertThat(MAPPER.effectiveRequests(pod)).containsEntry("nvidia.com/gpu", 2L);
    }

    @Test
    void theClientsGsonReadsPodsAndNodesThroughTheStreamingReaders() {
        MetadataTrimming.install();
        String pod = "{\"metadata\":{\"name\":\"p\",\"finalizers\":[\"f\"]},\"spec\":{\"nodeName\":\"n\"}}";
        // The informers decode with this Gson: what the streaming reader skips is not built at all.
        assertThat(io.kubernetes.client.openapi.JSON.getGson().fromJson(pod, KubePod.class).getMetadata().getFinalizers()).isNullOrEmpty();
        assertThat(MetadataTrimming.reflective().fromJson(pod, KubePod.class).getMetadata().getFinalizers()).containsExactly("f");
        assertThat(io.kubernetes.client.openapi.JSON.getGson().fromJson(pod, KubePod.class).nodeName()).isEqualTo("n");
        String node = "{\"metadata\":{\"name\":\"n\",\"finalizers\":[\"f\"]}}";
        assertThat(io.kubernetes.client.openapi.JSON.getGson().fromJson(node, KubeNode.class).getMetadata().getFinalizers()).isNullOrEmpty();
        assertThat(io.kubernetes.client.openapi.JSON.getGson().fromJson("null", KubePod.class)).isNull();
    }

    @Test
    void keepsTheCreationTimeAPendingPodsWaitIsCountedFrom() throws IOException {
        KubePod pod = stream("{\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\",\"uid\":\"u\",\"creationTimestamp\":\"2026-12-01T10:00:00Z\","
                + "\"annotations\":{\"kubegpu.io/gpu\":\"2(V100)\",\"team\":\"secret\"}},\"spec\":{\"schedulerName\":\"gpu-scheduler\","
                + "\"containers\":[{\"name\":\"c\",\"resources\":{\"limits\":{\"nvidia.com/gpu\":\"2\"}}}]},\"status\":{\"phase\":\"Pending\"}}");
        assertThat(pod.createdAt()).isEqualTo(java.time.Instant.parse("2026-12-01T10:00:00Z"));
        var pending = MAPPER.pending(pod, java.time.Instant.EPOCH).orElseThrow();
        assertThat(pending.createdAt()).isEqualTo(java.time.Instant.parse("2026-12-01T10:00:00Z"));
        assertThat(pending.key()).isEqualTo("ns/p");
        assertThat(pending.schedulerName()).isEqualTo("gpu-scheduler");
        assertThat(pending.annotations()).as("only ours are kept").containsOnlyKeys("kubegpu.io/gpu");
        assertThat(pending.requests()).containsEntry("nvidia.com/gpu", 2L);
        assertThat(MetadataTrimming.reflective().fromJson("{\"metadata\":{\"creationTimestamp\":\"2026-12-01T10:00:00Z\"}}", KubePod.class)
                .createdAt()).as("the full decoder agrees").isEqualTo(java.time.Instant.parse("2026-12-01T10:00:00Z"));
        assertThat(stream("{\"metadata\":{\"creationTimestamp\":\"yesterday\"}}").createdAt()).isNull();
    }

    @Test
    void onlyGpuPodsWaitingForANodeArePending() throws IOException {
        java.time.Instant seen = java.time.Instant.parse("2026-12-01T11:00:00Z");
        String gpu = "\"containers\":[{\"name\":\"c\",\"resources\":{\"limits\":{\"nvidia.com/gpu\":\"1\"}}}]";
        assertThat(MAPPER.pending(stream("{\"metadata\":{\"name\":\"p\",\"uid\":\"u\"},\"spec\":{" + gpu + "}}"), seen).orElseThrow()
                .createdAt()).as("no creation time: when it was seen").isEqualTo(seen);
        assertThat(MAPPER.pending(stream("{\"metadata\":{\"name\":\"p\",\"uid\":\"u\"},\"spec\":{\"nodeName\":\"n\"," + gpu + "}}"), seen))
                .as("bound").isEmpty();
        assertThat(MAPPER.pending(stream("{\"metadata\":{\"name\":\"p\",\"uid\":\"u\"},\"spec\":{" + gpu + "},\"status\":{\"phase\":\"Failed\"}}"),
                seen)).as("finished").isEmpty();
        assertThat(MAPPER.pending(stream("{\"metadata\":{\"name\":\"p\",\"uid\":\"u\"},\"spec\":{\"containers\":[{\"name\":\"c\"}]}}"), seen))
                .as("no GPU").isEmpty();
        assertThat(MAPPER.pending(stream("{\"metadata\":{\"name\":\"p\",\"uid\":\"u\",\"annotations\":{\"kubegpu.io/gpu\":\"1\"}},"
                + "\"spec\":{\"containers\":[{\"name\":\"c\"}]}}"), seen)).as("the annotation alone (no webhook ran)").isPresent();
    }

    @Test
    void refusesAShapeThatIsNotAPod() {
        assertThatThrownBy(() -> stream("{\"metadata\":{\"annotations\":[\"a\"]}}")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> stream("[1]")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void softPreferencesAreSeenTheSameWayByBothDecoders() throws IOException {
        MetadataTrimming.install();
        String[] withPreferences = {
            "{\"spec\":{\"affinity\":{\"nodeAffinity\":{\"preferredDuringSchedulingIgnoredDuringExecution\":[{\"weight\":1,"
                    + "\"preference\":{\"matchExpressions\":[{\"key\":\"zone\",\"operator\":\"In\",\"values\":[\"a\"]}]}}]}}}}",
            "{\"spec\":{\"affinity\":{\"podAntiAffinity\":{\"preferredDuringSchedulingIgnoredDuringExecution\":[{\"weight\":5}]}}}}",
            "{\"spec\":{\"topologySpreadConstraints\":[{\"maxSkew\":1,\"whenUnsatisfiable\":\"ScheduleAnyway\"}]}}"};
        String[] without = {
            "{\"spec\":{}}",
            "{\"spec\":{\"affinity\":{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":{\"nodeSelectorTerms\":[]},"
                    + "\"preferredDuringSchedulingIgnoredDuringExecution\":[]}}}}",
            "{\"spec\":{\"topologySpreadConstraints\":[{\"maxSkew\":1,\"whenUnsatisfiable\":\"DoNotSchedule\"}]}}",
            "{\"spec\":{\"affinity\":null,\"topologySpreadConstraints\":null}}"};
        for (String json : withPreferences) {
            assertThat(stream(json).hasSoftPreferences()).as(json).isTrue();
            assertThat(MetadataTrimming.reflective().fromJson(json, KubePod.class).hasSoftPreferences()).as(json).isTrue();
        }
        for (String json : without) {
            assertThat(stream(json).hasSoftPreferences()).as(json).isFalse();
            assertThat(MetadataTrimming.reflective().fromJson(json, KubePod.class).hasSoftPreferences()).as(json).isFalse();
        }
    }
}
