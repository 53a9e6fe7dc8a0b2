package io.kubegpu.webhook.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.request.GrammarConfig;
import jakarta.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pod in, JSON Patch out, applied back with a real RFC 6902 implementation and compared. */
class PodMutatorTest {
    private static final PodMutator MUTATOR = new PodMutator(MutationConfig.defaults());

    private static JsonObject fixturePod(String name) throws IOException {
        try (InputStream in = PodMutatorTest.class.getResourceAsStream("/io/kubegpu/webhook/http/" + name)) {
            return JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject()
                    .getAsJsonObject("request").getAsJsonObject("object");
        }
    }

    private static JsonObject pod(String json) {
        return JsonParser.parseString(json).getAsJsonObject();
    }

    /** Applies the patch the way the API server does (a failing op fails the whole patch). */
    static JsonObject apply(JsonObject pod, JsonArray patch) {
        var target = Json.createReader(new StringReader(pod.toString())).readObject();
        var ops = Json.createReader(new StringReader(patch.toString())).readArray();
        return JsonParser.parseString(Json.createPatch(ops).apply(target).toString()).getAsJsonObject();
    }

    private static JsonObject mutated(JsonObject pod, PodMutator mutator) {
        MutationResult result = mutator.mutate(pod);
        assertThat(result.allowed()).as(result.message()).isTrue();
        JsonObject after = apply(pod, result.patch());
        assertThat(mutator.mutate(after).patch()).as("mutating the result again changes nothing").isEmpty();
        return after;
    }

    @Test
    void aRealApiServerPodGetsItsModelConstraintAndTolerationAndIsIdempotent() throws IOException {
        JsonObject pod = fixturePod("admissionreview-pod-create.json");
        JsonObject after = mutated(pod, MUTATOR);
        var spec = after.getAsJsonObject("spec");
        var expression = spec.getAsJsonObject("affinity").getAsJsonObject("nodeAffinity")
                .getAsJsonObject("requiredDuringSchedulingIgnoredDuringExecution").getAsJsonArray("nodeSelectorTerms").get(0)
                .getAsJsonObject().getAsJsonArray("matchExpressions").get(0).getAsJsonObject();
        assertThat(expression.get("key").getAsString()).isEqualTo("nvidia.com/gpu.product");
        assertThat(expression.get("operator").getAsString()).isEqualTo("In");
        assertThat(expression.getAsJsonArray("values").toString()).contains("\"Tesla-V100-SXM2-32GB\"", "\"Tesla-V100-PCIE-16GB\"",
                "\"Tesla-V100-SXM2-16GB-SHARED\"").doesNotContain("V100S");
        // The user's two default tolerations stay; ours is appended.
        assertThat(spec.getAsJsonArray("tolerations")).hasSize(3);
        assertThat(spec.getAsJsonArray("tolerations").get(2).toString())
                .isEqualTo("{\"key\":\"nvidia.com/gpu\",\"operator\":\"Exists\",\"effect\":\"NoSchedule\"}");
        // The resources were already what the annotation asks for: untouched.
        assertThat(after.getAsJsonObject("spec").getAsJsonArray("containers").get(0))
                .isEqualTo(pod.getAsJsonObject("spec").getAsJsonArray("containers").get(0));
    }

    @Test
    void podsWithoutTheAnnotationAreAllowedUntouched() throws IOException {
        MutationResult result = MUTATOR.mutate(fixturePod("admissionreview-pod-create-generatename.json"));
        assertThat(result.allowed()).isTrue();
        assertThat(result.patch()).isEmpty();
    }

    @Test
    void setsWholeGpuResourcesWhereMapsAreMissingAndEscapesTheKeys() {
        JsonObject pod = pod("""
                {"metadata":{"name":"p","annotations":{"kubegpu.io/gpu":"2"}},
                 "spec":{"containers":[{"name":"a","resources":{}},{"name":"b"}]}}""");
        MutationResult result = MUTATOR.mutate(pod);
        assertThat(result.patch().toString()).contains("\"path\":\"/spec/containers/0/resources/limits\"");
        JsonObject after = mutated(pod, MUTATOR);
        var resources = after.getAsJsonObject("spec").getAsJsonArray("containers").get(0).getAsJsonObject().getAsJsonObject("resources");
        assertThat(resources.toString()).isEqualTo("{\"limits\":{\"nvidia.com/gpu\":\"2\"},\"requests\":{\"nvidia.com/gpu\":\"2\"}}");

        JsonObject partial = pod("""
                {"metadata":{"annotations":{"kubegpu.io/gpu":"1(amd)"}},
                 "spec":{"containers":[{"name":"a","resources":{"limits":{"cpu":"2"}}}]}}""");
        assertThat(MUTATOR.mutate(partial).patch().toString()).contains("/spec/containers/0/resources/limits/amd.com~1gpu");
        assertThat(mutated(partial, MUTATOR).getAsJsonObject("spec").getAsJsonArray("containers").get(0).toString())
                .contains("\"limits\":{\"cpu\":\"2\",\"amd.com/gpu\":\"1\"}");
    }

    @Test
    void otherContainersAndInitContainersCannotSeeTheGpus() throws IOException {
        JsonObject pod = fixturePod("admissionreview-pod-create-generatename.json");
        pod.getAsJsonObject("metadata").add("annotations", pod("{\"kubegpu.io/gpu\":\"1(A100)\"}"));
        JsonObject after = mutated(pod, MUTATOR);
        var spec = after.getAsJsonObject("spec");
        assertThat(spec.getAsJsonArray("containers").get(0).toString()).doesNotContain("NVIDIA_VISIBLE_DEVICES");
        assertThat(spec.getAsJsonArray("containers").get(1).toString()).contains("{\"name\":\"NVIDIA_VISIBLE_DEVICES\",\"value\":\"none\"}");
        assertThat(spec.getAsJsonArray("initContainers").get(0).toString()).contains("NVIDIA_VISIBLE_DEVICES");
    }

    @Test
    void theContainerAnnotationPicksTheTarget() {
        JsonObject pod = pod("""
                {"metadata":{"annotations":{"kubegpu.io/gpu":"1","kubegpu.io/container":"worker"}},
                 "spec":{"containers":[{"name":"sidecar","env":[{"name":"A","value":"1"}]},{"name":"worker"}]}}""");
        JsonObject after = mutated(pod, MUTATOR);
        var containers = after.getAsJsonObject("spec").getAsJsonArray("containers");
        assertThat(containers.get(1).toString()).contains("\"nvidia.com/gpu\":\"1\"");
        assertThat(containers.get(0).toString()).contains("{\"name\":\"A\",\"value\":\"1\"},{\"name\":\"NVIDIA_VISIBLE_DEVICES\"");
        MutationResult missing = MUTATOR.mutate(pod("""
                {"metadata":{"annotations":{"kubegpu.io/gpu":"1","kubegpu.io/container":"nope"}},"spec":{"containers":[{"name":"a"}]}}"""));
        assertThat(missing.allowed()).isFalse();
        assertThat(missing.message()).isEqualTo("kubegpu.io/container 'nope' names no container of the pod; containers: a");
    }

    @Test
    void theUsersRequiredAffinityTermsEachGetTheModelRequirement() {
        JsonObject pod = pod("""
                {"metadata":{"annotations":{"kubegpu.io/gpu":"1(A100|H100)"}},
                 "spec":{"nodeSelector":{"team":"ml"},"containers":[{"name":"a"}],
                   "affinity":{"podAntiAffinity":{},"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[
                     {"matchExpressions":[{"key":"zone","operator":"In","values":["a"]}]},
                     {"matchFields":[{"key":"metadata.name","operator":"In","values":["n1"]}]}]}}}}}""");
        JsonObject after = mutated(pod, MUTATOR);
        var spec = after.getAsJsonObject("spec");
        assertThat(spec.getAsJsonObject("nodeSelector").toString()).isEqualTo("{\"team\":\"ml\"}");
        assertThat(spec.getAsJsonObject("affinity").has("podAntiAffinity")).isTrue();
        var terms = spec.getAsJsonObject("affinity").getAsJsonObject("nodeAffinity")
                .getAsJsonObject("requiredDuringSchedulingIgnoredDuringExecution").getAsJsonArray("nodeSelectorTerms");
        assertThat(terms.get(0).getAsJsonObject().getAsJsonArray("matchExpressions")).hasSize(2);
        assertThat(terms.get(1).getAsJsonObject().getAsJsonArray("matchExpressions")).hasSize(1);
        assertThat(terms.get(1).toString()).contains("NVIDIA-H100-80GB-HBM3", "NVIDIA-A100-SXM4-80GB", "A100-SXM4-40GB");
    }

    @Test
    void aGpuTypeClusterGetsANodeSelectorAndConflictsAreRefused() {
        MutationConfig cube = new MutationConfig(GrammarConfig.defaults(), GpuCatalog.builtIn(), "gpu-type", "aliyun.com/gpu-mem", 1024,
                List.of(), "gpu-scheduler", false, java.util.Map.of());
        PodMutator mutator = new PodMutator(cube);
        JsonObject pod = pod("""
                {"metadata":{"annotations":{"kubegpu.io/gpu":"2(v100)"}},
                 "spec":{"schedulerName":"default-scheduler","containers":[{"name":"a"}]}}""");
        JsonObject after = mutated(pod, mutator);
        assertThat(after.getAsJsonObject("spec").getAsJsonObject("nodeSelector").toString()).isEqualTo("{\"gpu-type\":\"V100\"}");
        assertThat(after.getAsJsonObject("spec").get("schedulerName").getAsString()).isEqualTo("gpu-scheduler");
        assertThat(after.getAsJsonObject("metadata").getAsJsonObject("annotations").get("kubegpu.io/gpu").getAsString()).isEqualTo("2(V100)");

        MutationResult conflict = mutator.mutate(pod("""
                {"metadata":{"annotations":{"kubegpu.io/gpu":"2(V100)"}},"spec":{"nodeSelector":{"gpu-type":"T4"},"containers":[{"name":"a"}]}}"""));
        assertThat(conflict.allowed()).isFalse();
        assertThat(conflict.message()).startsWith("the pod's nodeSelector gpu-type=T4 contradicts kubegpu.io/gpu '2(V100)'");
    }

    @Test
    void sharesRequestTheSharingResourceInItsUnits() {
        JsonObject shared = pod("{\"metadata\":{\"annotations\":{\"kubegpu.io/gpu\":\"8G,0.5(T4)\"}},\"spec\":{\"containers\":[{\"name\":\"a\"}]}}");
        assertThat(mutated(shared, MUTATOR).toString()).contains("\"limits\":{\"aliyun.com/gpu-mem\":\"8\"}");
        JsonObject proportional = pod("{\"metadata\":{\"annotations\":{\"kubegpu.io/gpu\":\"0.25(T4)\"}},\"spec\":{\"containers\":[{\"name\":\"a\"}]}}");
        assertThat(mutated(proportional, MUTATOR).toString()).contains("\"aliyun.com/gpu-mem\":\"4\"");
        MutationResult unsized = MUTATOR.mutate(pod("{\"metadata\":{\"annotations\":{\"kubegpu.io/gpu\":\"0.5\"}},\"spec\":{\"containers\":[{\"name\":\"a\"}]}}"));
        assertThat(unsized.allowed()).isFalse();
        assertThat(unsized.message()).contains("share without memory").contains("8G,0.5");
    }

    @Test
    void refusesInvalidImpossibleAndConflictingRequestsWithTheFix() {
        MutationResult invalid = MUTATOR.mutate(pod("{\"metadata\":{\"annotations\":{\"kubegpu.io/gpu\":\"1.5\"}},\"spec\":{\"containers\":[{\"name\":\"a\"}]}}"));
        assertThat(invalid).extracting(MutationResult::allowed, MutationResult::code).containsExactly(false, 400);
        assertThat(invalid.message()).isEqualTo("kubegpu.io/gpu '1.5' is invalid at column 1: '1.5' is not a whole number of GPUs; use 2, or 0.5"
                + " for a share of one GPU [FRACTIONAL_GPUS]");

        MutationResult impossible = MUTATOR.mutate(pod("{\"metadata\":{\"annotations\":{\"kubegpu.io/gpu\":\"40G,0.5(T4)\"}},\"spec\":{\"containers\":[{\"name\":\"a\"}]}}"));
        assertThat(impossible).extracting(MutationResult::allowed, MutationResult::code).containsExactly(false, 403);
        assertThat(impossible.message()).isEqualTo("kubegpu.io/gpu '40G,0.5(T4)' can never be scheduled: T4 has 16 GiB per GPU; 40G,0.5 needs 40 GiB on one GPU");

        MutationResult conflict = MUTATOR.mutate(pod("""
                {"metadata":{"annotations":{"kubegpu.io/gpu":"2"}},"spec":{"containers":[{"name":"a","resources":{"limits":{"nvidia.com/gpu":"1"}}}]}}"""));
        assertThat(conflict.message()).isEqualTo("container 'a' sets limits nvidia.com/gpu: 1 but kubegpu.io/gpu asks for 2; remove the resource"
                + " from the container or the kubegpu.io/gpu annotation");

        MutationResult badMemory = MUTATOR.mutate(pod("""
                {"metadata":{"annotations":{"kubegpu.io/gpu":"1","kubegpu.io/min-gpu-memory":"lots"}},"spec":{"containers":[{"name":"a"}]}}"""));
        assertThat(badMemory.message()).startsWith("kubegpu.io/min-gpu-memory 'lots' is invalid");
    }

    @Test
    void unknownModelsAreAllowedWithAWarningAndNormalizationIsReported() {
        MutationResult unknown = MUTATOR.mutate(pod("{\"metadata\":{\"annotations\":{\"kubegpu.io/gpu\":\"1(MYCARD)\"}},\"spec\":{\"containers\":[{\"name\":\"a\"}]}}"));
        assertThat(unknown.allowed()).isTrue();
        assertThat(unknown.warnings()).containsExactly("GPU model MYCARD is not in the GPU catalog: the memory guard cannot check it");
        JsonObject fullWidth = pod("{\"metadata\":{\"annotations\":{\"kubegpu.io/gpu\":\"２（Ｖ１００）\"}},\"spec\":{\"containers\":[{\"name\":\"a\"}]}}");
        MutationResult result = MUTATOR.mutate(fullWidth);
        assertThat(result.warnings()).containsExactly("kubegpu.io/gpu '２（Ｖ１００）' was normalized to '2(V100)'");
        assertThat(mutated(fullWidth, MUTATOR).getAsJsonObject("metadata").getAsJsonObject("annotations").get("kubegpu.io/gpu").getAsString())
                .isEqualTo("2(V100)");
    }

    @Test
    void namespaceCapsLimitWholeGpusAndShares() {
        MutationConfig defaults = MutationConfig.defaults();
        PodMutator capped = new PodMutator(new MutationConfig(defaults.grammar(), defaults.catalog(), defaults.modelLabel(),
                defaults.sharedResource(), defaults.sharedUnitMiB(), defaults.tolerations(), null, true,
                java.util.Map.of("students", 500, "*", 4000)));
        JsonObject eight = pod("{\"metadata\":{\"annotations\":{\"kubegpu.io/gpu\":\"8\"}},\"spec\":{\"containers\":[{\"name\":\"a\"}]}}");
        MutationResult refused = capped.mutate(eight, "research");
        assertThat(refused).extracting(MutationResult::allowed, MutationResult::code).containsExactly(false, 403);
        assertThat(refused.message()).isEqualTo("kubegpu.io/gpu '8' asks for 8 GPU; pods in namespace research may ask for at most 4"
                + " (ask the platform team to raise the cap)");
        JsonObject half = pod("{\"metadata\":{\"annotations\":{\"kubegpu.io/gpu\":\"0.75(T4)\"}},\"spec\":{\"containers\":[{\"name\":\"a\"}]}}");
        assertThat(capped.mutate(half, "students").message()).contains("asks for 0.75 GPU").contains("at most 0.5");
        assertThat(capped.mutate(half, "research").allowed()).isTrue();
        assertThat(MUTATOR.mutate(eight, "research").allowed()).as("no caps configured").isTrue();
    }

    @Test
    void withTheClusterKnownRequestsNoNodeCanRunAreRefused() {
        FleetFeasibility noV100 = (request, minTotal) -> request.models().contains("V100")
                ? java.util.Optional.of("none of the 3 nodes can ever take it (3 × node has T4, the pod needs V100)")
                : java.util.Optional.empty();
        PodMutator mutator = new PodMutator(MutationConfig.defaults(), noV100);
        MutationResult refused = mutator.mutate(pod("{\"metadata\":{\"annotations\":{\"kubegpu.io/gpu\":\"2(V100)\"}},\"spec\":{\"containers\":[{\"name\":\"a\"}]}}"));
        assertThat(refused).extracting(MutationResult::allowed, MutationResult::code).containsExactly(false, 403);
        assertThat(refused.message()).isEqualTo("kubegpu.io/gpu '2(V100)' can never be scheduled in this cluster: none of the 3 nodes can"
                + " ever take it (3 × node has T4, the pod needs V100)");
        assertThat(mutator.mutate(pod("{\"metadata\":{\"annotations\":{\"kubegpu.io/gpu\":\"1(T4)\"}},\"spec\":{\"containers\":[{\"name\":\"a\"}]}}"))
                .allowed()).isTrue();
    }

    @Test
    void assignmentAnnotationsAPodArrivesWithAreRemoved() {
        // Only our bind may say which GPU a share has; the device plugin believes these annotations.
        JsonObject pod = pod("""
                {"metadata":{"name":"p","namespace":"ns","annotations":{"kubegpu.io/gpu":"8G,0.5(T4)",
                  "kubegpu.io/assigned-node":"t4-a","kubegpu.io/assigned-gpus":"0:1:0","ALIYUN_COM_GPU_MEM_IDX":"0",
                  "ALIYUN_COM_GPU_MEM_POD":"1","ALIYUN_COM_GPU_MEM_ASSIGNED":"true","team":"nlp"}},
                 "spec":{"containers":[{"name":"c","image":"i"}]}}""");
        MutationResult result = MUTATOR.mutate(pod);
        JsonObject after = apply(pod, result.patch());
        assertThat(after.getAsJsonObject("metadata").getAsJsonObject("annotations").keySet())
                .containsExactlyInAnyOrder("kubegpu.io/gpu", "team");
        assertThat(result.warnings()).anyMatch(w -> w.contains("removed annotation kubegpu.io/assigned-gpus"));
        assertThat(MUTATOR.mutate(after).patch()).isEmpty();

        // Also on a pod that asks for GPUs through resources only.
        JsonObject resourcesOnly = pod("""
                {"metadata":{"name":"p","annotations":{"ALIYUN_COM_GPU_MEM_IDX":"3"}},
                 "spec":{"containers":[{"name":"c","resources":{"limits":{"aliyun.com/gpu-mem":"4"}}}]}}""");
        assertThat(apply(resourcesOnly, MUTATOR.mutate(resourcesOnly).patch()).getAsJsonObject("metadata").getAsJsonObject("annotations")
                .keySet()).isEmpty();
    }

    @Test
    void aBareShareIsSizedFromTheMemoryTheClustersNodesReport() {
        // T4 nodes report 15,360 MiB: half of that, down to whole GiB, is 7; two halves then fit one card.
        FleetFeasibility fleet = new FleetFeasibility() {
            @Override
            public java.util.Optional<String> neverFits(io.kubegpu.request.GpuRequest request, int minTotalMiB) {
                return java.util.Optional.empty();
            }

            @Override
            public java.util.OptionalInt usableMemoryMiB(io.kubegpu.request.GpuRequest request) {
                return java.util.OptionalInt.of(15360);
            }
        };
        JsonObject pod = pod("{\"metadata\":{\"name\":\"p\",\"annotations\":{\"kubegpu.io/gpu\":\"0.5(T4)\"}},"
                + "\"spec\":{\"containers\":[{\"name\":\"c\"}]}}");
        JsonObject sized = mutated(pod, new PodMutator(MutationConfig.defaults(), fleet));
        assertThat(sized.getAsJsonObject("spec").getAsJsonArray("containers").get(0).getAsJsonObject().getAsJsonObject("resources")
                .getAsJsonObject("limits").get("aliyun.com/gpu-mem").getAsString()).isEqualTo("7");
        // Without cluster state: the catalog's 16 GiB, so 8.
        assertThat(mutated(pod, MUTATOR).getAsJsonObject("spec").getAsJsonArray("containers").get(0).getAsJsonObject()
                .getAsJsonObject("resources").getAsJsonObject("limits").get("aliyun.com/gpu-mem").getAsString()).isEqualTo("8");
    }

    @Test
    void aTolerationOfTheSameKeyButAnotherValueDoesNotCoverOurs() {
        // key nvidia.com/gpu with value x tolerates only taints of value x; ours tolerates the key with any value.
        JsonObject pod = pod("""
                {"metadata":{"annotations":{"kubegpu.io/gpu":"1"}},"spec":{"containers":[{"name":"a"}],
                 "tolerations":[{"key":"nvidia.com/gpu","operator":"Equal","value":"x","effect":"NoSchedule"}]}}""");
        JsonArray tolerations = mutated(pod, MUTATOR).getAsJsonObject("spec").getAsJsonArray("tolerations");
        assertThat(tolerations).hasSize(2);
        assertThat(tolerations.get(1).getAsJsonObject().get("operator").getAsString()).isEqualTo("Exists");

        // Configured as key=value: a toleration of the same key, effect and operator but another value does not cover it.
        MutationConfig defaults = MutationConfig.defaults();
        PodMutator equal = new PodMutator(new MutationConfig(defaults.grammar(), defaults.catalog(), defaults.modelLabel(), defaults.sharedResource(),
                defaults.sharedUnitMiB(), List.of(new MutationConfig.Toleration("nvidia.com/gpu", "Equal", "present", "NoSchedule")), null, true,
                java.util.Map.of()));
        assertThat(mutated(pod, equal).getAsJsonObject("spec").getAsJsonArray("tolerations")).hasSize(2);
        JsonObject same = pod("""
                {"metadata":{"annotations":{"kubegpu.io/gpu":"1"}},"spec":{"containers":[{"name":"a"}],
                 "tolerations":[{"key":"nvidia.com/gpu","operator":"Equal","value":"present","effect":"NoSchedule"}]}}""");
        assertThat(mutated(same, equal).getAsJsonObject("spec").getAsJsonArray("tolerations")).hasSize(1);

        // What does cover ours: the same key with Exists, a toleration of every key, or one of every effect.
        for (String covering : List.of("{\"key\":\"nvidia.com/gpu\",\"operator\":\"Exists\",\"effect\":\"NoSchedule\"}",
                "{\"operator\":\"Exists\"}", "{\"key\":\"nvidia.com/gpu\",\"operator\":\"Exists\"}")) {
            JsonObject tolerant = pod("{\"metadata\":{\"annotations\":{\"kubegpu.io/gpu\":\"1\"}},\"spec\":{\"containers\":[{\"name\":\"a\"}],"
                    + "\"tolerations\":[" + covering + "]}}");
            assertThat(mutated(tolerant, MUTATOR).getAsJsonObject("spec").getAsJsonArray("tolerations")).as(covering).hasSize(1);
        }
    }

    @Test
    void denialsCarryTheirReasonAsData() {
        MutationResult refused = MUTATOR.mutate(pod("{\"metadata\":{\"annotations\":{\"kubegpu.io/gpu\":\"1.5\"}},\"spec\":{\"containers\":[{\"name\":\"a\"}]}}"));
        assertThat(refused).isInstanceOfSatisfying(MutationResult.Denied.class, denied -> {
            assertThat(denied.reason()).isEqualTo(DenialReason.INVALID_REQUEST);
            assertThat(denied.reason().tag()).isEqualTo("invalid_request");
        });
    }
}
