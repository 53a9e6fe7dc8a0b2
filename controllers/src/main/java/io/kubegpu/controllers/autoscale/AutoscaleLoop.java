package io.kubegpu.controllers.autoscale;

import io.kubegpu.autoscale.plan.AutoscalePlanner;
import io.kubegpu.autoscale.plan.FoundHpa;
import io.kubegpu.autoscale.plan.HpaApiVersion;
import io.kubegpu.autoscale.plan.ScaleEvent;
import io.kubegpu.controllers.ControllerContext;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.extended.controller.Controller;
import io.kubernetes.client.extended.controller.builder.ControllerBuilder;
import io.kubernetes.client.extended.controller.reconciler.Request;
import io.kubernetes.client.extended.workqueue.DefaultRateLimitingQueue;
import io.kubernetes.client.extended.workqueue.RateLimitingQueue;
import io.kubernetes.client.extended.workqueue.ratelimiter.DefaultControllerRateLimiter;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.apis.AutoscalingApi;
import io.kubernetes.client.openapi.models.V1APIGroup;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1DeploymentList;
import io.kubernetes.client.openapi.models.V1GroupVersionForDiscovery;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V1StatefulSetList;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesApi;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The autoscale controller as it runs: Deployment and StatefulSet informers of the host's shared factory, an autoscaler
 * informer in the autoscaling version the server offers (found by discovery when the controller starts, so it waits for
 * an API server that is not there yet instead of failing), one rate-limited work queue keyed by namespace and autoscaler
 * name, and the {@link AutoscaleReconciler}.
 *
 * <p>Autoscalers are watched as raw JSON in a factory of their own: the host's factory keys informers by Java class, and
 * every raw object shares one class.
 */
final class AutoscaleLoop implements Controller {
    private static final Logger LOG = LoggerFactory.getLogger(AutoscaleLoop.class);
    private static final Duration DISCOVERY_RETRY = Duration.ofSeconds(5);

    private final ControllerContext context;
    private final AutoscaleController settings;
    private final RateLimitingQueue<Request> queue;
    private final AutoscaleReconciler reconciler;
    private final AutoscaleMetrics metrics;
    private final Controller inner;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile SharedInformerFactory autoscalerInformers;
    private volatile SharedIndexInformer<DynamicKubernetesObject> autoscalers;

    private AutoscaleLoop(ControllerContext context, AutoscaleController settings, RateLimitingQueue<Request> queue,
                          AutoscaleReconciler reconciler, AutoscaleMetrics metrics, Controller inner) {
        this.context = context;
        this.settings = settings;
        this.queue = queue;
        this.reconciler = reconciler;
        this.metrics = metrics;
        this.inner = inner;
    }

    static AutoscaleLoop build(ControllerContext context, AutoscaleController settings) {
        var factory = context.informers();
        long resync = settings.resync().toMillis();
        SharedIndexInformer<V1Deployment> deployments = informer(factory, V1Deployment.class,
                () -> new GenericKubernetesApi<>(V1Deployment.class, V1DeploymentList.class, "apps", "v1", "deployments", context.client()), resync);
        SharedIndexInformer<V1StatefulSet> statefulSets = informer(factory, V1StatefulSet.class,
                () -> new GenericKubernetesApi<>(V1StatefulSet.class, V1StatefulSetList.class, "apps", "v1", "statefulsets", context.client()), resync);
        RateLimitingQueue<Request> queue = new DefaultRateLimitingQueue<>(Executors.newSingleThreadExecutor(daemon("autoscale-queue")),
                new DefaultControllerRateLimiter<>());
        AutoscaleMetrics metrics = new AutoscaleMetrics(context.registry());
        AutoscaleReconciler reconciler = new AutoscaleReconciler(context, settings.dryRun(), deployments.getIndexer(), statefulSets.getIndexer(),
                metrics);
        AutoscaleLoop[] self = new AutoscaleLoop[1];
        Controller inner = ControllerBuilder.defaultBuilder(factory)
                .withName("kube-gpu-autoscale")
                .withWorkQueue(queue)
                .watch(q -> ControllerBuilder.controllerWatchBuilder(V1Deployment.class, q)
                        .withOnUpdateFilter(AutoscaleLoop::relevant).withResyncPeriod(settings.resync()).build())
                .watch(q -> ControllerBuilder.controllerWatchBuilder(V1StatefulSet.class, q)
                        .withOnUpdateFilter(AutoscaleLoop::relevant).withResyncPeriod(settings.resync()).build())
                .withReconciler(reconciler)
                .withReadyFunc(() -> deployments.hasSynced() && statefulSets.hasSynced() && self[0].autoscalersSynced())
                .withReadyTimeout(Duration.ofMinutes(5))
                .withWorkerCount(2)
                .build();
        self[0] = new AutoscaleLoop(context, settings, queue, reconciler, metrics, inner);
        return self[0];
    }

    /** The factory's informer for {@code type}, or a new one: the factory keeps only the first informer of a type. */
    private static <T extends KubernetesObject, L extends io.kubernetes.client.common.KubernetesListObject> SharedIndexInformer<T> informer(
            SharedInformerFactory factory, Class<T> type, java.util.function.Supplier<GenericKubernetesApi<T, L>> api, long resync) {
        SharedIndexInformer<T> existing = factory.getExistingSharedIndexInformer(type);
        return existing != null ? existing : factory.sharedIndexInformerFor(api.get(), type, resync);
    }

    /** A workload update matters when its autoscale annotations changed, or on a resync (the same object again). */
    static boolean relevant(KubernetesObject before, KubernetesObject after) {
        if (Objects.equals(before.getMetadata().getResourceVersion(), after.getMetadata().getResourceVersion())) {
            return io.kubegpu.autoscale.AutoscaleParser.optedIn(after.getMetadata().getAnnotations());
        }
        return !autoscaleAnnotations(before).equals(autoscaleAnnotations(after))
                || !Objects.equals(before.getMetadata().getUid(), after.getMetadata().getUid());
    }

    private static Map<String, String> autoscaleAnnotations(KubernetesObject object) {
        Map<String, String> all = object.getMetadata().getAnnotations();
        if (all == null) {
            return Map.of();
        }
        Map<String, String> out = new java.util.HashMap<>();
        all.forEach((key, value) -> {
            if (key.startsWith(io.kubegpu.api.Annotations.AUTOSCALE)) {
                out.put(key, value);
            }
        });
        return out;
    }

    private boolean autoscalersSynced() {
        SharedIndexInformer<DynamicKubernetesObject> informer = autoscalers;
        return informer != null && informer.hasSynced();
    }

    @Override
    public void run() {
        String version = discover();
        if (version == null) {
            return; // Shut down before the API server answered.
        }
        SharedInformerFactory factory = new SharedInformerFactory(context.client());
        DynamicKubernetesApi api = new DynamicKubernetesApi("autoscaling", version, "horizontalpodautoscalers", context.client());
        SharedIndexInformer<DynamicKubernetesObject> informer = factory.sharedIndexInformerFor(
                new AutoscalerListerWatcher(api, "autoscaling/" + version), DynamicKubernetesObject.class, settings.resync().toMillis());
        informer.addEventHandler(new AutoscalerEvents());
        reconciler.attach(new AutoscalePlanner(version), api, informer.getIndexer());
        autoscalerInformers = factory;
        autoscalers = informer;
        factory.startAllRegisteredInformers();
        LOG.info("autoscale controller: writing autoscaling/{} HorizontalPodAutoscalers{}", version, settings.dryRun()
                ? " in dry-run mode (validated by the API server, never stored)" : "");
        inner.run();
    }

    /** The autoscaling version to write, asking the API server until it answers; null when shut down first. */
    private String discover() {
        while (stopped.getCount() > 0) {
            try {
                V1APIGroup group = new AutoscalingApi(context.client()).getAPIGroup().execute();
                List<String> served = group.getVersions().stream().map(V1GroupVersionForDiscovery::getVersion).toList();
                var chosen = HpaApiVersion.choose(served);
                if (chosen.isPresent()) {
                    return chosen.get();
                }
                LOG.error("the API server offers autoscaling {} but neither v2 nor v2beta2: GPU autoscaling needs Kubernetes 1.12 or newer", served);
            } catch (Exception e) {
                LOG.warn("cannot discover the autoscaling API versions yet: {}", e.getMessage());
            }
            try {
                if (stopped.await(DISCOVERY_RETRY.toMillis(), TimeUnit.MILLISECONDS)) {
                    return null;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    @Override
    public void shutdown() {
        stopped.countDown();
        inner.shutdown();
        SharedInformerFactory factory = autoscalerInformers;
        if (factory != null) {
            factory.stopAllRegisteredInformers();
        }
    }

    /** Autoscaler changes: a new or changed spec is reconciled (drift), and a rescale in the status is counted. */
    private final class AutoscalerEvents implements ResourceEventHandler<DynamicKubernetesObject> {
        @Override
        public void onAdd(DynamicKubernetesObject hpa) {
            enqueue(new FoundHpa(hpa.getRaw()));
        }

        @Override
        public void onUpdate(DynamicKubernetesObject before, DynamicKubernetesObject after) {
            FoundHpa was = new FoundHpa(before.getRaw());
            FoundHpa now = new FoundHpa(after.getRaw());
            if (now.managedByUs()) {
                ScaleEvent.between(was.status(), now.status()).ifPresent(event -> {
                    metrics.scaled(event);
                    LOG.info("HorizontalPodAutoscaler {}/{} scaled {} from {} to {} replicas", now.namespace(), now.name(),
                            event.direction().tag(), event.from(), event.to());
                });
            }
            // Status-only updates (every sync of the HPA controller) are not ours to act on; a resync is.
            boolean resync = Objects.equals(before.getMetadata().getResourceVersion(), after.getMetadata().getResourceVersion());
            if (resync || !was.spec().equals(now.spec()) || !metadata(was).equals(metadata(now))) {
                enqueue(now);
            }
        }

        @Override
        public void onDelete(DynamicKubernetesObject hpa, boolean finalStateUnknown) {
            enqueue(new FoundHpa(hpa.getRaw()));
        }

        /** Metadata without what changes on every write: labels, annotations and owners are what can drift. */
        private com.google.gson.JsonObject metadata(FoundHpa hpa) {
            var out = hpa.object().has("metadata") ? hpa.object().getAsJsonObject("metadata").deepCopy() : new com.google.gson.JsonObject();
            out.remove("resourceVersion");
            out.remove("managedFields");
            return out;
        }

        /** The autoscaler's own name, and the workload it scales when that is another name (a second autoscaler of it). */
        private void enqueue(FoundHpa hpa) {
            if (hpa.namespace() == null || hpa.name() == null) {
                return;
            }
            queue.add(new Request(hpa.namespace(), hpa.name()));
            var target = hpa.spec().get("scaleTargetRef");
            if (target != null && target.isJsonObject() && target.getAsJsonObject().get("name") != null) {
                String workload = target.getAsJsonObject().get("name").getAsString();
                if (!workload.equals(hpa.name())) {
                    queue.add(new Request(hpa.namespace(), workload));
                }
            }
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread thread = new Thread(r, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
