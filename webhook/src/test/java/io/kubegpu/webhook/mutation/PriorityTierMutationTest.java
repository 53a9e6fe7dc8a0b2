package io.kubegpu.webhook.mutation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

/** {@code kubegpu.io/priority} becomes the tier's PriorityClass on the pod, with its value and preemption policy. */
class PriorityTierMutationTest {
    private static final PodMutator MUTATOR = new PodMutator(MutationConfig.defaults());

    /** A pod as the API server hands it to the webhook: its Priority plugin has already set priority 0 (no class). */
    private static JsonObject pod(String annotations, String spec) {
        return JsonParser.parseString("""
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"ns","annotations":{%s}},
                 "spec":{"containers":[{"name":"c","image":"x"}],"priority":0%s}}""".formatted(annotations, spec)).getAsJsonObject();
    }

    private static JsonObject mutated(JsonObject pod) {
        MutationResult result = MUTATOR.mutate(pod);
        assertThat(result.allowed()).as(result.message()).isTrue();
        JsonObject after = PodMutatorTest.apply(pod, result.patch());
        assertThat(MUTATOR.mutate(after).patch()).as("idempotent").isEmpty();
        return after.getAsJsonObject("spec");
    }

    @Test
    void eachTierSetsItsClassValueAndPreemptionPolicy() {
        JsonObject high = mutated(pod("\"kubegpu.io/priority\":\"high\"", ""));
        assertThat(high.get("priorityClassName").getAsString()).isEqualTo("kubegpu-high");
        assertThat(high.get("priority").getAsInt()).isEqualTo(1_000_000);
        assertThat(high.get("preemptionPolicy").getAsString()).isEqualTo("PreemptLowerPriority");
        JsonObject low = mutated(pod("\"kubegpu.io/priority\":\" Low \"", ""));
        assertThat(low.get("priorityClassName").getAsString()).isEqualTo("kubegpu-low");
        assertThat(low.get("priority").getAsInt()).isEqualTo(-1000);
        assertThat(low.get("preemptionPolicy").getAsString()).isEqualTo("Never");
        // With a GPU request too: both apply.
        JsonObject both = mutated(pod("\"kubegpu.io/priority\":\"normal\",\"kubegpu.io/gpu\":\"1\"", ""));
        assertThat(both.get("priorityClassName").getAsString()).isEqualTo("kubegpu-normal");
        assertThat(both.getAsJsonArray("containers").get(0).getAsJsonObject().getAsJsonObject("resources").toString()).contains("nvidia.com/gpu");
    }

    @Test
    void theSameClassSetByHandIsKeptAndPodsWithoutTheAnnotationAreUntouched() {
        assertThat(mutated(pod("\"kubegpu.io/priority\":\"high\"", ",\"priorityClassName\":\"kubegpu-high\"")).get("priority").getAsInt())
                .isEqualTo(1_000_000);
        assertThat(MUTATOR.mutate(pod("\"other\":\"x\"", ",\"priorityClassName\":\"mine\"")).patch()).isEmpty();
    }

    @Test
    void anUnknownTierOrAConflictingClassIsRefusedWithTheFix() {
        MutationResult unknown = MUTATOR.mutate(pod("\"kubegpu.io/priority\":\"urgent\"", ""));
        assertThat(unknown).isInstanceOfSatisfying(MutationResult.Denied.class, denied -> {
            assertThat(denied.reason()).isEqualTo(DenialReason.INVALID_REQUEST);
            assertThat(denied.message()).isEqualTo("kubegpu.io/priority 'urgent' is not a priority tier; use high, normal, low");
        });
        MutationResult conflict = MUTATOR.mutate(pod("\"kubegpu.io/priority\":\"high\"", ",\"priorityClassName\":\"batch\""));
        assertThat(conflict).isInstanceOfSatisfying(MutationResult.Denied.class, denied -> {
            assertThat(denied.reason()).isEqualTo(DenialReason.CONFLICT);
            assertThat(denied.message()).isEqualTo("the pod sets priorityClassName 'batch' but kubegpu.io/priority 'high' asks for 'kubegpu-high'; "
                    + "remove priorityClassName or the kubegpu.io/priority annotation");
        });
    }

    @Test
    void tierSettingsAreCheckedWhenParsed() {
        assertThat(PriorityTiers.parse("high=gold:100,low=bronze:-5").tiers()).containsOnlyKeys("high", "low");
        assertThatThrownBy(() -> PriorityTiers.parse("high=gold")).hasMessage("priority tier 'high=gold' is not TIER=CLASS:VALUE, e.g. high=kubegpu-high:1000000");
        assertThatThrownBy(() -> PriorityTiers.parse("urgent=gold:1")).hasMessage("priority tier 'urgent' is not one of high, normal, low");
        assertThatThrownBy(() -> PriorityTiers.parse("high=system-x:1")).hasMessageContaining("not a PriorityClass name we may use");
        assertThatThrownBy(() -> PriorityTiers.parse("high=gold:2000000000")).hasMessageContaining("above 1000000000");
        assertThatThrownBy(() -> PriorityTiers.parse("high=gold:1,high=silver:2")).hasMessage("priority tier high is given twice");
    }
}
