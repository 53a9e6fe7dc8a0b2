package io.kubegpu.autoscale.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubegpu.api.Annotations;
import io.kubegpu.autoscale.AutoscaleErrorCode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AutoscalePlannerTest {
    private static final AutoscalePlanner PLANNER = new AutoscalePlanner(HpaApiVersion.V2BETA2);

    private static WorkloadRef deployment(String uid, String targets, String min, String max) {
        Map<String, String> annotations = new HashMap<>();
        if (targets != null) {
            annotations.put(Annotations.AUTOSCALE, targets);
        }
        if (min != null) {
            annotations.put(Annotations.AUTOSCALE_MIN, min);
        }
        if (max != null) {
            annotations.put(Annotations.AUTOSCALE_MAX, max);
        }
        return new WorkloadRef(WorkloadRef.DEPLOYMENT, "team-a", "infer", uid, annotations);
    }

    private static WorkloadRef statefulSet(String uid, String targets) {
        return new WorkloadRef(WorkloadRef.STATEFUL_SET, "team-a", "infer", uid, Map.of(Annotations.AUTOSCALE, targets,
                Annotations.AUTOSCALE_MAX, "3"));
    }

    /** The autoscaler as a 1.20 API server returns the one we create for cpu:50%,gpu:60%, 1..4, with status and server fields. */
    private static JsonObject stored(String ownerKind, String ownerUid, String specEdits) {
        String owners = ownerUid == null ? "" : """
                ,"ownerReferences":[{"apiVersion":"apps/v1","kind":"%s","name":"infer","uid":"%s","controller":true}]""".formatted(ownerKind, ownerUid);
        JsonObject hpa = JsonParser.parseString("""
                {"apiVersion":"autoscaling/v2beta2","kind":"HorizontalPodAutoscaler",
                 "metadata":{"name":"infer","namespace":"team-a","uid":"hpa-1","resourceVersion":"812",
                   "creationTimestamp":"2026-12-07T01:00:00Z","labels":{"app.kubernetes.io/managed-by":"kube-gpu-extender"},
                   "annotations":{"kubegpu.io/autoscale":"cpu:50%%,gpu:60%%"}%s,
                   "managedFields":[{"manager":"kube-gpu-extender","operation":"Update"}]},
                 "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"%s","name":"infer"},"minReplicas":1,"maxReplicas":4,
                   "metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":50}}},
                              {"type":"Pods","pods":{"metric":{"name":"container_gpu_usage"},"target":{"type":"AverageValue","averageValue":"600m"}}}]},
                 "status":{"currentReplicas":1,"desiredReplicas":1,"currentMetrics":null,"conditions":[]}}""".formatted(owners, ownerKind))
                .getAsJsonObject();
        if (specEdits != null) {
            JsonParser.parseString(specEdits).getAsJsonObject().entrySet().forEach(e -> hpa.getAsJsonObject("spec").add(e.getKey(), e.getValue()));
        }
        return hpa;
    }

    private static List<AutoscalePlan> plan(WorkloadRef deployment, WorkloadRef statefulSet, JsonObject hpa, JsonObject... others) {
        return PLANNER.plan(deployment, statefulSet, hpa == null ? null : new FoundHpa(hpa),
                java.util.Arrays.stream(others).map(FoundHpa::new).toList());
    }

    @Test
    void anOptedInDeploymentWithoutAnAutoscalerGetsOneOwnedByIt() {
        var plans = plan(deployment("uid-d", "cpu:50%,gpu:60%", null, "4"), null, null);
        assertThat(plans).singleElement().isInstanceOf(AutoscalePlan.Create.class);
        JsonObject hpa = ((AutoscalePlan.Create) plans.get(0)).hpa();
        // CPU is a Resource utilization; the GPU is a Pods metric whose average-value target is the fraction: 60 % -> 600m.
        assertThat(hpa).isEqualTo(JsonParser.parseString("""
                {"apiVersion":"autoscaling/v2beta2","kind":"HorizontalPodAutoscaler",
                 "metadata":{"name":"infer","namespace":"team-a","labels":{"app.kubernetes.io/managed-by":"kube-gpu-extender"},
                   "annotations":{"kubegpu.io/autoscale":"cpu:50%,gpu:60%"},
                   "ownerReferences":[{"apiVersion":"apps/v1","kind":"Deployment","name":"infer","uid":"uid-d","controller":true}]},
                 "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"infer"},"minReplicas":1,"maxReplicas":4,
                   "metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":50}}},
                              {"type":"Pods","pods":{"metric":{"name":"container_gpu_usage"},"target":{"type":"AverageValue","averageValue":"600m"}}}]}}"""));
    }

    @Test
    void everyMetricMapsToItsHpaMetric() {
        var plans = plan(deployment("uid-d", "gpu-mem:90%,mem:80%", "2", "6"), null, null);
        JsonObject spec = ((AutoscalePlan.Create) plans.get(0)).hpa().getAsJsonObject("spec");
        assertThat(spec.get("minReplicas").getAsInt()).isEqualTo(2);
        // Canonical order: memory before gpu-mem; 90 % of the GPU memory -> 900m.
        assertThat(spec.get("metrics")).isEqualTo(JsonParser.parseString("""
                [{"type":"Resource","resource":{"name":"memory","target":{"type":"Utilization","averageUtilization":80}}},
                 {"type":"Pods","pods":{"metric":{"name":"container_gpu_memory_usage"},"target":{"type":"AverageValue","averageValue":"900m"}}}]"""));
    }

    @Test
    void theNewestApiVersionTheServerOffersIsWritten() {
        var plans = new AutoscalePlanner(HpaApiVersion.V2).plan(deployment("uid-d", "cpu:50%", null, "4"), null, null, List.of());
        assertThat(((AutoscalePlan.Create) plans.get(0)).hpa().get("apiVersion").getAsString()).isEqualTo("autoscaling/v2");
        assertThat(HpaApiVersion.choose(List.of("v1", "v2beta1", "v2beta2"))).contains("v2beta2");
        assertThat(HpaApiVersion.choose(List.of("v1", "v2", "v2beta2"))).contains("v2");
        assertThat(HpaApiVersion.choose(List.of("v1", "v2beta1"))).isEmpty();
    }

    @Test
    void anAutoscalerAsTheServerStoresItIsKept() {
        assertThat(plan(deployment("uid-d", "cpu:50%,gpu:60%", null, "4"), null, stored("Deployment", "uid-d", null)))
                .singleElement().isInstanceOf(AutoscalePlan.Keep.class);
        // The same metrics in another order and another spelling of 600m mean the same autoscaler.
        String reordered = """
                {"metrics":[{"type":"Pods","pods":{"target":{"averageValue":"0.6","type":"AverageValue"},"metric":{"name":"container_gpu_usage"}}},
                            {"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":50}}}]}""";
        assertThat(plan(deployment("uid-d", "gpu:60%,cpu:50%", null, "4"), null, stored("Deployment", "uid-d", reordered)))
                .singleElement().isInstanceOf(AutoscalePlan.Keep.class);
    }

    @Test
    void driftIsUpdatedBackKeepingTheResourceVersionAndListingWhatDiffered() {
        var plans = plan(deployment("uid-d", "cpu:50%,gpu:60%", null, "4"), null, stored("Deployment", "uid-d", """
                {"maxReplicas":10,"behavior":{"scaleDown":{"stabilizationWindowSeconds":0}}}"""));
        assertThat(plans).singleElement().isInstanceOf(AutoscalePlan.Update.class);
        var update = (AutoscalePlan.Update) plans.get(0);
        assertThat(update.drift()).containsExactly("behavior", "maxReplicas 10 (want 4)");
        assertThat(update.hpa().getAsJsonObject("metadata").get("resourceVersion").getAsString()).isEqualTo("812");
        assertThat(update.hpa().getAsJsonObject("spec").get("maxReplicas").getAsInt()).isEqualTo(4);
        assertThat(update.hpa().getAsJsonObject("spec").has("behavior")).isFalse();
        assertThat(update.hpa().has("status")).isFalse();
        assertThat(update.hpa().getAsJsonObject("metadata").has("managedFields")).isFalse();
    }

    @Test
    void aChangedAnnotationUpdatesTheAutoscaler() {
        var plans = plan(deployment("uid-d", "cpu:50%,gpu:70%", null, "4"), null, stored("Deployment", "uid-d", null));
        var update = (AutoscalePlan.Update) plans.get(0);
        assertThat(update.drift()).containsExactly("metrics", "annotation kubegpu.io/autoscale");
        assertThat(update.hpa().getAsJsonObject("metadata").getAsJsonObject("annotations").get(Annotations.AUTOSCALE).getAsString())
                .isEqualTo("cpu:50%,gpu:70%");
    }

    @Test
    void anOwnerSomeoneRemovedIsRestored() {
        var plans = plan(deployment("uid-d", "cpu:50%,gpu:60%", null, "4"), null, stored("Deployment", null, null));
        var update = (AutoscalePlan.Update) plans.get(0);
        assertThat(update.drift()).containsExactly("owner");
        assertThat(update.hpa().getAsJsonObject("metadata").getAsJsonArray("ownerReferences")).hasSize(1);
    }

    @Test
    void removingTheAnnotationDeletesOurAutoscalerButNeverSomeoneElses() {
        assertThat(plan(deployment("uid-d", null, null, "4"), null, stored("Deployment", "uid-d", null)))
                .containsExactly(new AutoscalePlan.Delete(deployment("uid-d", null, null, "4"), "infer", "hpa-1"));
        JsonObject theirs = stored("Deployment", null, null);
        theirs.getAsJsonObject("metadata").remove("labels");
        assertThat(plan(deployment("uid-d", null, null, "4"), null, theirs)).isEmpty();
        assertThat(plan(deployment("uid-d", null, null, null), null, null)).isEmpty();
    }

    @Test
    void invalidAnnotationsAreRefusedWithTheirCodeAndColumnAndTheAutoscalerIsLeftAlone() {
        var plans = plan(deployment("uid-d", "cpu:150%", null, "4"), null, stored("Deployment", "uid-d", null));
        assertThat(plans).singleElement().isInstanceOf(AutoscalePlan.Refuse.class);
        var refuse = (AutoscalePlan.Refuse) plans.get(0);
        assertThat(refuse.reason()).isEqualTo(AutoscalePlan.Reason.INVALID);
        assertThat(refuse.error().code()).isEqualTo(AutoscaleErrorCode.PERCENT_OUT_OF_RANGE);
        assertThat(refuse.error().column()).isEqualTo(5);
        assertThat(refuse.message()).isEqualTo("kubegpu.io/autoscale 'cpu:150%': PERCENT_OUT_OF_RANGE at column 5: 150% is above 100%; "
                + "write a percentage within 1..100");
        assertThat(((AutoscalePlan.Refuse) plan(deployment("uid-d", "cpu:50%", "5", "2"), null, null).get(0)).error().code())
                .isEqualTo(AutoscaleErrorCode.MIN_ABOVE_MAX);
    }

    @Test
    void anAutoscalerOfTheSameNameThatIsNotOursIsNeverTakenOver() {
        JsonObject theirs = stored("Deployment", null, null);
        theirs.getAsJsonObject("metadata").remove("labels");
        var refuse = (AutoscalePlan.Refuse) plan(deployment("uid-d", "cpu:50%", null, "4"), null, theirs).get(0);
        assertThat(refuse.reason()).isEqualTo(AutoscalePlan.Reason.NAME_TAKEN);
        assertThat(refuse.message()).contains("HorizontalPodAutoscaler infer already exists and is created by someone else");
        // Ours but of an earlier Deployment of that name (garbage collection has not deleted it yet): not taken over either.
        var stale = (AutoscalePlan.Refuse) plan(deployment("uid-new", "cpu:50%", null, "4"), null, stored("Deployment", "uid-old", null)).get(0);
        assertThat(stale.reason()).isEqualTo(AutoscalePlan.Reason.NAME_TAKEN);
        assertThat(stale.message()).contains("owned by another object (uid uid-old)");
    }

    @Test
    void aWorkloadThatAnotherAutoscalerScalesIsRefused() {
        JsonObject other = stored("Deployment", null, null);
        other.getAsJsonObject("metadata").addProperty("name", "infer-hpa");
        var refuse = (AutoscalePlan.Refuse) plan(deployment("uid-d", "cpu:50%", null, "4"), null, null, other).get(0);
        assertThat(refuse.reason()).isEqualTo(AutoscalePlan.Reason.ANOTHER_AUTOSCALER);
        assertThat(refuse.message()).contains("HorizontalPodAutoscaler infer-hpa already scales Deployment team-a/infer");
    }

    @Test
    void aDeploymentAndAStatefulSetOfOneNameShareItFirstComeFirstServed() {
        var plans = plan(deployment("uid-d", "cpu:50%", null, "4"), statefulSet("uid-s", "gpu:60%"), null);
        assertThat(plans).hasSize(2);
        assertThat(plans.get(0)).isInstanceOf(AutoscalePlan.Create.class);
        assertThat(((AutoscalePlan.Refuse) plans.get(1)).reason()).isEqualTo(AutoscalePlan.Reason.NAME_TAKEN);
        // The StatefulSet owns the autoscaler: it keeps it, the Deployment is refused.
        JsonObject owned = stored("StatefulSet", "uid-s", """
                {"maxReplicas":3,"metrics":[{"type":"Pods","pods":{"metric":{"name":"container_gpu_usage"},"target":{"type":"AverageValue","averageValue":"600m"}}}]}""");
        owned.getAsJsonObject("metadata").getAsJsonObject("annotations").addProperty(Annotations.AUTOSCALE, "gpu:60%");
        plans = plan(deployment("uid-d", "cpu:50%", null, "4"), statefulSet("uid-s", "gpu:60%"), owned);
        assertThat(plans.get(0)).isInstanceOf(AutoscalePlan.Keep.class);
        assertThat(plans.get(0).workload().kind()).isEqualTo(WorkloadRef.STATEFUL_SET);
        assertThat(((AutoscalePlan.Refuse) plans.get(1)).reason()).isEqualTo(AutoscalePlan.Reason.NAME_TAKEN);
    }
}
