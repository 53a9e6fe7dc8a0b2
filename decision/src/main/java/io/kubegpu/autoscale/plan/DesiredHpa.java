package io.kubegpu.autoscale.plan;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.kubegpu.api.Annotations;
import io.kubegpu.autoscale.AutoscaleMetric;
import io.kubegpu.autoscale.AutoscaleSpec;

/**
 * The HorizontalPodAutoscaler a workload's {@code kubegpu.io/autoscale} asks for: named and owned by the workload (so
 * garbage collection deletes it with it), scaling it between the bounds, CPU and memory as {@code Resource}
 * utilization metrics and the GPU metrics as {@code Pods} metrics with an average-value target (60 % is {@code 600m},
 * as the metrics API serves fractions 0..1). No {@code behavior}: kube-controller-manager's defaults apply.
 */
public final class DesiredHpa {
    /** The label that marks our autoscalers. */
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGER = "kube-gpu-extender";

    private DesiredHpa() {
    }

    /** The full object for {@code autoscaling/<apiVersion>}. */
    public static JsonObject of(WorkloadRef workload, AutoscaleSpec spec, String apiVersion) {
        JsonObject hpa = new JsonObject();
        hpa.addProperty("apiVersion", "autoscaling/" + apiVersion);
        hpa.addProperty("kind", "HorizontalPodAutoscaler");
        JsonObject metadata = new JsonObject();
        metadata.addProperty("name", workload.name());
        metadata.addProperty("namespace", workload.namespace());
        JsonObject labels = new JsonObject();
        labels.addProperty(MANAGED_BY, MANAGER);
        metadata.add("labels", labels);
        JsonObject annotations = new JsonObject();
        annotations.addProperty(Annotations.AUTOSCALE, spec.canonicalTargets());
        metadata.add("annotations", annotations);
        JsonArray owners = new JsonArray();
        JsonObject owner = new JsonObject();
        owner.addProperty("apiVersion", WorkloadRef.API_VERSION);
        owner.addProperty("kind", workload.kind());
        owner.addProperty("name", workload.name());
        owner.addProperty("uid", workload.uid());
        owner.addProperty("controller", true);
        owners.add(owner);
        metadata.add("ownerReferences", owners);
        hpa.add("metadata", metadata);
        hpa.add("spec", spec(workload, spec));
        return hpa;
    }

    /** Only the spec. */
    public static JsonObject spec(WorkloadRef workload, AutoscaleSpec spec) {
        JsonObject out = new JsonObject();
        JsonObject target = new JsonObject();
        target.addProperty("apiVersion", WorkloadRef.API_VERSION);
        target.addProperty("kind", workload.kind());
        target.addProperty("name", workload.name());
        out.add("scaleTargetRef", target);
        out.addProperty("minReplicas", spec.minReplicas());
        out.addProperty("maxReplicas", spec.maxReplicas());
        JsonArray metrics = new JsonArray();
        spec.targets().forEach((metric, percent) -> metrics.add(metric(metric, percent)));
        out.add("metrics", metrics);
        return out;
    }

    private static JsonObject metric(AutoscaleMetric metric, int percent) {
        JsonObject out = new JsonObject();
        JsonObject target = new JsonObject();
        if (metric.kind() == AutoscaleMetric.Kind.RESOURCE) {
            out.addProperty("type", "Resource");
            JsonObject resource = new JsonObject();
            resource.addProperty("name", metric.metricName());
            target.addProperty("type", "Utilization");
            target.addProperty("averageUtilization", percent);
            resource.add("target", target);
            out.add("resource", resource);
        } else {
            out.addProperty("type", "Pods");
            JsonObject pods = new JsonObject();
            JsonObject identifier = new JsonObject();
            identifier.addProperty("name", metric.metricName());
            pods.add("metric", identifier);
            target.addProperty("type", "AverageValue");
            target.addProperty("averageValue", Quantity.ofPercent(percent));
            pods.add("target", target);
            out.add("pods", pods);
        }
        return out;
    }
}
