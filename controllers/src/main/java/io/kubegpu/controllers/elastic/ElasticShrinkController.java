package io.kubegpu.controllers.elastic;

import io.kubegpu.cluster.model.ClusterConfig;
import io.kubegpu.cluster.state.ClusterState;
import io.kubegpu.cluster.watch.KubeClusterWatcher;
import io.kubegpu.controllers.ControllerContext;
import io.kubegpu.controllers.GpuController;
import io.kubegpu.extender.decision.DemandReader;
import io.kubegpu.extender.decision.GpuFit;
import io.kubegpu.extender.decision.ShrinkPlanner;
import io.kubegpu.guard.MemoryGuard;
import io.kubegpu.request.GpuRequestParser;
import io.kubegpu.request.GrammarConfig;
import io.kubernetes.client.extended.controller.Controller;
import io.kubernetes.client.extended.controller.builder.ControllerBuilder;
import io.kubernetes.client.extended.controller.reconciler.Request;
import io.kubernetes.client.extended.workqueue.DefaultRateLimitingQueue;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1DeploymentList;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeList;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import java.time.Duration;
import java.util.concurrent.Executors;

/**
 * {@code elastic-shrink}: Deployments annotated {@code kubegpu.io/elastic: "min=N"} give up replicas (never below N, never
 * more than their PodDisruptionBudgets allow) when a higher-priority GPU pod has been unschedulable for {@code wait} and
 * those replicas' GPUs would let it fit on one node ({@link ShrinkPlanner}, the filter's own fit); the replica count from
 * before is kept on the Deployment and restored when capacity returns and no higher-priority GPU pod waits. With
 * {@code dryRun} it only records Events of what it would do.
 *
 * <p>Pods are queued as {@code pod/NAME}, Deployments as {@code deployment/NAME}; both are re-examined every {@code wait}
 * while there is something to wait for.
 */
public final class ElasticShrinkController implements GpuController {
    public static final String NAME = "elastic-shrink";

    private final Duration wait;
    private final boolean dryRun;
    private final ClusterConfig config;
    private final GrammarConfig grammar;

    /** With the built-in catalog, vendors and grammar. */
    public ElasticShrinkController(Duration wait, boolean dryRun) {
        this(wait, dryRun, ClusterConfig.defaults(), GrammarConfig.defaults());
    }

    /**
     * With the process's own settings (serve's {@code --catalog}, {@code --vendor}, {@code --max-gpus}, {@code --node-labels}), so
     * the controller reads requests and judges fits as the extender does.
     */
    public ElasticShrinkController(Duration wait, boolean dryRun, ClusterConfig config, GrammarConfig grammar) {
        if (wait.isNegative() || wait.isZero()) {
            throw new IllegalArgumentException("the elastic shrink's wait must be positive, got " + wait);
        }
        this.wait = wait;
        this.dryRun = dryRun;
        this.config = java.util.Objects.requireNonNull(config, "config");
        this.grammar = java.util.Objects.requireNonNull(grammar, "grammar");
    }

    @Override
    public String name() {
        return NAME;
    }

    public Duration waitTime() {
        return wait;
    }

    public boolean dryRun() {
        return dryRun;
    }

    /** How nodes and pods are read: vendors, catalog, label sources. */
    public ClusterConfig config() {
        return config;
    }

    /** How requests are parsed. */
    public GrammarConfig grammar() {
        return grammar;
    }

    @Override
    public Controller build(ControllerContext context) {
        var factory = context.informers();
        SharedIndexInformer<V1Pod> pods = factory.getExistingSharedIndexInformer(V1Pod.class) != null
                ? factory.getExistingSharedIndexInformer(V1Pod.class)
                : factory.sharedIndexInformerFor(new GenericKubernetesApi<>(V1Pod.class, V1PodList.class, "", "v1", "pods", context.client()),
                        V1Pod.class, wait.toMillis());
        SharedIndexInformer<V1Deployment> deployments = factory.getExistingSharedIndexInformer(V1Deployment.class) != null
                ? factory.getExistingSharedIndexInformer(V1Deployment.class)
                : factory.sharedIndexInformerFor(new GenericKubernetesApi<>(V1Deployment.class, V1DeploymentList.class, "apps", "v1", "deployments",
                        context.client()), V1Deployment.class, wait.toMillis());
        // Labels and taints, for the nodes a pod may be put on at all.
        SharedIndexInformer<V1Node> nodes = factory.getExistingSharedIndexInformer(V1Node.class) != null
                ? factory.getExistingSharedIndexInformer(V1Node.class)
                : factory.sharedIndexInformerFor(new GenericKubernetesApi<>(V1Node.class, V1NodeList.class, "", "v1", "nodes", context.client()),
                        V1Node.class, wait.toMillis());
        // The GPU view the extender decides on, from the same informers' kind of data: nodes and GPU pods.
        ClusterState state = new ClusterState(context.clock());
        KubeClusterWatcher watcher = new KubeClusterWatcher(context.client(), state, config, true);
        DemandReader demands = new DemandReader(new GpuRequestParser(grammar), config);
        GpuFit fit = new GpuFit(new MemoryGuard(config.catalog()), config.vendors().all(), io.kubegpu.extender.decision.Policy.BINPACK, null,
                config.gpushare().memoryUnitMiB());
        ElasticReconciler reconciler = new ElasticReconciler(context, state, demands, new ShrinkPlanner(fit), pods.getIndexer(), deployments.getIndexer(),
                nodes.getIndexer(), wait, dryRun);
        Controller inner = ControllerBuilder.defaultBuilder(factory)
                .withName("kube-gpu-elastic-shrink")
                .withWorkQueue(new DefaultRateLimitingQueue<>(Executors.newSingleThreadExecutor(r -> {
                    Thread thread = new Thread(r, "elastic-shrink-queue");
                    thread.setDaemon(true);
                    return thread;
                })))
                .watch(q -> ControllerBuilder.controllerWatchBuilder(V1Pod.class, q)
                        .withWorkQueueKeyFunc(pod -> new Request(pod.getMetadata().getNamespace(), "pod/" + pod.getMetadata().getName()))
                        .withOnAddFilter(ElasticReconciler::waiting)
                        .withOnUpdateFilter((before, after) -> ElasticReconciler.waiting(after))
                        .withOnDeleteFilter((pod, unknown) -> false)
                        .withResyncPeriod(wait).build())
                .watch(q -> ControllerBuilder.controllerWatchBuilder(V1Deployment.class, q)
                        .withWorkQueueKeyFunc(d -> new Request(d.getMetadata().getNamespace(), "deployment/" + d.getMetadata().getName()))
                        .withOnAddFilter(ElasticReconciler::shrunk)
                        .withOnUpdateFilter((before, after) -> ElasticReconciler.shrunk(after))
                        .withOnDeleteFilter((d, unknown) -> false)
                        .withResyncPeriod(wait).build())
                .withReconciler(reconciler)
                .withReadyFunc(() -> pods.hasSynced() && deployments.hasSynced() && nodes.hasSynced() && state.snapshot().synced())
                .withReadyTimeout(Duration.ofMinutes(5))
                .withWorkerCount(1)
                .build();
        return new Controller() {
            @Override
            public void run() {
                watcher.start();
                inner.run();
            }

            @Override
            public void shutdown() {
                inner.shutdown();
                watcher.close();
            }
        };
    }
}
