package io.kubegpu.controllers.elastic;

import com.google.gson.stream.JsonReader;
import io.kubegpu.api.Annotations;
import io.kubegpu.cluster.model.KubePod;
import io.kubegpu.cluster.model.KubePodReader;
import io.kubegpu.cluster.state.ClusterSnapshot;
import io.kubegpu.cluster.state.ClusterState;
import io.kubegpu.cluster.state.GpuPod;
import io.kubegpu.controllers.ControllerContext;
import io.kubegpu.extender.decision.DemandReader;
import io.kubegpu.extender.decision.PodDemand;
import io.kubegpu.extender.decision.ShrinkPlanner;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.extended.controller.reconciler.Reconciler;
import io.kubernetes.client.extended.controller.reconciler.Request;
import io.kubernetes.client.extended.controller.reconciler.Result;
import io.kubernetes.client.informer.cache.Indexer;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.util.PatchUtils;
import io.micrometer.core.instrument.Counter;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The elastic shrink's reconciler: thin around {@link ShrinkPlanner}. A waiting pod ({@code pod/NAME}) may shrink elastic
 * Deployments; a shrunk Deployment ({@code deployment/NAME}) grows back when its replicas fit again and no higher-priority
 * GPU pod waits.
 *
 * <pre>
 * kubegpu_elastic_actions_total{action="shrink|restore",mode="applied|dry_run"}   counter
 * kubegpu_elastic_replicas_total{action="shrink|restore"}                         counter (replicas removed or restored)
 * </pre>
 */
final class ElasticReconciler implements Reconciler {
    private static final Logger LOG = LoggerFactory.getLogger(ElasticReconciler.class);

    private final ControllerContext context;
    private final ClusterState state;
    private final DemandReader demands;
    private final ShrinkPlanner planner;
    private final Indexer<V1Pod> pods;
    private final Indexer<V1Deployment> deployments;
    private final Indexer<V1Node> nodes;
    private final Duration wait;
    private final boolean dryRun;
    /**
     * When this process last shrank for each waiting pod. A shrink frees GPUs only once the ReplicaSet controller has
     * deleted a replica and the deletion is done, and kube-scheduler 1.20 may retry the pod only at its 60 s flush of
     * unschedulable pods: judged again before that, the pod still waits and the replica still counts, and the same pod
     * would shrink the Deployment again (4 to 3, then 2, seen in ElasticShrinkIT).
     */
    private final Map<String, java.time.Instant> shrankFor = new java.util.concurrent.ConcurrentHashMap<>();
    /** How long a shrink is given to let its pod land before another is made for the same pod. */
    static final Duration SCHEDULER_RETRY = Duration.ofSeconds(60);

    ElasticReconciler(ControllerContext context, ClusterState state, DemandReader demands, ShrinkPlanner planner, Indexer<V1Pod> pods,
                      Indexer<V1Deployment> deployments, Indexer<V1Node> nodes, Duration wait, boolean dryRun) {
        this.nodes = nodes;
        this.context = context;
        this.state = state;
        this.demands = demands;
        this.planner = planner;
        this.pods = pods;
        this.deployments = deployments;
        this.wait = wait;
        this.dryRun = dryRun;
    }

    /** A pod kube-scheduler could not place: pending, not being deleted, PodScheduled False for Unschedulable. */
    static boolean waiting(V1Pod pod) {
        return pod.getSpec() != null && pod.getSpec().getNodeName() == null && pod.getMetadata().getDeletionTimestamp() == null
                && unschedulableSince(pod) != null;
    }

    static Instant unschedulableSince(V1Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return null;
        }
        for (V1PodCondition condition : pod.getStatus().getConditions()) {
            if ("PodScheduled".equals(condition.getType()) && "False".equals(condition.getStatus()) && "Unschedulable".equals(condition.getReason())) {
                return condition.getLastTransitionTime() == null ? Instant.EPOCH : condition.getLastTransitionTime().toInstant();
            }
        }
        return null;
    }

    /** A Deployment this controller shrank (it carries the replica count to restore). */
    static boolean shrunk(V1Deployment deployment) {
        Map<String, String> annotations = deployment.getMetadata().getAnnotations();
        return annotations != null && annotations.containsKey(Annotations.ELASTIC_ORIGINAL_REPLICAS);
    }

    /** {@code min=N} → N; empty when the annotation is absent or malformed. */
    static Optional<Integer> minimum(V1Deployment deployment) {
        Map<String, String> annotations = deployment.getMetadata().getAnnotations();
        String value = annotations == null ? null : annotations.get(Annotations.ELASTIC);
        if (value == null) {
            return Optional.empty();
        }
        String text = value.trim();
        if (!text.startsWith("min=")) {
            return Optional.empty();
        }
        try {
            int min = Integer.parseInt(text.substring(4).trim());
            return min >= 0 ? Optional.of(min) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public Result reconcile(Request request) {
        try {
            String name = request.getName();
            if (name.startsWith("pod/")) {
                return pod(request.getNamespace(), name.substring(4));
            }
            if (name.startsWith("deployment/")) {
                return restore(request.getNamespace(), name.substring(11));
            }
            return new Result(false);
        } catch (ApiException e) {
            LOG.warn("elastic-shrink {}/{}: the API server answered {}: {}", request.getNamespace(), request.getName(), e.getCode(),
                    io.kubegpu.api.LogSafe.quote(e.getResponseBody()));
            return new Result(true);
        } catch (RuntimeException e) {
            LOG.error("elastic-shrink {}/{} failed", request.getNamespace(), request.getName(), e);
            return new Result(true);
        }
    }

    private Result pod(String namespace, String name) throws ApiException {
        V1Pod pod = pods.getByKey(namespace + "/" + name);
        if (pod == null || !waiting(pod)) {
            return new Result(false);
        }
        Duration waited = Duration.between(unschedulableSince(pod), context.clock().instant());
        if (waited.compareTo(wait) < 0) {
            return new Result(true, wait.minus(waited));
        }
        PodDemand demand = demands.read(kubePod(pod));
        if (!demand.isGpuPod()) {
            return new Result(false);
        }
        java.time.Instant last = shrankFor.get(pod.getMetadata().getUid());
        Duration settle = wait.plus(SCHEDULER_RETRY);
        if (last != null && Duration.between(last, context.clock().instant()).compareTo(settle) < 0) {
            // An earlier shrink for this pod is still taking effect: look again once it has had its time.
            return new Result(true, settle.minus(Duration.between(last, context.clock().instant())));
        }
        int priority = pod.getSpec().getPriority() == null ? 0 : pod.getSpec().getPriority();
        ClusterSnapshot snapshot = state.snapshot();
        List<ShrinkPlanner.Workload> workloads = new ArrayList<>();
        Map<String, V1Deployment> byKey = new java.util.HashMap<>();
        for (V1Deployment deployment : deployments.list()) {
            Optional<Integer> min = minimum(deployment);
            if (min.isEmpty() || deployment.getSpec() == null || deployment.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            int replicas = deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
            List<GpuPod> owned = podsOf(deployment);
            String key = deployment.getMetadata().getNamespace() + "/" + deployment.getMetadata().getName();
            byKey.put(key, deployment);
            workloads.add(new ShrinkPlanner.Workload(deployment.getMetadata().getNamespace(), deployment.getMetadata().getName(), replicas, min.get(),
                    disruptionsAllowed(deployment), owned));
        }
        Optional<ShrinkPlanner.Plan> plan = planner.plan(demand, priority, eligible(snapshot.nodes(), pod.getSpec()), workloads);
        if (plan.isEmpty()) {
            return new Result(true, wait);
        }
        for (Map.Entry<String, Integer> shrink : plan.get().shrinkBy().entrySet()) {
            V1Deployment deployment = byKey.get(shrink.getKey());
            int replicas = deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
            int target = replicas - shrink.getValue();
            String message = (dryRun ? "would scale" : "scaled") + " from " + replicas + " to " + target + " replicas for pod " + namespace + "/" + name
                    + " (priority " + priority + ", " + demand.describe() + ") on node " + plan.get().node()
                    + (plan.get().gpu() >= 0 ? ", GPU " + plan.get().gpu() : "");
            if (!dryRun) {
                String original = deployment.getMetadata().getAnnotations().getOrDefault(Annotations.ELASTIC_ORIGINAL_REPLICAS, Integer.toString(replicas));
                patch(deployment, target, original, context.clock().instant().toString());
            }
            LOG.info("elastic-shrink: {} {}", shrink.getKey(), message);
            context.events().event(deployment, io.kubernetes.client.extended.event.EventType.Normal, dryRun ? "ElasticShrinkDryRun" : "ElasticShrink", "%s", message);
            context.events().event(pod, io.kubernetes.client.extended.event.EventType.Normal, dryRun ? "ElasticShrinkDryRun" : "ElasticShrink", "%s",
                    "deployment " + shrink.getKey() + " " + message.replace(" for pod " + namespace + "/" + name, ""));
            counter("kubegpu.elastic.actions", "action", "shrink", "mode", dryRun ? "dry_run" : "applied").increment();
            if (!dryRun) {
                counter("kubegpu.elastic.replicas", "action", "shrink").increment(shrink.getValue());
            }
        }
        if (!dryRun) {
            shrankFor.put(pod.getMetadata().getUid(), context.clock().instant());
            shrankFor.keySet().removeIf(uid -> pods.list().stream().noneMatch(p -> uid.equals(p.getMetadata().getUid())));
        }
        // Look again after the wait: the freed GPUs may have gone to someone else.
        return new Result(true, wait);
    }

    private Result restore(String namespace, String name) throws ApiException {
        V1Deployment deployment = deployments.getByKey(namespace + "/" + name);
        if (deployment == null || !shrunk(deployment) || deployment.getSpec() == null) {
            return new Result(false);
        }
        Map<String, String> annotations = deployment.getMetadata().getAnnotations();
        int original;
        try {
            original = Integer.parseInt(annotations.get(Annotations.ELASTIC_ORIGINAL_REPLICAS).trim());
        } catch (NumberFormatException e) {
            context.events().event(deployment, io.kubernetes.client.extended.event.EventType.Warning, "ElasticRestoreRefused", "%s", Annotations.ELASTIC_ORIGINAL_REPLICAS + " '"
                    + annotations.get(Annotations.ELASTIC_ORIGINAL_REPLICAS) + "' is not a whole number; set it to the replica count to restore");
            return new Result(false);
        }
        int replicas = deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
        if (replicas >= original) {
            if (!dryRun) {
                patch(deployment, replicas, null, null);
            }
            return new Result(false);
        }
        String shrunkAt = annotations.get(Annotations.ELASTIC_SHRUNK_AT);
        Instant now = context.clock().instant();
        if (shrunkAt != null) {
            try {
                Instant at = Instant.parse(shrunkAt);
                if (Duration.between(at, now).compareTo(wait) < 0) {
                    return new Result(true, wait.minus(Duration.between(at, now)));
                }
            } catch (java.time.format.DateTimeParseException e) {
                // Unknown time: the wait below still applies through the pending-pod check.
            }
        }
        List<GpuPod> owned = podsOf(deployment);
        int ownPriority = owned.stream().mapToInt(GpuPod::priority).max().orElse(Integer.MIN_VALUE);
        for (V1Pod pod : pods.list()) {
            int priority = pod.getSpec() == null || pod.getSpec().getPriority() == null ? 0 : pod.getSpec().getPriority();
            if (waiting(pod) && priority > ownPriority && demands.read(kubePod(pod)).isGpuPod()) {
                return new Result(true, wait); // Its capacity is what the waiting pod needs.
            }
        }
        V1Pod template = new V1Pod().metadata(deployment.getSpec().getTemplate().getMetadata()).spec(deployment.getSpec().getTemplate().getSpec());
        if (template.getMetadata() != null && template.getMetadata().getName() == null) {
            template.getMetadata().setName(name + "-replica");
            template.getMetadata().setNamespace(namespace);
        }
        PodDemand replica = demands.read(kubePod(template));
        int fit = planner.restorable(replica, eligible(state.snapshot().nodes(), template.getSpec()), original - replicas);
        if (fit == 0) {
            return new Result(true, wait);
        }
        int target = replicas + fit;
        String message = (dryRun ? "would restore" : "restored") + " from " + replicas + " to " + target + " of " + original + " replicas: capacity returned";
        if (!dryRun) {
            patch(deployment, target, target >= original ? null : Integer.toString(original), target >= original ? null : shrunkAt);
            counter("kubegpu.elastic.replicas", "action", "restore").increment(fit);
        }
        context.events().event(deployment, io.kubernetes.client.extended.event.EventType.Normal, dryRun ? "ElasticRestoreDryRun" : "ElasticRestore", "%s", message);
        counter("kubegpu.elastic.actions", "action", "restore", "mode", dryRun ? "dry_run" : "applied").increment();
        LOG.info("elastic-shrink: {}/{} {}", namespace, name, message);
        return new Result(target < original, wait);
    }

    /** The GPU nodes a pod of {@code spec} may be put on (its nodeSelector, required affinity, tolerations). */
    private List<io.kubegpu.cluster.state.NodeState> eligible(List<io.kubegpu.cluster.state.NodeState> all, io.kubernetes.client.openapi.models.V1PodSpec spec) {
        return all.stream().filter(n -> NodeEligibility.allows(spec, nodes.getByKey(n.name()))).toList();
    }

    /** One merge patch: the replicas and the annotations (null removes them), so a restart finds both or neither. */
    private void patch(V1Deployment deployment, int replicas, String original, String shrunkAt) throws ApiException {
        String body = "{\"metadata\":{\"annotations\":{\"" + Annotations.ELASTIC_ORIGINAL_REPLICAS + "\":" + (original == null ? "null" : "\"" + original + "\"")
                + ",\"" + Annotations.ELASTIC_SHRUNK_AT + "\":" + (shrunkAt == null ? "null" : "\"" + shrunkAt + "\"") + "}},\"spec\":{\"replicas\":"
                + replicas + "}}";
        AppsV1Api apps = new AppsV1Api(context.client());
        PatchUtils.patch(V1Deployment.class, () -> apps.patchNamespacedDeployment(deployment.getMetadata().getName(), deployment.getMetadata().getNamespace(),
                new V1Patch(body)).buildCall(null), V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, context.client());
    }

    /** The Deployment's running GPU pods, as the GPU state holds them (pods matching its selector's labels). */
    private List<GpuPod> podsOf(V1Deployment deployment) {
        Map<String, String> selector = deployment.getSpec().getSelector() == null ? null : deployment.getSpec().getSelector().getMatchLabels();
        List<GpuPod> out = new ArrayList<>();
        if (selector == null || selector.isEmpty()) {
            return out;
        }
        for (V1Pod pod : pods.list()) {
            Map<String, String> labels = pod.getMetadata().getLabels();
            if (deployment.getMetadata().getNamespace().equals(pod.getMetadata().getNamespace()) && labels != null
                    && labels.entrySet().containsAll(selector.entrySet()) && pod.getMetadata().getDeletionTimestamp() == null) {
                GpuPod gpu = state.pod(pod.getMetadata().getUid());
                if (gpu != null && gpu.holdsResources()) {
                    out.add(gpu);
                }
            }
        }
        return out;
    }

    /** The fewest disruptions the PodDisruptionBudgets selecting the Deployment's pods allow now (policy/v1, else v1beta1). */
    @SuppressWarnings("unchecked")
    private int disruptionsAllowed(V1Deployment deployment) throws ApiException {
        Map<String, String> labels = deployment.getSpec().getTemplate().getMetadata() == null ? Map.of()
                : deployment.getSpec().getTemplate().getMetadata().getLabels();
        Object list;
        CustomObjectsApi api = new CustomObjectsApi(context.client());
        try {
            list = api.listNamespacedCustomObject("policy", "v1", deployment.getMetadata().getNamespace(), "poddisruptionbudgets").execute();
        } catch (ApiException e) {
            if (e.getCode() != 404) {
                throw e;
            }
            list = api.listNamespacedCustomObject("policy", "v1beta1", deployment.getMetadata().getNamespace(), "poddisruptionbudgets").execute();
        }
        int allowed = Integer.MAX_VALUE;
        for (Map<String, Object> pdb : (List<Map<String, Object>>) ((Map<String, Object>) list).getOrDefault("items", List.of())) {
            Map<String, Object> spec = (Map<String, Object>) pdb.getOrDefault("spec", Map.of());
            Map<String, Object> selector = (Map<String, Object>) spec.getOrDefault("selector", Map.of());
            Map<String, Object> match = (Map<String, Object>) selector.getOrDefault("matchLabels", Map.of());
            if (match.isEmpty() || labels == null || !labels.entrySet().containsAll(((Map<String, String>) (Map<?, ?>) match).entrySet())) {
                continue;
            }
            Map<String, Object> status = (Map<String, Object>) pdb.getOrDefault("status", Map.of());
            Object value = status.get("disruptionsAllowed");
            allowed = Math.min(allowed, value instanceof Number n ? n.intValue() : 0);
        }
        return allowed;
    }

    private static KubePod kubePod(V1Pod pod) {
        try (JsonReader reader = new JsonReader(new StringReader(JSON.getGson().toJson(pod)))) {
            return KubePodReader.read(reader);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Counter counter(String name, String... tags) {
        return Counter.builder(name).tags(tags).register(context.registry());
    }
}
