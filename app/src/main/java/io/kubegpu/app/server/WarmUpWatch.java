package io.kubegpu.app.server;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import io.kubegpu.cluster.model.GpuAssignment;
import io.kubegpu.cluster.model.KubePod;
import io.kubegpu.cluster.model.MetadataTrimming;
import io.kubegpu.cluster.model.PodMapper;
import io.kubegpu.cluster.state.ClusterState;
import io.kubegpu.cluster.state.GpuPod;
import io.kubegpu.cluster.state.GpuSlice;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.util.Watch;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import okhttp3.MediaType;
import okhttp3.ResponseBody;

/**
 * The warm-up's stand-in for the API server's pod watch: each synthetic pod's life (created pending, bound, deleted)
 * as the watch stream delivers it, read by the Kubernetes client's own {@link Watch} and our streaming pod reader, mapped
 * by {@link PodMapper} and applied to the warm-up's state as the informer's handler applies it. A fresh extender's
 * first real pods otherwise compiled that whole path — and, because the warm-up's state had been fed only reservations,
 * recompiled the placement code whose type profiles the real pods changed (JFR's deoptimization events on a cold run:
 * {@code NodeState.<init>}, {@code GpuLayout}, {@code NodeScorer.best}, the pod reader).
 */
final class WarmUpWatch {
    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private static final Type EVENT = TypeToken.getParameterized(Watch.Response.class, KubePod.class).getType();
    private static final Gson GSON = new Gson();

    private final ClusterState state;
    private final PodMapper pods;
    private final JSON json;

    WarmUpWatch(ClusterState state, PodMapper pods) {
        // The informers install the streaming readers too; the warm-up may start first.
        MetadataTrimming.install();
        this.state = state;
        this.pods = pods;
        this.json = new JSON();
    }

    /** The pod created, pending; its JSON, which kube-scheduler then sends in the filter call. */
    String added(int index) {
        String pending = pod(index, null, Map.of(), "Pending");
        deliver("ADDED", pending);
        return pending;
    }

    /** The pod bound to {@code node}, with the card assignment a share's bind wrote. */
    void bound(int index, String node, List<GpuSlice> slices) {
        Map<String, String> annotations = slices.isEmpty() ? Map.of() : GpuAssignment.annotations(node, slices, Instant.EPOCH);
        deliver("MODIFIED", pod(index, node, annotations, "Running"));
    }

    /** The pod deleted from {@code node}. */
    void deleted(int index, String node) {
        deliver("DELETED", pod(index, node, Map.of(), "Succeeded"));
    }

    private void deliver(String type, String object) {
        String line = "{\"type\":\"" + type + "\",\"object\":" + object + "}\n";
        Watch<KubePod> watch = new Watch<>(json, ResponseBody.create(line, JSON_TYPE), EVENT, null) {
        };
        Watch.Response<KubePod> event = watch.next();
        KubePod pod = event.object;
        if ("DELETED".equals(event.type)) {
            state.deletePod(pod.uid());
            return;
        }
        Optional<GpuPod> mapped = pods.map(pod);
        if (mapped.isEmpty()) {
            throw new IllegalStateException("the warm-up's pod " + pod.name() + " was not read as a GPU pod");
        }
        state.upsertPod(mapped.get());
    }

    static String name(int index) {
        return "warm-up-" + index;
    }

    static String uid(int index) {
        return String.format(Locale.ROOT, "00000000-0000-4000-8000-%012d", index);
    }

    /** Seven in ten pods ask for a whole GPU (one in five of those two V100s), three for a share, as a mixed cluster's do. */
    static boolean isShare(int index) {
        return index % 10 >= 7;
    }

    /**
     * One in fifty asks for more GPUs than any node has, as the pods that wait in a real cluster's queue do: the filter's
     * answer for a pod that fits nowhere (an error or failed nodes, by kube-scheduler's version) is compiled too.
     */
    static boolean fitsNowhere(int index) {
        return index % 50 == 25;
    }

    /**
     * A pod as the API server stores it, sends it on the watch and kube-scheduler sends it to us, after our webhook:
     * the API server's defaults, owner, conditions and managed fields included, which the readers skip. Their shapes
     * matter to the JSON parsers' compiled code: the managed fields' keys such as {@code k:{"name":"main"}} are member
     * names with escapes, and a warm-up without them had jackson-core's name parser recompiled by the first real pod
     * (an uncommon trap in {@code _parseName}, seen in the compiler's log).
     */
    static String pod(int index, String node, Map<String, String> assignment, String phase) {
        int gpus = fitsNowhere(index) ? 16 : index % 5 == 0 ? 2 : 1;
        String request = isShare(index) ? "8G,0.5" : fitsNowhere(index) ? "16" : index % 5 == 0 ? "2(V100)" : "1";
        String resources = isShare(index) ? "{\"aliyun.com/gpu-mem\":\"8\"}"
                : "{\"cpu\":\"4\",\"memory\":\"16Gi\",\"nvidia.com/gpu\":\"" + gpus + "\"}";
        String resourceFields = isShare(index) ? "{\".\":{},\"f:aliyun.com/gpu-mem\":{}}"
                : "{\".\":{},\"f:cpu\":{},\"f:memory\":{},\"f:nvidia.com/gpu\":{}}";
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("kubegpu.io/gpu", request);
        annotations.putAll(assignment);
        String nodeName = node == null ? "" : "\"nodeName\":\"" + node + "\",";
        return """
            {"metadata":{"name":"%1$s","generateName":"warm-up-","namespace":"warm-up","uid":"%2$s","resourceVersion":"%3$d",\
            "creationTimestamp":"2026-01-01T00:00:00Z","labels":{"app":"warm-up","pod-template-hash":"5d4f8b"},"annotations":%4$s,\
            "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"warm-up-5d4f8b","uid":"00000000-0000-4000-9000-000000000001",\
            "controller":true,"blockOwnerDeletion":true}],"managedFields":[{"manager":"kube-controller-manager","operation":"Update",\
            "apiVersion":"v1","time":"2026-01-01T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:annotations":\
            {".":{},"f:kubegpu.io/gpu":{}},"f:generateName":{},"f:labels":{".":{},"f:app":{},"f:pod-template-hash":{}},\
            "f:ownerReferences":{".":{},"k:{\\"uid\\":\\"00000000-0000-4000-9000-000000000001\\"}":{".":{},"f:apiVersion":{},\
            "f:blockOwnerDeletion":{},"f:controller":{},"f:kind":{},"f:name":{},"f:uid":{}}}},"f:spec":{"f:containers":\
            {"k:{\\"name\\":\\"main\\"}":{".":{},"f:image":{},"f:imagePullPolicy":{},"f:name":{},"f:resources":{".":{},\
            "f:limits":%5$s,"f:requests":%5$s},"f:terminationMessagePath":{},"f:terminationMessagePolicy":{}}},"f:dnsPolicy":{},\
            "f:enableServiceLinks":{},"f:restartPolicy":{},"f:schedulerName":{},"f:securityContext":{},\
            "f:terminationGracePeriodSeconds":{}}}}]},\
            "spec":{"containers":[{"name":"main","image":"registry.invalid/warm-up:1","resources":{"limits":%6$s,"requests":%6$s},\
            "terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent"}],\
            "restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst",%7$s"securityContext":{},\
            "schedulerName":"default-scheduler","tolerations":[{"key":"node.kubernetes.io/not-ready","operator":"Exists",\
            "effect":"NoExecute","tolerationSeconds":300},{"key":"node.kubernetes.io/unreachable","operator":"Exists",\
            "effect":"NoExecute","tolerationSeconds":300}],"priority":0,"enableServiceLinks":true,"preemptionPolicy":"PreemptLowerPriority"},\
            "status":{"phase":"%8$s","conditions":[{"type":"PodScheduled","status":"%9$s","lastProbeTime":null,\
            "lastTransitionTime":"2026-01-01T00:00:01Z"}],"qosClass":"Burstable"}}"""
                .formatted(name(index), uid(index), 1000 + index, GSON.toJson(annotations), resourceFields, resources, nodeName, phase,
                        node == null ? "False" : "True");
    }
}
