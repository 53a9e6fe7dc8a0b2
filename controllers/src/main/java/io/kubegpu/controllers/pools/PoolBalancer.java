package io.kubegpu.controllers.pools;

import io.kubegpu.api.Annotations;
import io.kubegpu.api.LogSafe;
import io.kubegpu.cluster.model.ClusterConfig;
import io.kubegpu.cluster.model.KubeNode;
import io.kubegpu.cluster.model.KubeNodeList;
import io.kubegpu.cluster.model.KubePod;
import io.kubegpu.cluster.model.KubePodList;
import io.kubegpu.cluster.model.MetadataTrimming;
import io.kubegpu.controllers.ControllerContext;
import io.kubegpu.controllers.GpuController;
import io.kubegpu.pools.balance.BalancePlan;
import io.kubegpu.pools.balance.BalancePlanner;
import io.kubegpu.pools.balance.BalancePolicy;
import io.kubernetes.client.common.KubernetesListObject;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.extended.controller.Controller;
import io.kubernetes.client.extended.controller.builder.ControllerBuilder;
import io.kubernetes.client.extended.controller.reconciler.Request;
import io.kubernetes.client.extended.controller.reconciler.Result;
import io.kubernetes.client.extended.event.EventType;
import io.kubernetes.client.extended.workqueue.DefaultRateLimitingQueue;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1NamespaceList;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1ObjectReference;
import io.kubernetes.client.util.PatchUtils;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool balancer ({@code --controllers pools}): every interval it reads each group's GPU allocation from the watched
 * Nodes, Pods and Namespaces, asks the pure {@link BalancePlanner} for at most one action, and either records what it would
 * do (dry run, the default: an Event on the node, {@code /balance}, metrics) or does it ({@code --balance apply}): relabels the
 * node to its new group and stamps when ({@value Annotations#POOL_MOVED_AT}, so the cooldown survives a change of leader), or,
 * with draining, cordons it and marks what it drains for. Each write is a merge patch conditioned on the resourceVersion the
 * decision read, so a node changed meanwhile is decided again at the next pass. The pass runs from a rate-limited work queue
 * with one key, requeued after the interval.
 */
public final class PoolBalancer implements GpuController {
    private static final Logger LOG = LoggerFactory.getLogger(PoolBalancer.class);
    private static final String KEY = "pools";

    /**
     * @param cluster        vendors, model labels and catalog (the cluster state's accounting)
     * @param nodeLabel      the node label naming a node's group
     * @param namespaceLabel the namespace label naming a namespace's group
     * @param policy         the rule
     * @param interval       between passes
     * @param apply          change labels; false: dry run
     */
    public record Settings(ClusterConfig cluster, String nodeLabel, String namespaceLabel, BalancePolicy policy, Duration interval, boolean apply) {
        public Settings {
            Objects.requireNonNull(cluster, "cluster");
            Objects.requireNonNull(nodeLabel, "nodeLabel");
            Objects.requireNonNull(namespaceLabel, "namespaceLabel");
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(interval, "interval");
        }
    }

    private final Settings settings;
    private final BalanceView view;

    public PoolBalancer(Settings settings) {
        this.settings = settings;
        this.view = new BalanceView(settings);
    }

    @Override
    public String name() {
        return "pools";
    }

    @Override
    public Map<String, Supplier<String>> views() {
        return Map.of("/balance", view::json);
    }

    /** Passes run so far in this process, for tests. */
    public long passes() {
        return view.passes();
    }

    @Override
    public Controller build(ControllerContext context) {
        MetadataTrimming.install();
        ApiClient client = context.client();
        SharedIndexInformer<KubeNode> nodes = informer(context.informers(), KubeNode.class,
                () -> new GenericKubernetesApi<>(KubeNode.class, KubeNodeList.class, "", "v1", "nodes", client));
        SharedIndexInformer<KubePod> pods = informer(context.informers(), KubePod.class,
                () -> new GenericKubernetesApi<>(KubePod.class, KubePodList.class, "", "v1", "pods", client));
        SharedIndexInformer<V1Namespace> namespaces = informer(context.informers(), V1Namespace.class,
                () -> new GenericKubernetesApi<>(V1Namespace.class, V1NamespaceList.class, "", "v1", "namespaces", client));
        PoolInputs inputs = new PoolInputs(settings.cluster(), settings.nodeLabel(), settings.namespaceLabel(), settings.policy().publicGroup(),
                context.clock());
        BalanceMetrics metrics = new BalanceMetrics(context.registry());
        CoreV1Api api = new CoreV1Api(client);

        DefaultRateLimitingQueue<Request> queue = new DefaultRateLimitingQueue<>(Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "pools-queue");
            thread.setDaemon(true);
            return thread;
        }));
        queue.add(new Request(KEY));
        Controller inner = ControllerBuilder.defaultBuilder(context.informers()).withName("pools").withWorkQueue(queue).withWorkerCount(1)
                .withReadyFunc(nodes::hasSynced).withReadyFunc(pods::hasSynced).withReadyFunc(namespaces::hasSynced)
                .withReconciler(request -> {
                    pass(context, inputs, metrics, api, nodes, pods, namespaces);
                    return new Result(true, settings.interval());
                }).build();
        LOG.info("pool balancer ({}): every {} s, label {}, threshold {} %, at least {} nodes per group, cooldown {} s{}", settings.apply() ? "apply"
                : "dry run", settings.interval().toSeconds(), settings.nodeLabel(), Math.round(settings.policy().threshold() * 100),
                settings.policy().minNodes(), settings.policy().cooldown().toSeconds(), settings.policy().drain() ? ", cordons busy nodes" : "");
        return new Controller() {
            @Override
            public void run() {
                view.running(true);
                try {
                    inner.run();
                } finally {
                    view.running(false);
                }
            }

            @Override
            public void shutdown() {
                inner.shutdown();
            }
        };
    }

    /** The informer of a type in the shared factory: another controller may have registered it already. */
    private static <T extends KubernetesObject, L extends KubernetesListObject> SharedIndexInformer<T> informer(SharedInformerFactory factory,
            Class<T> type, Supplier<GenericKubernetesApi<T, L>> api) {
        SharedIndexInformer<T> existing = factory.getExistingSharedIndexInformer(type);
        return existing != null ? existing : factory.sharedIndexInformerFor(api.get(), type, 0);
    }

    private void pass(ControllerContext context, PoolInputs inputs, BalanceMetrics metrics, CoreV1Api api, SharedIndexInformer<KubeNode> nodes,
                      SharedIndexInformer<KubePod> pods, SharedIndexInformer<V1Namespace> namespaces) {
        Map<String, String> groups = new HashMap<>();
        for (V1Namespace namespace : namespaces.getIndexer().list()) {
            Map<String, String> labels = namespace.getMetadata() == null ? null : namespace.getMetadata().getLabels();
            if (labels != null && labels.get(settings.namespaceLabel()) != null) {
                groups.put(namespace.getMetadata().getName(), labels.get(settings.namespaceLabel()));
            }
        }
        PoolInputs.Inputs read = inputs.read(nodes.getIndexer().list(), pods.getIndexer().list(), groups);
        Instant now = context.clock().instant();
        BalancePlan plan = BalancePlanner.plan(read.nodes(), read.pending(), now, settings.policy());
        String outcome = act(context, api, plan.decision(), read, now);
        metrics.record(plan, outcome);
        view.record(plan, read.nodes(), outcome);
    }

    /** Does (or, in a dry run, records) the decision; what became of it, or null when there was nothing to do. */
    private String act(ControllerContext context, CoreV1Api api, BalancePlan.Decision decision, PoolInputs.Inputs read, Instant now) {
        if (decision.action() == BalancePlan.Action.NONE) {
            return null;
        }
        String outcome = "dry_run";
        if (settings.apply()) {
            try {
                write(api, decision, read.resourceVersions().get(decision.node()), now);
                outcome = "applied";
            } catch (ApiException e) {
                outcome = e.getCode() == 409 ? "conflict" : "failed";
                LOG.warn("pool balancer: {} of node {} {}: {}", decision.action(), decision.node(), e.getCode() == 409
                        ? "skipped, the node changed since it was read (decided again next pass)" : "failed", e.getCode() == 0 ? e.getMessage()
                        : "HTTP " + e.getCode() + " " + LogSafe.quote(String.valueOf(e.getResponseBody())));
                return outcome;
            }
        }
        boolean applied = outcome.equals("applied");
        String reason = switch (decision.action()) {
            case MOVE -> applied ? "PoolNodeMoved" : "PoolNodeWouldMove";
            case CORDON -> applied ? "PoolNodeCordoned" : "PoolNodeWouldCordon";
            case UNCORDON -> applied ? "PoolDrainEnded" : "PoolDrainWouldEnd";
            case NONE -> throw new IllegalStateException();
        };
        String what = switch (decision.action()) {
            case MOVE -> (applied ? "moved" : "dry run: would move") + " from group " + decision.from() + " to " + decision.to();
            case CORDON -> (applied ? "cordoned" : "dry run: would cordon") + " to move from group " + decision.from() + " to " + decision.to()
                    + " once its pods finish";
            default -> (applied ? "uncordoned" : "dry run: would uncordon") + ", staying in group " + decision.from();
        };
        V1ObjectReference node = new V1ObjectReference().kind("Node").apiVersion("v1").name(decision.node()).uid(read.uids().get(decision.node()));
        context.events().event(node, EventType.Normal, reason, "%s", what + ": " + decision.why());
        LOG.info("pool balancer: node {} {}: {}", decision.node(), what, decision.why());
        return outcome;
    }

    /** The merge patch of the decision, conditioned on the resourceVersion the decision read. */
    private void write(CoreV1Api api, BalancePlan.Decision decision, String resourceVersion, Instant now) throws ApiException {
        com.google.gson.JsonObject metadata = new com.google.gson.JsonObject();
        metadata.addProperty("resourceVersion", resourceVersion);
        com.google.gson.JsonObject annotations = new com.google.gson.JsonObject();
        com.google.gson.JsonObject spec = null;
        switch (decision.action()) {
            case MOVE -> {
                com.google.gson.JsonObject labels = new com.google.gson.JsonObject();
                labels.addProperty(settings.nodeLabel(), decision.to());
                metadata.add("labels", labels);
                annotations.addProperty(Annotations.POOL_MOVED_AT, now.toString());
                annotations.addProperty(Annotations.POOL_MOVED_FROM, decision.from());
                if (decision.reason() == BalancePlan.Reason.DRAINED) {
                    spec = uncordon(annotations);
                }
            }
            case CORDON -> {
                annotations.addProperty(Annotations.POOL_DRAINING_FOR, decision.to());
                annotations.addProperty(Annotations.POOL_DRAINING_SINCE, now.toString());
                spec = new com.google.gson.JsonObject();
                spec.addProperty("unschedulable", true);
            }
            case UNCORDON -> spec = uncordon(annotations);
            case NONE -> throw new IllegalStateException();
        }
        metadata.add("annotations", annotations);
        com.google.gson.JsonObject patch = new com.google.gson.JsonObject();
        patch.add("metadata", metadata);
        if (spec != null) {
            patch.add("spec", spec);
        }
        PatchUtils.patch(V1Node.class, () -> api.patchNode(decision.node(), new V1Patch(patch.toString())).buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, api.getApiClient());
    }

    /** Ends a drain of ours: the node schedulable again, our drain annotations removed. */
    private static com.google.gson.JsonObject uncordon(com.google.gson.JsonObject annotations) {
        annotations.add(Annotations.POOL_DRAINING_FOR, com.google.gson.JsonNull.INSTANCE);
        annotations.add(Annotations.POOL_DRAINING_SINCE, com.google.gson.JsonNull.INSTANCE);
        com.google.gson.JsonObject spec = new com.google.gson.JsonObject();
        spec.add("unschedulable", com.google.gson.JsonNull.INSTANCE);
        return spec;
    }
}
