package io.kubegpu.controllers.autoscale;

import io.kubegpu.api.LogSafe;
import io.kubegpu.autoscale.plan.AutoscalePlan;
import io.kubegpu.autoscale.plan.AutoscalePlanner;
import io.kubegpu.autoscale.plan.FoundHpa;
import io.kubegpu.autoscale.plan.WorkloadRef;
import io.kubegpu.controllers.ControllerContext;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.extended.controller.reconciler.Reconciler;
import io.kubernetes.client.extended.controller.reconciler.Request;
import io.kubernetes.client.extended.controller.reconciler.Result;
import io.kubernetes.client.extended.event.EventType;
import io.kubernetes.client.informer.cache.Indexer;
import io.kubernetes.client.informer.cache.Lister;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Preconditions;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.util.generic.KubernetesApiResponse;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesApi;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesObject;
import io.kubernetes.client.util.generic.options.CreateOptions;
import io.kubernetes.client.util.generic.options.DeleteOptions;
import io.kubernetes.client.util.generic.options.UpdateOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reconcile of one autoscaler name: read the workloads and autoscalers of the informers' caches, let the
 * {@link AutoscalePlanner} decide, write what it says, and tell the workload's owner in an Event. A failed write is
 * retried by the rate-limited queue; a write against a stale cache fails on its resourceVersion (or uid precondition)
 * rather than overwriting what it did not see.
 */
final class AutoscaleReconciler implements Reconciler {
    private static final Logger LOG = LoggerFactory.getLogger(AutoscaleReconciler.class);
    private static final String DRY_RUN_ALL = "All";

    private final ControllerContext context;
    private final boolean dryRun;
    private final Lister<V1Deployment> deployments;
    private final Lister<V1StatefulSet> statefulSets;
    private final AutoscaleMetrics metrics;
    /** The last refusal reported per workload uid: a refusal is counted once, not at every resync. */
    private final Map<String, String> refused = new ConcurrentHashMap<>();
    private volatile AutoscalePlanner planner;
    private volatile DynamicKubernetesApi api;
    private volatile Lister<DynamicKubernetesObject> autoscalers;

    AutoscaleReconciler(ControllerContext context, boolean dryRun, Indexer<V1Deployment> deployments, Indexer<V1StatefulSet> statefulSets,
                        AutoscaleMetrics metrics) {
        this.context = context;
        this.dryRun = dryRun;
        this.deployments = new Lister<>(deployments);
        this.statefulSets = new Lister<>(statefulSets);
        this.metrics = metrics;
    }

    /** Called once discovery found the autoscaling version, before the first reconcile. */
    void attach(AutoscalePlanner planner, DynamicKubernetesApi api, Indexer<DynamicKubernetesObject> autoscalers) {
        this.planner = planner;
        this.api = api;
        this.autoscalers = new Lister<>(autoscalers);
    }

    @Override
    public Result reconcile(Request request) {
        String namespace = request.getNamespace();
        String name = request.getName();
        V1Deployment deployment = live(deployments.namespace(namespace).get(name));
        V1StatefulSet statefulSet = live(statefulSets.namespace(namespace).get(name));
        DynamicKubernetesObject hpa = autoscalers.namespace(namespace).get(name);
        List<FoundHpa> others = autoscalers.namespace(namespace).list().stream().map(o -> new FoundHpa(o.getRaw())).toList();
        List<AutoscalePlan> plans = planner.plan(ref(WorkloadRef.DEPLOYMENT, deployment), ref(WorkloadRef.STATEFUL_SET, statefulSet),
                hpa == null ? null : new FoundHpa(hpa.getRaw()), others);
        boolean retry = false;
        for (AutoscalePlan plan : plans) {
            KubernetesObject workload = plan.workload().kind().equals(WorkloadRef.DEPLOYMENT) ? deployment : statefulSet;
            retry |= !apply(plan, workload);
        }
        return new Result(retry);
    }

    /** Carries out one plan; false when it should be retried. */
    private boolean apply(AutoscalePlan plan, KubernetesObject workload) {
        WorkloadRef ref = plan.workload();
        if (!(plan instanceof AutoscalePlan.Refuse)) {
            refused.remove(ref.uid());
        }
        if (plan instanceof AutoscalePlan.Create create) {
            String what = "HorizontalPodAutoscaler " + ref.name() + " for " + summary(create.hpa());
            var response = api.create(object(create.hpa()), new CreateOptions().dryRun(dryRun ? DRY_RUN_ALL : null));
            return written(response, workload, "create", "AutoscalerCreated", "created " + what);
        }
        if (plan instanceof AutoscalePlan.Update update) {
            String what = "HorizontalPodAutoscaler " + ref.name() + " to " + summary(update.hpa()) + " (differed: "
                    + String.join(", ", update.drift()) + ")";
            var response = api.update(object(update.hpa()), new UpdateOptions().dryRun(dryRun ? DRY_RUN_ALL : null));
            return written(response, workload, "update", "AutoscalerUpdated", "updated " + what);
        }
        if (plan instanceof AutoscalePlan.Delete delete) {
            DeleteOptions options = new DeleteOptions();
            options.setPreconditions(new V1Preconditions().uid(delete.uid()));
            if (dryRun) {
                options.setDryRun(List.of(DRY_RUN_ALL));
            }
            var response = api.delete(ref.namespace(), delete.name(), options);
            if (response.getHttpStatusCode() == 404) {
                return true; // Already gone.
            }
            return written(response, workload, "delete", "AutoscalerDeleted", "deleted HorizontalPodAutoscaler " + delete.name()
                    + ": " + io.kubegpu.api.Annotations.AUTOSCALE + " was removed");
        }
        if (plan instanceof AutoscalePlan.Refuse refuse) {
            if (!refuse.message().equals(refused.put(ref.uid(), refuse.message()))) {
                metrics.refused(refuse.reason());
                LOG.warn("{}: {}", ref.describe(), LogSafe.quote(refuse.message()));
            }
            event(workload, EventType.Warning, refuse.reason().event(), refuse.message());
        }
        return true;
    }

    private boolean written(KubernetesApiResponse<DynamicKubernetesObject> response, KubernetesObject workload, String action, String reason,
                            String done) {
        String who = workload.getMetadata().getNamespace() + "/" + workload.getMetadata().getName();
        if (!response.isSuccess()) {
            metrics.write(action, "failed");
            String status = response.getStatus() == null ? "" : response.getStatus().getMessage();
            LOG.warn("could not {} the autoscaler of {} (HTTP {}): {}", action, who, response.getHttpStatusCode(), status);
            return false;
        }
        if (dryRun) {
            metrics.write(action, "dry_run");
            event(workload, EventType.Normal, "AutoscalerDryRun", "dry run: would have " + done);
        } else {
            metrics.write(action, "ok");
            event(workload, EventType.Normal, reason, done);
        }
        LOG.info("{} {}{}", who, done, dryRun ? " (dry run)" : "");
        return true;
    }

    private void event(KubernetesObject workload, EventType type, String reason, String message) {
        // The message is an argument, never the format: a target such as 50% must not be read as a format specifier.
        context.events().event(workload, type, reason, "%s", message);
    }

    private static String summary(com.google.gson.JsonObject hpa) {
        var spec = hpa.getAsJsonObject("spec");
        var annotations = hpa.getAsJsonObject("metadata").getAsJsonObject("annotations");
        return annotations.get(io.kubegpu.api.Annotations.AUTOSCALE).getAsString() + ", " + spec.get("minReplicas").getAsInt() + ".."
                + spec.get("maxReplicas").getAsInt() + " replicas";
    }

    private static DynamicKubernetesObject object(com.google.gson.JsonObject json) {
        return new DynamicKubernetesObject(json);
    }

    /** Null for an object being deleted: garbage collection takes its autoscaler with it. */
    private static <T extends KubernetesObject> T live(T object) {
        return object == null || object.getMetadata().getDeletionTimestamp() != null ? null : object;
    }

    private static WorkloadRef ref(String kind, KubernetesObject object) {
        if (object == null) {
            return null;
        }
        var metadata = object.getMetadata();
        return new WorkloadRef(kind, metadata.getNamespace(), metadata.getName(), metadata.getUid(), metadata.getAnnotations());
    }
}
