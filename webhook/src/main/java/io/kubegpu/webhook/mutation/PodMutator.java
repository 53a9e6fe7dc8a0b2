package io.kubegpu.webhook.mutation;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.kubegpu.catalog.GpuModel;
import io.kubegpu.catalog.ModelMatch;
import io.kubegpu.guard.MemoryGuard;
import io.kubegpu.guard.ModelVerdict;
import io.kubegpu.request.GpuRequest;
import io.kubegpu.request.GpuRequestParser;
import io.kubegpu.request.InvalidGpuRequestException;
import io.kubegpu.request.ParseError;
import io.kubegpu.request.Vendor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Turns a pod with {@code kubegpu.io/gpu} into what the cluster and the extender need, as a JSON Patch
 * against the pod exactly as the API server sent it: GPU resources on the target container, a node
 * constraint for the model, tolerations, the scheduler, hidden GPUs for the other containers, and the
 * canonical request string. Pure and idempotent: a pod it already mutated gets an empty patch. Pods
 * without the annotation are allowed untouched; wrong or impossible requests are denied with the fix.
 */
public final class PodMutator {
    public static final String GPU_ANNOTATION = io.kubegpu.api.Annotations.GPU;
    public static final String CONTAINER_ANNOTATION = io.kubegpu.api.Annotations.CONTAINER;
    static final String VISIBLE_DEVICES = "NVIDIA_VISIBLE_DEVICES";

    private final MutationConfig config;
    private final GpuRequestParser parser;
    private final MemoryGuard guard;
    private final FleetFeasibility fleet;
    /** GFD label values per model token: they depend on the catalog only, so each is computed once. */
    private final java.util.concurrent.ConcurrentHashMap<String, List<String>> gfdValuesByToken = new java.util.concurrent.ConcurrentHashMap<>();
    private static final java.util.regex.Pattern NOT_IN_GFD_LABEL = java.util.regex.Pattern.compile("[^A-Za-z0-9\\-_. ]");
    private static final java.util.regex.Pattern WHITESPACE = java.util.regex.Pattern.compile("\\s+");

    public PodMutator(MutationConfig config) {
        this(config, null);
    }

    /** With the cluster's nodes: refuses requests no node could ever run, and models no node carries. */
    public PodMutator(MutationConfig config, FleetFeasibility fleet) {
        this.config = config;
        this.parser = new GpuRequestParser(config.grammar());
        this.guard = new MemoryGuard(config.catalog());
        this.fleet = fleet;
    }

    /** Mutates a pod whose namespace is in its metadata. */
    public MutationResult mutate(JsonObject pod) {
        return mutate(pod, string(object(pod, "metadata"), "namespace"));
    }

    /**
     * Mutates a pod created in {@code namespace} (the AdmissionRequest's; the object may not carry it).
     *
     * @throws IllegalArgumentException when a field the mutation reads has a type no v1 Pod gives it
     */
    public MutationResult mutate(JsonObject pod, String namespace) {
        var shape = PodShape.problem(pod);
        if (shape.isPresent()) {
            throw new IllegalArgumentException(shape.get());
        }
        JsonObject metadata = object(pod, "metadata");
        JsonObject annotations = object(metadata, "annotations");
        Patch patch = new Patch();
        List<String> warnings = new ArrayList<>();
        stripBinderAnnotations(patch, annotations, warnings);
        String text = string(annotations, GPU_ANNOTATION);
        if (text == null) {
            return MutationResult.allow(patch.ops(), warnings);
        }
        GpuRequest request;
        int minTotal;
        try {
            request = parser.parse(text);
        } catch (InvalidGpuRequestException e) {
            return MutationResult.deny(400, "invalid_request", invalid(GPU_ANNOTATION, text, e.error()));
        }
        String minMemory = string(annotations, MemoryGuard.MIN_MEMORY_ANNOTATION);
        try {
            minTotal = minMemory == null ? 0 : parser.parseMemoryMiB(minMemory);
        } catch (InvalidGpuRequestException e) {
            return MutationResult.deny(400, "invalid_request", invalid(MemoryGuard.MIN_MEMORY_ANNOTATION, minMemory, e.error()));
        }
        int cap = config.capMilli(namespace);
        long asked = request.isWhole() ? request.wholeGpus() * 1000L : request.shareMilli();
        if (asked > cap) {
            return MutationResult.deny(403, "over_cap", GPU_ANNOTATION + " '" + text + "' asks for " + gpus(asked) + " GPU; pods in namespace " + namespace
                    + " may ask for at most " + gpus(cap) + " (ask the platform team to raise the cap)");
        }
        String impossible = feasibility(text, request, minTotal, warnings);
        if (impossible == null && fleet != null) {
            impossible = fleet.neverFits(request, minTotal)
                    .map(reason -> GPU_ANNOTATION + " '" + text + "' can never be scheduled in this cluster: " + reason).orElse(null);
        }
        if (impossible != null) {
            return MutationResult.deny(403, "impossible", impossible);
        }

        JsonObject spec = object(pod, "spec");
        JsonArray containers = spec == null || !spec.has("containers") ? new JsonArray() : spec.getAsJsonArray("containers");
        String wantedContainer = string(annotations, CONTAINER_ANNOTATION);
        int target = targetContainer(containers, wantedContainer);
        if (target < 0) {
            return MutationResult.deny(400, "invalid_request", wantedContainer == null ? "the pod has no containers"
                    : CONTAINER_ANNOTATION + " '" + wantedContainer + "' names no container of the pod; containers: " + names(containers));
        }

        Map<String, Long> resources;
        if (request.isWhole()) {
            resources = Map.of(config.grammar().resourceOf(request), (long) request.wholeGpus());
        } else {
            long units = sharedUnits(request);
            if (units <= 0) {
                return MutationResult.deny(400, "invalid_request", GPU_ANNOTATION + " '" + text + "' is a share without memory and without a known model, so"
                        + " its GPU memory cannot be sized; write the memory (e.g. 8G," + request.canonical() + ") or a model (e.g. "
                        + request.canonical() + "(T4))");
            }
            resources = Map.of(config.sharedResource(), units);
        }

        String conflict = resources(patch, containers.get(target).getAsJsonObject(), target, resources);
        if (conflict != null) {
            return MutationResult.deny(400, "conflict", conflict + "; remove the resource from the container or the " + GPU_ANNOTATION + " annotation");
        }
        String selectorConflict = modelConstraint(patch, spec, request);
        if (selectorConflict != null) {
            return MutationResult.deny(400, "conflict", selectorConflict);
        }
        tolerations(patch, spec);
        schedulerName(patch, spec);
        hideGpus(patch, spec, target, resources.keySet());
        String canonical = request.canonical();
        if (!canonical.equals(text)) {
            patch.add("/metadata/annotations/" + Patch.key(GPU_ANNOTATION), canonical);
            warnings.add(GPU_ANNOTATION + " '" + text + "' was normalized to '" + canonical + "'");
        }
        return MutationResult.allow(patch.ops(), warnings);
    }

    private static String gpus(long milli) {
        return milli % 1000 == 0 ? Long.toString(milli / 1000) : java.math.BigDecimal.valueOf(milli, 3).stripTrailingZeros().toPlainString();
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
        java.util.OptionalInt usable = fleet == null ? java.util.OptionalInt.empty() : fleet.usableMemoryMiB(request);
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

    /**
     * Removes the annotations only our bind may write (which GPU a share got): a pod that arrives with them is choosing its
     * own GPU, and the device plugin would believe it.
     */
    private static void stripBinderAnnotations(Patch patch, JsonObject annotations, List<String> warnings) {
        if (annotations == null) {
            return;
        }
        for (String key : io.kubegpu.api.Annotations.BINDER_ONLY) {
            if (annotations.has(key)) {
                patch.remove("/metadata/annotations/" + Patch.key(key));
                warnings.add("removed annotation " + key + ": only the GPU scheduler assigns GPUs");
            }
        }
    }

    /** Sets limits and requests of the GPU resources on the target container; returns a conflict, if any. */
    private static String resources(Patch patch, JsonObject container, int index, Map<String, Long> wanted) {
        String base = "/spec/containers/" + index + "/resources";
        JsonObject resources = object(container, "resources");
        JsonObject values = new JsonObject();
        wanted.forEach((k, v) -> values.addProperty(k, Long.toString(v)));
        if (resources == null) {
            JsonObject whole = new JsonObject();
            whole.add("limits", values.deepCopy());
            whole.add("requests", values.deepCopy());
            patch.add(base, whole);
            return null;
        }
        for (String part : List.of("limits", "requests")) {
            JsonObject existing = object(resources, part);
            for (Map.Entry<String, Long> entry : wanted.entrySet()) {
                String current = string(existing, entry.getKey());
                if (current != null && !current.equals(Long.toString(entry.getValue()))) {
                    return "container '" + string(container, "name") + "' sets " + part + " " + entry.getKey() + ": " + current + " but "
                            + GPU_ANNOTATION + " asks for " + entry.getValue();
                }
            }
        }
        for (String part : List.of("limits", "requests")) {
            JsonObject existing = object(resources, part);
            if (existing == null) {
                patch.add(base + "/" + part, values.deepCopy());
                continue;
            }
            for (Map.Entry<String, Long> entry : wanted.entrySet()) {
                if (string(existing, entry.getKey()) == null) {
                    patch.add(base + "/" + part + "/" + Patch.key(entry.getKey()), Long.toString(entry.getValue()));
                }
            }
        }
        return null;
    }

    /** Restricts the pod to nodes of its models, merging with the user's own selector and affinity. */
    private String modelConstraint(Patch patch, JsonObject spec, GpuRequest request) {
        if (request.models().isEmpty()) {
            return null;
        }
        String label = config.modelLabel();
        TreeSet<String> values = new TreeSet<>();
        for (String token : request.models()) {
            if (label.equals(MutationConfig.GFD_PRODUCT_LABEL)) {
                List<String> gfd = gfdValuesByToken.computeIfAbsent(token,
                        t -> config.catalog().resolve(t).map(PodMutator::gfdValues).orElse(List.of()));
                if (!gfd.isEmpty()) {
                    values.addAll(gfd);
                    continue;
                }
            }
            values.add(token);
        }
        JsonObject nodeSelector = object(spec, "nodeSelector");
        if (values.size() == 1) {
            String value = values.first();
            String current = string(nodeSelector, label);
            if (current != null) {
                return current.equals(value) ? null : "the pod's nodeSelector " + label + "=" + current + " contradicts " + GPU_ANNOTATION
                        + " '" + request.canonical() + "' (" + label + "=" + value + "); remove one of them";
            }
            if (nodeSelector == null) {
                JsonObject selector = new JsonObject();
                selector.addProperty(label, value);
                patch.add("/spec/nodeSelector", selector);
            } else {
                patch.add("/spec/nodeSelector/" + Patch.key(label), value);
            }
            return null;
        }
        JsonObject requirement = new JsonObject();
        requirement.addProperty("key", label);
        requirement.addProperty("operator", "In");
        JsonArray list = new JsonArray();
        values.forEach(list::add);
        requirement.add("values", list);
        requiredNodeAffinity(patch, spec, requirement);
        return null;
    }

    /** Every value GFD's nvidia.com/gpu.product can take for these models: sanitized product names, also with -SHARED. */
    static List<String> gfdValues(ModelMatch match) {
        TreeSet<String> out = new TreeSet<>();
        for (GpuModel model : match.models()) {
            for (String name : model.aliases()) {
                String sanitized = WHITESPACE.matcher(NOT_IN_GFD_LABEL.matcher(name).replaceAll("").trim()).replaceAll("-");
                if (!sanitized.isEmpty() && sanitized.length() <= 63) {
                    out.add(sanitized);
                    if (sanitized.length() + 7 <= 63) {
                        out.add(sanitized + "-SHARED");
                    }
                }
            }
        }
        return List.copyOf(out);
    }

    /** ANDs a requirement into the pod's required node affinity: into every term (terms are ORed), or a new term. */
    private static void requiredNodeAffinity(Patch patch, JsonObject spec, JsonObject requirement) {
        JsonObject affinity = object(spec, "affinity");
        JsonObject nodeAffinity = object(affinity, "nodeAffinity");
        JsonObject required = object(nodeAffinity, "requiredDuringSchedulingIgnoredDuringExecution");
        JsonArray terms = required == null || !required.has("nodeSelectorTerms") ? null : required.getAsJsonArray("nodeSelectorTerms");
        JsonObject term = new JsonObject();
        JsonArray expressions = new JsonArray();
        expressions.add(requirement);
        term.add("matchExpressions", expressions);
        JsonArray newTerms = new JsonArray();
        newTerms.add(term);
        JsonObject newRequired = new JsonObject();
        newRequired.add("nodeSelectorTerms", newTerms);
        if (affinity == null) {
            JsonObject na = new JsonObject();
            na.add("requiredDuringSchedulingIgnoredDuringExecution", newRequired);
            JsonObject a = new JsonObject();
            a.add("nodeAffinity", na);
            patch.add("/spec/affinity", a);
        } else if (nodeAffinity == null) {
            JsonObject na = new JsonObject();
            na.add("requiredDuringSchedulingIgnoredDuringExecution", newRequired);
            patch.add("/spec/affinity/nodeAffinity", na);
        } else if (terms == null || terms.isEmpty()) {
            patch.add("/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution", newRequired);
        } else {
            String base = "/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms/";
            for (int i = 0; i < terms.size(); i++) {
                JsonObject existing = terms.get(i).getAsJsonObject();
                JsonArray matchExpressions = existing.has("matchExpressions") ? existing.getAsJsonArray("matchExpressions") : null;
                if (matchExpressions == null) {
                    patch.add(base + i + "/matchExpressions", expressions.deepCopy());
                } else if (!matchExpressions.contains(requirement)) {
                    patch.add(base + i + "/matchExpressions/-", requirement.deepCopy());
                }
            }
        }
    }

    private void tolerations(Patch patch, JsonObject spec) {
        JsonArray existing = spec == null || !spec.has("tolerations") ? null : spec.getAsJsonArray("tolerations");
        JsonArray missing = new JsonArray();
        for (MutationConfig.Toleration toleration : config.tolerations()) {
            JsonObject wanted = new JsonObject();
            if (toleration.key() != null) {
                wanted.addProperty("key", toleration.key());
            }
            wanted.addProperty("operator", toleration.operator());
            if (toleration.value() != null) {
                wanted.addProperty("value", toleration.value());
            }
            if (toleration.effect() != null) {
                wanted.addProperty("effect", toleration.effect());
            }
            boolean present = existing != null && existing.asList().stream().anyMatch(t -> tolerates(t.getAsJsonObject(), toleration));
            if (!present) {
                missing.add(wanted);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        if (existing == null) {
            patch.add("/spec/tolerations", missing);
        } else {
            missing.forEach(t -> patch.add("/spec/tolerations/-", t));
        }
    }

    private static boolean tolerates(JsonObject t, MutationConfig.Toleration wanted) {
        return Objects.equals(string(t, "key"), wanted.key()) && Objects.equals(string(t, "effect"), wanted.effect())
                && Objects.equals(Objects.requireNonNullElse(string(t, "operator"), "Equal"), wanted.operator());
    }

    private void schedulerName(Patch patch, JsonObject spec) {
        if (config.schedulerName() == null) {
            return;
        }
        String current = string(spec, "schedulerName");
        if (current == null || current.equals("default-scheduler")) {
            if (!config.schedulerName().equals(current)) {
                patch.add("/spec/schedulerName", config.schedulerName());
            }
        }
    }

    /** NVIDIA_VISIBLE_DEVICES=none on every other container that asks for no GPU, so they cannot see the node's GPUs. */
    private void hideGpus(Patch patch, JsonObject spec, int target, java.util.Set<String> gpuResources) {
        if (!config.hideGpusFromOthers() || spec == null) {
            return;
        }
        for (String kind : List.of("containers", "initContainers")) {
            if (!spec.has(kind)) {
                continue;
            }
            JsonArray list = spec.getAsJsonArray(kind);
            for (int i = 0; i < list.size(); i++) {
                if (kind.equals("containers") && i == target) {
                    continue;
                }
                JsonObject container = list.get(i).getAsJsonObject();
                if (requestsGpu(container)) {
                    continue;
                }
                JsonArray env = container.has("env") ? container.getAsJsonArray("env") : null;
                JsonObject variable = new JsonObject();
                variable.addProperty("name", VISIBLE_DEVICES);
                variable.addProperty("value", "none");
                String base = "/spec/" + kind + "/" + i + "/env";
                if (env == null) {
                    JsonArray whole = new JsonArray();
                    whole.add(variable);
                    patch.add(base, whole);
                } else if (env.asList().stream().noneMatch(e -> VISIBLE_DEVICES.equals(string(e.getAsJsonObject(), "name")))) {
                    patch.add(base + "/-", variable);
                }
            }
        }
    }

    private boolean requestsGpu(JsonObject container) {
        JsonObject resources = object(container, "resources");
        for (String part : List.of("limits", "requests")) {
            JsonObject values = object(resources, part);
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
            if (name.equals(string(containers.get(i).getAsJsonObject(), "name"))) {
                return i;
            }
        }
        return -1;
    }

    private static String names(JsonArray containers) {
        return String.join(", ", containers.asList().stream().map(c -> string(c.getAsJsonObject(), "name")).toList());
    }

    private static String invalid(String annotation, String value, ParseError error) {
        return annotation + " '" + value + "' is invalid at column " + error.column() + ": " + error.message() + " [" + error.code() + "]";
    }

    static JsonObject object(JsonObject parent, String key) {
        if (parent == null) {
            return null;
        }
        JsonElement value = parent.get(key);
        return value != null && value.isJsonObject() ? value.getAsJsonObject() : null;
    }

    static String string(JsonObject parent, String key) {
        if (parent == null) {
            return null;
        }
        JsonElement value = parent.get(key);
        return value != null && value.isJsonPrimitive() ? value.getAsString() : null;
    }
}
