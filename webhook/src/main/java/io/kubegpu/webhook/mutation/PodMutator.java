package io.kubegpu.webhook.mutation;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.kubegpu.api.Annotations;
import io.kubegpu.guard.MemoryGuard;
import io.kubegpu.guard.ModelVerdict;
import io.kubegpu.request.GpuRequest;
import io.kubegpu.request.GpuRequestParser;
import io.kubegpu.request.InvalidGpuRequestException;
import io.kubegpu.request.ParseError;
import io.kubegpu.request.Vendor;
import io.kubegpu.webhook.quota.GpuUse;
import io.kubegpu.webhook.quota.QuotaLedger;
import io.kubegpu.webhook.quota.Ticket;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Turns a pod with {@code kubegpu.io/gpu} into what the cluster and the extender need: GPU resources on the target
 * container, a node constraint for the model, tolerations, the scheduler, hidden GPUs for the other containers, and the
 * canonical request string. Pure: it edits a copy of the pod as sent and answers with the JSON Patch between the two
 * (computed by JSON-P's diff), so it is idempotent — a pod it already mutated gets an empty patch. Pods without the
 * annotation are allowed untouched (but for annotations only the binder may write, which are removed); wrong or
 * impossible requests are denied with the fix.
 *
 * <p>With group pools the pod is held to its namespace's group's nodes and the public ones; with quotas its request is
 * charged to its namespace's quota, as the last step (nothing is charged for a pod another step refuses), and the ticket of
 * the charge is written on the pod. A pod with a quota is therefore mutated anew on each admission (a new ticket); a
 * reinvocation charges it twice until the first ticket lapses, which can refuse but never overshoot.
 */
public final class PodMutator {
    public static final String GPU_ANNOTATION = Annotations.GPU;
    public static final String CONTAINER_ANNOTATION = Annotations.CONTAINER;
    static final String VISIBLE_DEVICES = "NVIDIA_VISIBLE_DEVICES";

    private final MutationConfig config;
    private final GpuRequestParser parser;
    private final MemoryGuard guard;
    private final FleetFeasibility fleet;
    private final ModelConstraint models;
    private final QuotaLedger quotas;
    private final NamespaceGroups groups;

    public PodMutator(MutationConfig config) {
        this(config, null);
    }

    /** With the cluster's nodes: refuses requests no node could ever run, and models no node carries. */
    public PodMutator(MutationConfig config, FleetFeasibility fleet) {
        this(config, fleet, null, null);
    }

    /**
     * With quotas ({@code quotas}, or null for none) and the namespaces' groups ({@code groups}, required when the
     * configuration has pools).
     */
    public PodMutator(MutationConfig config, FleetFeasibility fleet, QuotaLedger quotas, NamespaceGroups groups) {
        this.config = config;
        this.parser = new GpuRequestParser(config.grammar());
        this.guard = new MemoryGuard(config.catalog());
        this.fleet = fleet;
        this.models = new ModelConstraint(config);
        this.quotas = quotas;
        this.groups = groups;
        if (config.pools() != null && groups == null) {
            throw new IllegalArgumentException("group pools need the namespaces' groups");
        }
    }

    /** Mutates a pod whose namespace is in its metadata. */
    public MutationResult mutate(JsonObject pod) {
        return mutate(pod, PodEdit.string(PodEdit.object(pod, "metadata"), "namespace"));
    }

    /**
     * Mutates a pod created in {@code namespace} (the AdmissionRequest's; the object may not carry it).
     *
     * @throws IllegalArgumentException when a field the mutation reads has a type no v1 Pod gives it
     */
    public MutationResult mutate(JsonObject pod, String namespace) {
        return mutate(pod, namespace, false);
    }

    /**
     * Mutates a pod created in {@code namespace}; a {@code dryRun} is decided the same way but charges no quota.
     *
     * @throws IllegalArgumentException when a field the mutation reads has a type no v1 Pod gives it
     */
    public MutationResult mutate(JsonObject pod, String namespace, boolean dryRun) {
        Optional<String> shape = PodShape.problem(pod);
        if (shape.isPresent()) {
            throw new IllegalArgumentException(shape.get());
        }
        PodEdit edit = new PodEdit(pod);
        List<String> warnings = new ArrayList<>();
        for (String key : Annotations.BINDER_ONLY) {
            // A pod that arrives with these is choosing its own GPU, and the device plugin would believe it.
            if (edit.removeAnnotation(key)) {
                warnings.add("removed annotation " + key + ": only the GPU scheduler assigns GPUs");
            }
        }
        edit.removeAnnotation(Ticket.ANNOTATION); // Only a charge made now counts: never one the pod brings.
        String tier = edit.annotation(Annotations.PRIORITY);
        if (tier != null) {
            Optional<MutationResult> denied = priority(edit, tier);
            if (denied.isPresent()) {
                return denied.get();
            }
        }
        String text = edit.annotation(GPU_ANNOTATION);
        if (text != null) {
            Optional<MutationResult> denied = gpuRequest(edit, text, namespace, dryRun, warnings);
            if (denied.isPresent()) {
                return denied.get();
            }
        }
        return MutationResult.allow(JsonPatchDiff.between(pod, edit.json()), warnings);
    }

    /**
     * The tier's PriorityClass on the pod: its name, its value and its preemption policy (see {@link PriorityTiers} for why
     * all three). A class the user set by hand that is not the tier's is a conflict, never silently replaced.
     */
    private Optional<MutationResult> priority(PodEdit pod, String text) {
        String[] problem = new String[1];
        Optional<PriorityTiers.Tier> found = config.priorityTiers().find(text, problem);
        if (found.isEmpty()) {
            return deny(DenialReason.INVALID_REQUEST, problem[0]);
        }
        PriorityTiers.Tier tier = found.get();
        String handSet = PodEdit.string(pod.spec(), "priorityClassName");
        if (handSet != null && !handSet.isEmpty() && !handSet.equals(tier.className())) {
            return deny(DenialReason.CONFLICT, "the pod sets priorityClassName '" + handSet + "' but " + Annotations.PRIORITY + " '" + text
                    + "' asks for '" + tier.className() + "'; remove priorityClassName or the " + Annotations.PRIORITY + " annotation");
        }
        pod.spec().addProperty("priorityClassName", tier.className());
        pod.spec().addProperty("priority", tier.value());
        pod.spec().addProperty("preemptionPolicy", tier.preemptionPolicy());
        return Optional.empty();
    }

    /** Everything the GPU request asks of the pod, applied to {@code pod}; a denial when it cannot be. */
    private Optional<MutationResult> gpuRequest(PodEdit pod, String text, String namespace, boolean dryRun, List<String> warnings) {
        GpuRequest request;
        try {
            request = parser.parse(text);
        } catch (InvalidGpuRequestException e) {
            return deny(DenialReason.INVALID_REQUEST, invalid(GPU_ANNOTATION, text, e.error()));
        }
        int minTotal;
        String minMemory = pod.annotation(MemoryGuard.MIN_MEMORY_ANNOTATION);
        try {
            minTotal = minMemory == null ? 0 : parser.parseMemoryMiB(minMemory);
        } catch (InvalidGpuRequestException e) {
            return deny(DenialReason.INVALID_REQUEST, invalid(MemoryGuard.MIN_MEMORY_ANNOTATION, minMemory, e.error()));
        }
        int cap = config.capMilli(namespace);
        long asked = request.isWhole() ? request.wholeGpus() * 1000L : request.shareMilli();
        if (asked > cap) {
            return deny(DenialReason.OVER_CAP, GPU_ANNOTATION + " '" + text + "' asks for " + gpus(asked) + " GPU; pods in namespace " + namespace
                    + " may ask for at most " + gpus(cap) + " (ask the platform team to raise the cap)");
        }
        String impossible = feasibility(text, request, minTotal, warnings);
        if (impossible == null && fleet != null) {
            impossible = fleet.neverFits(request, minTotal)
                    .map(reason -> GPU_ANNOTATION + " '" + text + "' can never be scheduled in this cluster: " + reason).orElse(null);
        }
        if (impossible != null) {
            return deny(DenialReason.IMPOSSIBLE, impossible);
        }

        JsonArray containers = pod.containers("containers");
        String wantedContainer = pod.annotation(CONTAINER_ANNOTATION);
        int target = targetContainer(containers, wantedContainer);
        if (target < 0) {
            return deny(DenialReason.INVALID_REQUEST, wantedContainer == null ? "the pod has no containers"
                    : CONTAINER_ANNOTATION + " '" + wantedContainer + "' names no container of the pod; containers: " + names(containers));
        }
        Map<String, Long> resources;
        long units = 0;
        if (request.isWhole()) {
            resources = Map.of(config.grammar().resourceOf(request), (long) request.wholeGpus());
        } else {
            units = sharedUnits(request);
            if (units <= 0) {
                return deny(DenialReason.INVALID_REQUEST, GPU_ANNOTATION + " '" + text + "' is a share without memory and without a known model, so"
                        + " its GPU memory cannot be sized; write the memory (e.g. 8G," + request.canonical() + ") or a model (e.g. "
                        + request.canonical() + "(T4))");
            }
            resources = Map.of(config.sharedResource(), units);
        }
        Optional<String> conflict = setResources(containers.get(target).getAsJsonObject(), resources);
        if (conflict.isPresent()) {
            return deny(DenialReason.CONFLICT, conflict.get() + "; remove the resource from the container or the " + GPU_ANNOTATION + " annotation");
        }
        Optional<String> selectorConflict = models.apply(pod, request);
        if (selectorConflict.isPresent()) {
            return deny(DenialReason.CONFLICT, selectorConflict.get());
        }
        if (config.pools() != null) {
            Optional<String> group;
            try {
                group = groups.groupOf(namespace);
            } catch (IllegalStateException e) {
                return deny(DenialReason.UNAVAILABLE, "the group of namespace " + namespace + " cannot be read now (" + e.getMessage()
                        + "); try again in a moment");
            }
            Optional<String> poolConflict = PoolConstraint.apply(pod, config.pools(), namespace, group);
            if (poolConflict.isPresent()) {
                return deny(DenialReason.CONFLICT, poolConflict.get());
            }
        }
        Tolerations.add(pod, config.tolerations());
        schedulerName(pod);
        hideGpus(pod, target);
        String canonical = request.canonical();
        if (!canonical.equals(text)) {
            pod.setAnnotation(GPU_ANNOTATION, canonical);
            warnings.add(GPU_ANNOTATION + " '" + text + "' was normalized to '" + canonical + "'");
        }
        return quotas == null ? Optional.empty() : charge(pod, request, units * config.sharedUnitMiB(), namespace, dryRun);
    }

    /** Charges the request to its namespace's quota (the last step: it has effects) and writes the charge's ticket on the pod. */
    private Optional<MutationResult> charge(PodEdit pod, GpuRequest request, long sharedMiB, String namespace, boolean dryRun) {
        int card = 0;
        if (request.isShared() && request.shareMilli() == 0) {
            // Memory alone counts as its part of the smallest card it may land on.
            card = fleet == null ? 0 : fleet.smallestCardMiB(request).orElse(0);
            card = card > 0 ? card : GpuUse.smallestNamedCardMiB(request, config.catalog());
        }
        GpuUse use = GpuUse.requested(namespace, request, sharedMiB, card, config.catalog(), config.grammar().vendors());
        String name = PodEdit.string(PodEdit.object(pod.json(), "metadata"), "name");
        String generateName = PodEdit.string(PodEdit.object(pod.json(), "metadata"), "generateName");
        String podName = name != null && !name.isEmpty() ? name : (generateName == null ? "" : generateName) + "*";
        QuotaLedger.Decision decision = quotas.admit(new QuotaLedger.Ask(use, request.canonical(), podName, dryRun));
        if (decision instanceof QuotaLedger.Decision.Refused refused) {
            return deny(switch (refused.kind()) {
                case OVER_QUOTA -> DenialReason.OVER_QUOTA;
                case PER_POD -> DenialReason.OVER_CAP;
                case UNAVAILABLE -> DenialReason.UNAVAILABLE;
            }, refused.message());
        }
        if (decision instanceof QuotaLedger.Decision.Admitted admitted && admitted.ticket() != null) {
            pod.setAnnotation(Ticket.ANNOTATION, admitted.ticket());
        }
        return Optional.empty();
    }

    private static Optional<MutationResult> deny(DenialReason reason, String message) {
        return Optional.of(MutationResult.deny(reason, message));
    }

    private static String gpus(long milli) {
        return milli % 1000 == 0 ? Long.toString(milli / 1000) : BigDecimal.valueOf(milli, 3).stripTrailingZeros().toPlainString();
    }

    /** Null when some model could ever satisfy the request; else why not. Unknown models only warn. */
    private String feasibility(String text, GpuRequest request, int minTotal, List<String> warnings) {
        List<ModelVerdict> verdicts = guard.feasibility(request, minTotal);
        boolean anyFits = verdicts.stream().anyMatch(v -> v.verdict().fits());
        List<String> unknown = verdicts.stream().filter(v -> !v.known()).map(ModelVerdict::token).toList();
        if (!unknown.isEmpty()) {
            warnings.add("GPU model " + String.join(", ", unknown) + " is not in the GPU catalog: the memory guard cannot check it");
        }
        if (anyFits || !unknown.isEmpty()) {
            return null;
        }
        List<String> reasons = verdicts.stream().map(v -> v.verdict().reason()).distinct().limit(3).toList();
        return GPU_ANNOTATION + " '" + text + "' can never be scheduled: " + String.join("; ", reasons);
    }

    /**
     * Units of the sharing resource: the memory asked for, rounded up to whole units; or, for a bare share, its fraction of
     * the smallest card it may get — the usable memory nodes of the named models report, else the catalog's size — rounded
     * down to whole units (at least one), so shares adding up to one GPU fit it.
     */
    private long sharedUnits(GpuRequest request) {
        long unit = config.sharedUnitMiB();
        if (request.memoryMiB() > 0) {
            return (request.memoryMiB() + unit - 1) / unit;
        }
        long card = 0;
        OptionalInt usable = fleet == null ? OptionalInt.empty() : fleet.usableMemoryMiB(request);
        if (usable.isPresent()) {
            card = usable.getAsInt();
        } else {
            for (String token : request.models()) {
                var match = config.catalog().resolve(token);
                if (match.isPresent()) {
                    long size = match.get().smallest().memoryMiB();
                    card = card == 0 ? size : Math.min(card, size);
                }
            }
        }
        return card == 0 ? 0 : Math.max(1, card * request.shareMilli() / 1000 / unit);
    }

    /** Sets limits and requests of the GPU resources on the container; the conflict with a hand-set value, if any. */
    private static Optional<String> setResources(JsonObject container, Map<String, Long> wanted) {
        JsonObject resources = PodEdit.child(container, "resources");
        for (String part : List.of("limits", "requests")) {
            JsonObject existing = PodEdit.object(resources, part);
            for (Map.Entry<String, Long> entry : wanted.entrySet()) {
                String current = PodEdit.string(existing, entry.getKey());
                if (current != null && !current.equals(Long.toString(entry.getValue()))) {
                    return Optional.of("container '" + PodEdit.string(container, "name") + "' sets " + part + " " + entry.getKey() + ": " + current
                            + " but " + GPU_ANNOTATION + " asks for " + entry.getValue());
                }
            }
        }
        for (String part : List.of("limits", "requests")) {
            JsonObject values = PodEdit.child(resources, part);
            wanted.forEach((resource, amount) -> values.addProperty(resource, Long.toString(amount)));
        }
        return Optional.empty();
    }

    /** The GPU scheduler profile, on pods that use the default scheduler. */
    private void schedulerName(PodEdit pod) {
        if (config.schedulerName() == null) {
            return;
        }
        String current = PodEdit.string(pod.spec(), "schedulerName");
        if (current == null || current.equals("default-scheduler")) {
            pod.spec().addProperty("schedulerName", config.schedulerName());
        }
    }

    /** NVIDIA_VISIBLE_DEVICES=none on every other container that asks for no GPU, so they cannot see the node's GPUs. */
    private void hideGpus(PodEdit pod, int target) {
        if (!config.hideGpusFromOthers()) {
            return;
        }
        for (String kind : List.of("containers", "initContainers")) {
            JsonArray list = pod.containers(kind);
            for (int i = 0; i < list.size(); i++) {
                JsonObject container = list.get(i).getAsJsonObject();
                if ((kind.equals("containers") && i == target) || requestsGpu(container)) {
                    continue;
                }
                JsonArray env = PodEdit.array(container, "env");
                boolean set = false;
                for (JsonElement variable : env) {
                    set |= VISIBLE_DEVICES.equals(PodEdit.string(variable.getAsJsonObject(), "name"));
                }
                if (!set) {
                    JsonObject variable = new JsonObject();
                    variable.addProperty("name", VISIBLE_DEVICES);
                    variable.addProperty("value", "none");
                    env.add(variable);
                }
            }
        }
    }

    private boolean requestsGpu(JsonObject container) {
        JsonObject resources = PodEdit.object(container, "resources");
        for (String part : List.of("limits", "requests")) {
            JsonObject values = PodEdit.object(resources, part);
            if (values == null) {
                continue;
            }
            for (Vendor vendor : config.grammar().vendors().all()) {
                if (values.has(vendor.resource())) {
                    return true;
                }
            }
            if (values.has(config.sharedResource())) {
                return true;
            }
        }
        return false;
    }

    private static int targetContainer(JsonArray containers, String name) {
        if (containers.isEmpty()) {
            return -1;
        }
        if (name == null) {
            return 0;
        }
        for (int i = 0; i < containers.size(); i++) {
            if (name.equals(PodEdit.string(containers.get(i).getAsJsonObject(), "name"))) {
                return i;
            }
        }
        return -1;
    }

    private static String names(JsonArray containers) {
        return String.join(", ", containers.asList().stream().map(c -> PodEdit.string(c.getAsJsonObject(), "name")).toList());
    }

    private static String invalid(String annotation, String value, ParseError error) {
        return annotation + " '" + value + "' is invalid at column " + error.column() + ": " + error.message() + " [" + error.code() + "]";
    }
}
