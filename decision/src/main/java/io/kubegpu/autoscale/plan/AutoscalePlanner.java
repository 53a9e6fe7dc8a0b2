package io.kubegpu.autoscale.plan;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.kubegpu.api.Annotations;
import io.kubegpu.autoscale.AutoscaleParser;
import io.kubegpu.autoscale.AutoscaleSpec;
import io.kubegpu.autoscale.InvalidAutoscaleException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Decides, for one autoscaler name in one namespace, what to write: the Deployment and StatefulSet of that name (either
 * may be absent), the autoscaler of that name (may be absent), and the namespace's other autoscalers. A function of its
 * inputs, so the controller can call it for every event and every resync: it is idempotent by construction.
 *
 * <p>The autoscaler carries the workload's name. A workload whose annotations are invalid, whose name is taken by an
 * autoscaler that is not its own, or that another autoscaler already scales is refused (nothing is written, an Event
 * says why); an autoscaler of ours whose workload no longer opts in is deleted.
 */
public final class AutoscalePlanner {
    private final String apiVersion;

    /** @param apiVersion the autoscaling version to write, from {@link HpaApiVersion#choose} */
    public AutoscalePlanner(String apiVersion) {
        this.apiVersion = Objects.requireNonNull(apiVersion, "apiVersion");
    }

    /**
     * @param deployment  the Deployment named like the autoscaler, or null
     * @param statefulSet the StatefulSet of that name, or null
     * @param hpa         the autoscaler of that name, or null
     * @param others      the namespace's other autoscalers (any name), to find a second autoscaler of a workload
     * @return one plan per workload of that name, the one owning the autoscaler first
     */
    public List<AutoscalePlan> plan(WorkloadRef deployment, WorkloadRef statefulSet, FoundHpa hpa, Collection<FoundHpa> others) {
        List<WorkloadRef> workloads = new ArrayList<>();
        for (WorkloadRef workload : new WorkloadRef[] {deployment, statefulSet}) {
            if (workload != null) {
                workloads.add(workload);
            }
        }
        // The workload that owns the autoscaler goes first: it keeps the name when both kinds ask for it.
        workloads.sort(java.util.Comparator.comparing(w -> !owns(w, hpa)));
        List<AutoscalePlan> out = new ArrayList<>();
        WorkloadRef claimed = null;
        for (WorkloadRef workload : workloads) {
            if (!AutoscaleParser.optedIn(workload.annotations())) {
                if (hpa != null && hpa.managedByUs() && workload.uid().equals(hpa.controllerUid())) {
                    out.add(new AutoscalePlan.Delete(workload, hpa.name(), hpa.uid()));
                }
                continue;
            }
            AutoscalePlan plan = planFor(workload, claimed, hpa, others);
            // An owner keeps the name even while its annotations are invalid: its autoscaler stays as it was.
            if (owns(workload, hpa) || plan instanceof AutoscalePlan.Create) {
                claimed = workload;
            }
            out.add(plan);
        }
        return out;
    }

    private AutoscalePlan planFor(WorkloadRef workload, WorkloadRef claimed, FoundHpa hpa, Collection<FoundHpa> others) {
        AutoscaleSpec spec;
        try {
            spec = AutoscaleParser.parse(workload.annotations());
        } catch (InvalidAutoscaleException e) {
            return new AutoscalePlan.Refuse(workload, AutoscalePlan.Reason.INVALID, e.error().describe(), e.error());
        }
        if (claimed != null) {
            return new AutoscalePlan.Refuse(workload, AutoscalePlan.Reason.NAME_TAKEN, "the autoscaler name " + workload.name()
                    + " is taken by the autoscaler of " + claimed.describe() + "; rename one of them", null);
        }
        if (hpa != null && !owns(workload, hpa)) {
            String owner = hpa.controllerUid() == null ? "created by someone else" : "owned by another object (uid " + hpa.controllerUid() + ")";
            return new AutoscalePlan.Refuse(workload, AutoscalePlan.Reason.NAME_TAKEN, "HorizontalPodAutoscaler " + hpa.name()
                    + " already exists and is " + owner + "; delete it or remove " + Annotations.AUTOSCALE, null);
        }
        for (FoundHpa other : others) {
            if (!Objects.equals(other.name(), workload.name()) && other.scales(workload)) {
                return new AutoscalePlan.Refuse(workload, AutoscalePlan.Reason.ANOTHER_AUTOSCALER, "HorizontalPodAutoscaler " + other.name()
                        + " already scales " + workload.describe() + "; two autoscalers would fight over its replicas: delete it or remove "
                        + Annotations.AUTOSCALE, null);
            }
        }
        JsonObject desired = DesiredHpa.of(workload, spec, apiVersion);
        if (hpa == null) {
            return new AutoscalePlan.Create(workload, desired);
        }
        List<String> drift = new ArrayList<>(HpaDrift.between(hpa.spec(), desired.getAsJsonObject("spec")));
        if (!hpa.managedByUs()) {
            drift.add("label " + DesiredHpa.MANAGED_BY);
        }
        if (hpa.controllerUid() == null) {
            drift.add("owner");
        }
        String written = FoundHpa.string(FoundHpa.child(hpa.metadata(), "annotations"), Annotations.AUTOSCALE);
        if (!spec.canonicalTargets().equals(written)) {
            drift.add("annotation " + Annotations.AUTOSCALE);
        }
        if (drift.isEmpty()) {
            return new AutoscalePlan.Keep(workload);
        }
        return new AutoscalePlan.Update(workload, updated(hpa, desired), drift);
    }

    /** Whether {@code hpa} is {@code workload}'s: controlled by it, or ours and controlled by nothing (an owner someone removed). */
    private static boolean owns(WorkloadRef workload, FoundHpa hpa) {
        if (hpa == null) {
            return false;
        }
        String controller = hpa.controllerUid();
        return workload.uid().equals(controller) || controller == null && hpa.managedByUs() && hpa.scales(workload);
    }

    /** The found object with our spec, label, annotation and owner; everything else (resourceVersion, other labels) kept. */
    private static JsonObject updated(FoundHpa hpa, JsonObject desired) {
        JsonObject out = hpa.object().deepCopy();
        out.remove("status");
        out.addProperty("apiVersion", desired.get("apiVersion").getAsString());
        out.addProperty("kind", "HorizontalPodAutoscaler");
        JsonObject metadata = FoundHpa.child(out, "metadata");
        JsonObject wantMeta = desired.getAsJsonObject("metadata");
        JsonObject labels = FoundHpa.child(metadata, "labels");
        labels.addProperty(DesiredHpa.MANAGED_BY, DesiredHpa.MANAGER);
        metadata.add("labels", labels);
        JsonObject annotations = FoundHpa.child(metadata, "annotations");
        annotations.addProperty(Annotations.AUTOSCALE, wantMeta.getAsJsonObject("annotations").get(Annotations.AUTOSCALE).getAsString());
        metadata.add("annotations", annotations);
        JsonArray owners = new JsonArray();
        if (metadata.get("ownerReferences") instanceof JsonArray found) {
            for (var owner : found) {
                if (!(owner instanceof JsonObject ref && ref.get("controller") != null && ref.get("controller").isJsonPrimitive()
                        && ref.get("controller").getAsBoolean())) {
                    owners.add(owner);
                }
            }
        }
        wantMeta.getAsJsonArray("ownerReferences").forEach(owners::add);
        metadata.add("ownerReferences", owners);
        metadata.remove("managedFields");
        out.add("metadata", metadata);
        out.add("spec", desired.getAsJsonObject("spec").deepCopy());
        return out;
    }
}
