package io.kubegpu.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubegpu.app.server.Server;
import io.kubegpu.app.server.ServerSettings;
import io.kubegpu.cluster.it.ControlPlane;
import io.kubegpu.cluster.it.ControlPlaneAccess;
import io.kubegpu.cluster.it.Eventually;
import io.kubegpu.cluster.it.NodeAgent;
import io.kubegpu.cluster.it.TestCluster;
import io.kubegpu.extender.decision.Policy;
import io.kubegpu.extender.service.NoFitReply;
import io.kubernetes.client.openapi.models.V1Pod;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Preemption on the real kube-scheduler 1.20.2 of the test control plane with the shipped configuration. PriorityClasses
 * are real (the API server's Priority admission resolves them to spec.priority); a {@link NodeAgent} plays the kubelet,
 * so kube-scheduler's graceful deletion of victims completes.
 *
 * <p>kube-scheduler 1.20.0 to 1.20.9 (and 1.21.0 to 1.21.3) never call an extender's preempt verb: the framework is built
 * without the extenders (kubernetes/kubernetes#102971, fixed in 1.20.10 and 1.21.4). Preemption here is kube-scheduler's
 * own, from node totals, and a node that our filter refused while its totals fit becomes a candidate without victims,
 * on which 1.20 panics (kubernetes/kubernetes#101548). These tests show both and that the extender's
 * {@code --no-fit-reply auto} (an error for this version) keeps kube-scheduler up. The verb end to end runs on 1.20.2 with
 * upstream's fix as 1.20.10 shipped it ({@link ControlPlane#SCHEDULER_CALLING_PREEMPT_VERB}); its wire format is also
 * tested over HTTP in {@code PreemptHttpTest}.
 *
 * <p>Victims are created already bound, with their GPU assignment, so which card each holds is known. kube-scheduler
 * chooses victims from node totals, keeping the most important pods first (higher priority): the priorities below steer
 * its choice.
 *
 * <p>Each test is a group of its own: its nodes carry the group's label and a {@code NoSchedule} taint that only the
 * group's pods tolerate, so no other pod on the shared API server (pending pods of other tests, of priority 0, above
 * these victims) can land on them or preempt there, and the group's pods name the group in a nodeSelector. Pod names
 * carry the group. After each test kube-scheduler is stopped and the group's pods and nodes are deleted, so the next
 * kube-scheduler started finds nothing of it pending.
 */
class PreemptionIT {
    private static final Duration WAIT = Duration.ofSeconds(90);

    private static TestCluster cluster;
    private static ControlPlaneAccess access;
    private static Server extender;
    private static NodeAgent agent;
    private static Path kubeconfig;
    private static final Set<String> nodes = new HashSet<>();
    /** The groups (label values) this test created: deleted after it. */
    private final List<String> groups = new ArrayList<>();
    /** Per-run PriorityClasses: high (preemptor), mid, low, lowest (victims). */
    private static String high;
    private static String mid;
    private static String low;
    private static String lowest;

    @BeforeAll
    static void start() throws Exception {
        kubeconfig = ControlPlane.kubeconfig();
        cluster = new TestCluster(ControlPlane.client());
        access = new ControlPlaneAccess();
        high = priorityClass("high", 1_000_000);
        mid = priorityClass("mid", -500);
        low = priorityClass("low", -1000);
        lowest = priorityClass("lowest", -2000);
        extender = Server.start(ServerSettings.embedded().withSource(new ServerSettings.ClusterSource.Kubernetes(kubeconfig))
                .withExtender(ServerSettings.ExtenderRole.defaults().withPolicy(Policy.BINPACK)));
        Eventually.until(WAIT, "the extender's cluster state has synced", () -> extender.state().snapshot().synced());
    }

    private static String priorityClass(String tier, int value) throws Exception {
        return ItSupport.priorityClass(access, cluster, tier, value, "PreemptLowerPriority");
    }

    @AfterEach
    void stopSchedulerAndDeleteTheGroup() throws Exception {
        ControlPlane.stopScheduler();
        if (agent != null) {
            agent.close();
            agent = null;
        }
        for (String group : groups) {
            String selector = "?labelSelector=" + GROUP_LABEL + "%3D" + group;
            // No kubelet confirms a graceful deletion once the agent stopped: delete at once, pending and bound pods alike.
            access.call("DELETE", "/api/v1/namespaces/" + cluster.namespace + "/pods" + selector + "&gracePeriodSeconds=0", null);
            access.call("DELETE", "/api/v1/nodes" + selector, null);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (extender != null) {
            extender.close();
        }
        ItSupport.deletePriorityClasses(access, high, mid, low, lowest);
        if (cluster != null) {
            cluster.close();
        }
    }

    /** kube-scheduler 1.20 with the shipped file as it is (the preempt verb included), pointed at {@code target}. */
    private static void startScheduler(Server target) throws Exception {
        startScheduler(target, "kube-scheduler");
    }

    /** The same with another kube-scheduler binary of the control-plane build. */
    private static void startScheduler(Server target, String binary) throws Exception {
        ItSupport.startShippedScheduler(kubeconfig, target.port(), binary);
        if (agent == null) {
            agent = new NodeAgent(ControlPlane.client(), nodes).start();
        }
    }

    private static String metrics(Server target) throws Exception {
        return ItSupport.get(target.port(), "/metrics");
    }

    private static String failedScheduling(String pod, String prefix) {
        return ItSupport.event(cluster, pod, "FailedScheduling", prefix);
    }

    private static final String GROUP_LABEL = "kubegpu-it-group";

    /** The run-unique label value of {@code group}, recorded for deletion after the test. */
    private String group(String group) {
        String value = cluster.name(group);
        if (!groups.contains(value)) {
            groups.add(value);
        }
        return value;
    }

    /**
     * A node of this test's {@code group} alone: labelled for the group's nodeSelector and tainted so that only the group's
     * pods may be scheduled there (another test's pending pod is UnschedulableAndUnresolvable on it, so never preempts there).
     */
    private String node(String base, String group, Map<String, String> labels, Map<String, String> allocatable) throws Exception {
        Map<String, String> all = new java.util.HashMap<>(labels);
        all.put(GROUP_LABEL, group(group));
        String name = cluster.createNode(base + "-" + group, all, allocatable);
        cluster.patchNode(name, "{\"spec\":{\"taints\":[{\"key\":\"" + GROUP_LABEL + "\",\"value\":\"" + group(group)
                + "\",\"effect\":\"NoSchedule\"}]}}");
        nodes.add(name);
        return name;
    }

    /** Two T4s of 16 GiB: 32 GiB of aliyun.com/gpu-mem. */
    private String t4(String base, String group) throws Exception {
        return node(base, group, Map.of("nvidia.com/gpu.product", "Tesla-T4", "nvidia.com/gpu.memory", "16384"),
                Map.of("nvidia.com/gpu", "2", "aliyun.com/gpu-mem", "32", "aliyun.com/gpu-count", "2", "cpu", "32", "memory", "128Gi"));
    }

    /**
     * A pod of {@code priorityClass} in the test's group. With {@code node} set it is created bound there (a running
     * workload), holding {@code slice} ({@code index:memoryMiB:milli}) when a share.
     */
    private String pod(String base, String group, String priorityClass, String gpu, String resource, int amount, String node, String slice)
            throws Exception {
        String name = cluster.name(base + "-" + group);
        String annotations = "\"kubegpu.io/gpu\":\"" + gpu + "\"" + (slice == null ? ""
                : ",\"kubegpu.io/assigned-node\":\"" + node + "\",\"kubegpu.io/assigned-gpus\":\"" + slice + "\"");
        access.call("POST", "/api/v1/namespaces/" + cluster.namespace + "/pods", """
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%1$s","labels":{"%7$s":"%5$s"},"annotations":{%2$s}},
                 "spec":{"priorityClassName":"%3$s",%4$s"nodeSelector":{"%7$s":"%5$s"},"terminationGracePeriodSeconds":1,
                  "tolerations":[{"key":"%7$s","operator":"Equal","value":"%5$s","effect":"NoSchedule"}],
                  "containers":[{"name":"main","image":"registry.invalid/gpu-job:1","resources":{"limits":{%6$s}}}]}}"""
                .formatted(name, annotations, priorityClass, node == null ? "" : "\"nodeName\":\"" + node + "\",", group(group),
                        "\"" + resource + "\":\"" + amount + "\"", GROUP_LABEL));
        return name;
    }

    /** A 5 GiB, quarter-compute share bound to {@code gpu} of {@code node}. */
    private String share(String base, String group, String priorityClass, String node, int gpu) throws Exception {
        return pod(base, group, priorityClass, "5G,0.25(T4)", "aliyun.com/gpu-mem", 5, node, gpu + ":5120:250");
    }

    private static V1Pod read(String name) {
        try {
            return cluster.api.readNamespacedPod(name, cluster.namespace).execute();
        } catch (Exception e) {
            return null;
        }
    }

    private static boolean gone(String name) {
        return read(name) == null;
    }

    private static String boundTo(String name) {
        try {
            return Eventually.value(WAIT, name + " is scheduled", () -> {
                V1Pod pod = read(name);
                return pod == null ? null : pod.getSpec().getNodeName();
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + diagnosis(name), e);
        }
    }

    /** What a failed wait needs to be understood: the pod's status, our /explain, its Events, kube-scheduler alive or not. */
    private static String diagnosis(String name) {
        StringBuilder out = new StringBuilder();
        V1Pod pod = read(name);
        out.append("pod: ").append(pod == null ? "gone" : "node " + pod.getSpec().getNodeName() + ", nominated "
                + (pod.getStatus() == null ? null : pod.getStatus().getNominatedNodeName()) + ", conditions "
                + (pod.getStatus() == null ? null : pod.getStatus().getConditions()));
        try {
            out.append("\n/explain: ").append(explain(name));
        } catch (Exception e) {
            out.append("\n/explain: ").append(e);
        }
        ItSupport.events(cluster, name).forEach(event -> out.append("\nevent ").append(event.get("reason")).append(": ").append(event.get("message")));
        out.append("\nkube-scheduler running: ").append(ControlPlane.schedulerRunning());
        if (!ControlPlane.schedulerRunning()) {
            String log = ControlPlane.schedulerLog();
            out.append("\nkube-scheduler log tail:\n").append(log.substring(Math.max(0, log.length() - 4000)));
        }
        return out.toString();
    }

    private static JsonObject explain(String pod) throws Exception {
        return explain(extender, pod);
    }

    /** {@code GET /explain/{namespace}/{pod}} of {@code target}. */
    private static JsonObject explain(Server target, String pod) throws Exception {
        return JsonParser.parseString(ItSupport.get(target.port(), "/explain/" + cluster.namespace + "/" + pod)).getAsJsonObject();
    }

    /** Waits until the extender's state holds the node's bound pods, so the first decision sees them all. */
    private static void synced(String node, int pods) {
        Eventually.until(WAIT, "the extender sees the " + pods + " pods on " + node,
                () -> extender.state().snapshot().node(node).map(n -> n.pods().size() == pods).orElse(false));
    }

    /**
     * Node spread: each T4 holds two low shares and one lowest; kube-scheduler, counting the node's 32 GiB in total (30
     * used, 2 free, 8 wanted), evicts its two lowest pods, one per card: 6 GiB free on each card, 8 on none. Node onecard:
     * GPU 0 holds three low shares, GPU 1 three mid ones; kube-scheduler keeps the mids and two of the lows go, both from
     * GPU 0, which then has 1 + 5 + 5 = 11 GiB and 0.75 of its compute free. Choosing by itself, kube-scheduler prefers
     * spread (its victims are of lower priority).
     */
    private record T4Cluster(String spread, String onecard, List<String> spreadPods, List<String> gpu0, List<String> gpu1) {
    }

    private T4Cluster t4Cluster(String group) throws Exception {
        String spread = t4("t4-spread", group);
        String onecard = t4("t4-onecard", group);
        List<String> spreadPods = new ArrayList<>();
        for (int gpu = 0; gpu < 2; gpu++) {
            spreadPods.add(share("s-low-a" + gpu, group, low, spread, gpu));
            spreadPods.add(share("s-low-b" + gpu, group, low, spread, gpu));
            spreadPods.add(share("s-lowest" + gpu, group, lowest, spread, gpu));
        }
        List<String> gpu0 = new ArrayList<>();
        List<String> gpu1 = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            gpu0.add(share("o-low" + i, group, low, onecard, 0));
            gpu1.add(share("o-mid" + i, group, mid, onecard, 1));
        }
        synced(spread, 6);
        synced(onecard, 6);
        return new T4Cluster(spread, onecard, spreadPods, gpu0, gpu1);
    }

    /** A second extender answering "no fit" as failed nodes (so kube-scheduler preempts), synced with the T4 pods. */
    private static Server failedNodesExtender(T4Cluster t4s) throws Exception {
        Server failedNodes = Server.start(ServerSettings.embedded().withSource(new ServerSettings.ClusterSource.Kubernetes(kubeconfig))
                .withExtender(ServerSettings.ExtenderRole.defaults().withPolicy(Policy.BINPACK).withNoFitReply(NoFitReply.FAILED_NODES)));
        try {
            Eventually.until(WAIT, "the second extender has synced", () -> failedNodes.state().snapshot().node(t4s.onecard())
                    .map(n -> n.pods().size() == 6).orElse(false));
        } catch (RuntimeException | AssertionError e) {
            failedNodes.close();
            throw e;
        }
        return failedNodes;
    }

    /**
     * Reproduces the crash, then shows the shipped settings keep kube-scheduler up in the very state that crashed it.
     *
     * <p>With an extender answering "no fit" as failed nodes: kube-scheduler's own plugins refuse both T4 nodes (30 of 32
     * GiB each), so it preempts from totals, without calling our verb: the spread node, whose two lowest pods sit on
     * different cards. The pod still does not fit (6 GiB free on each card) and our filter refuses that node, whose
     * totals now fit (20 of 32 GiB): kube-scheduler preempts again, its dry run finds the pod fits the spread node with
     * no victim, the onecard node gives a second candidate (two victims), and {@code pickOneNodeForPreemption} reads
     * {@code victims.Pods[0]} of each (default_preemption.go:475 in 1.20.2): index out of range, the process exits.
     *
     * <p>Then kube-scheduler with the shipped file again, against the extender as shipped ({@code --no-fit-reply auto},
     * an error on 1.20): our filter answers an error, kube-scheduler records the pod unschedulable with our reasons and
     * does not preempt. Were the crash to come back, the FailedScheduling Event would never be written and the process
     * would be gone.
     */
    @Test
    void kubeScheduler120CrashesOnAVictimlessCandidateUnlessNoFitIsAnError() throws Exception {
        T4Cluster t4s = t4Cluster("crash");
        try (Server failedNodes = failedNodesExtender(t4s)) {
            startScheduler(failedNodes);
            String urgent = pod("urgent", "crash", high, "8G,0.5(T4)", "aliyun.com/gpu-mem", 8, null, null);

            // kube-scheduler's choice from totals: the spread node, whose two lowest pods sit on different cards.
            List<String> lowestSpread = t4s.spreadPods().stream().filter(p -> p.contains("lowest")).toList();
            Eventually.until(WAIT, "kube-scheduler evicted the spread node's two lowest pods", () -> lowestSpread.stream().allMatch(PreemptionIT::gone));
            Eventually.until(WAIT, "kube-scheduler 1.20.2 exited", () -> !ControlPlane.schedulerRunning());
            assertThat(ControlPlane.schedulerLog()).contains(ItSupport.PICK_ONE_NODE_PANIC).contains("defaultpreemption.pickOneNodeForPreemption");
            // Our filter refused the node it emptied (6 GiB on each card); our preempt verb was never asked.
            assertThat(explain(failedNodes, urgent).getAsJsonObject("filter").getAsJsonArray("nodes").toString())
                    .contains("\"node\":\"" + t4s.spread() + "\",\"outcome\":\"occupied\",\"reason\":\"no GPU has 8 GiB and 0.5 of its compute free; "
                            + "most free: GPU 0 with 6 GiB and 0.5 of its compute\"");
            assertThat(metrics(failedNodes)).doesNotContain("verb=\"preempt\"");
            assertThat(read(urgent).getSpec().getNodeName()).as("two pods evicted and the preemptor still pending").isNull();
            assertThat(t4s.gpu0()).noneMatch(PreemptionIT::gone);

            // The same cluster, the extender as shipped.
            startScheduler(extender);
            String message = Eventually.value(WAIT, "kube-scheduler recorded our no-fit error", () -> failedScheduling(urgent, "0/1 nodes fit 8G,0.5(T4)"));
            assertThat(message).contains("1 node: no GPU has 8 GiB and 0.5 of its compute free; most free: GPU 0 with 6 GiB and 0.5 of its compute");
            ItSupport.assertSchedulerSurvived();
            V1Pod pending = read(urgent);
            assertThat(pending.getSpec().getNodeName()).isNull();
            // What the elastic-shrink controller waits on.
            assertThat(pending.getStatus().getConditions()).anySatisfy(c -> {
                assertThat(c.getType()).isEqualTo("PodScheduled");
                assertThat(c.getStatus()).isEqualTo("False");
                assertThat(c.getReason()).isEqualTo("Unschedulable");
            });
            assertThat(t4s.gpu0()).noneMatch(PreemptionIT::gone);
            assertThat(metrics(extender)).contains("kubegpu_extender_no_fit_errors_total");
        }
    }

    /**
     * The share scenario with a kube-scheduler that calls our verb: 1.20.2 with upstream's fix as 1.20.10 shipped it
     * ({@link ControlPlane#SCHEDULER_CALLING_PREEMPT_VERB}). The extender answers "no fit" as failed nodes
     * ({@code --no-fit-reply failed-nodes}, what {@code auto} chooses for such a kube-scheduler's API server: ours is
     * 1.20.2, so {@code auto} would choose {@code error}), so kube-scheduler preempts.
     *
     * <p>kube-scheduler proposes from node totals (30 of 32 GiB used on each node, 8 wanted): on spread its two lowest
     * pods, one per card; on onecard two of GPU 0's three lows (it keeps the mids). Our verb drops spread: once its
     * victims are gone each card has 1 + 5 = 6 GiB free, 8 wanted on one. It keeps onecard with both proposed victims:
     * GPU 0 then has 1 + 5 + 5 = 11 GiB and 1 - 0.25 = 0.75 of its compute free (one victim alone leaves 6 GiB). So the
     * pod lands on onecard's GPU 0 after exactly those two are removed, and nothing on spread is touched, where
     * kube-scheduler alone (the test above) evicted two pods for nothing.
     */
    @Test
    void withAKubeSchedulerThatCallsTheVerbAShareEvictsOnlyTheVictimsOnOneCard() throws Exception {
        T4Cluster t4s = t4Cluster("verb");
        try (Server failedNodes = failedNodesExtender(t4s)) {
            startScheduler(failedNodes, ControlPlane.SCHEDULER_CALLING_PREEMPT_VERB);
            String urgent = pod("urgent", "verb", high, "8G,0.5(T4)", "aliyun.com/gpu-mem", 8, null, null);

            assertThat(boundTo(urgent)).isEqualTo(t4s.onecard());
            String assigned = Eventually.value(WAIT, urgent + " carries its assignment",
                    () -> read(urgent).getMetadata().getAnnotations().get("kubegpu.io/assigned-gpus"));
            assertThat(assigned).startsWith("0:8192:500");
            assertThat(t4s.gpu0().stream().filter(PreemptionIT::gone).count()).as("victims on GPU 0").isEqualTo(2);
            assertThat(t4s.gpu1()).noneMatch(PreemptionIT::gone);
            assertThat(t4s.spreadPods()).as("nothing on the node where the pod could not fit").noneMatch(PreemptionIT::gone);

            // What /explain shows of the verb's last answer: spread dropped, onecard kept with its victims on GPU 0.
            Map<String, JsonObject> decided = new java.util.HashMap<>();
            explain(failedNodes, urgent).getAsJsonObject("preempt").getAsJsonArray("nodes")
                    .forEach(n -> decided.put(n.getAsJsonObject().get("node").getAsString(), n.getAsJsonObject()));
            assertThat(decided).as("kube-scheduler proposed both nodes").containsKeys(t4s.spread(), t4s.onecard());
            assertThat(decided.get(t4s.spread()).get("outcome").getAsString()).isEqualTo("dropped");
            JsonObject onecard = decided.get(t4s.onecard());
            assertThat(onecard.get("outcome").getAsString()).isEqualTo("preempt");
            assertThat(onecard.get("gpu").getAsInt()).isZero();
            assertThat(onecard.getAsJsonArray("victims")).hasSize(2).allSatisfy(v -> {
                assertThat(v.getAsJsonObject().get("decision").getAsString()).isEqualTo("evict");
                assertThat(v.getAsJsonObject().getAsJsonArray("gpus").toString()).isEqualTo("[0]");
            });
            assertThat(metrics(failedNodes)).contains("kubegpu_extender_decisions_total{outcome=\"victims\",verb=\"preempt\"}");
            ItSupport.assertSchedulerSurvived();
        }
    }

    @Test
    void aHighPriorityWholeGpuPodPreemptsTheLowestPriorityPodsOnly() throws Exception {
        String v100 = node("v100-whole", "whole", Map.of("nvidia.com/gpu.product", "Tesla-V100-SXM2-32GB", "nvidia.com/gpu.memory", "32510"),
                Map.of("nvidia.com/gpu", "4", "cpu", "32", "memory", "256Gi"));
        String equal = pod("w-equal", "whole", high, "1(V100)", "nvidia.com/gpu", 1, v100, null);
        String lowPod = pod("w-low", "whole", low, "1(V100)", "nvidia.com/gpu", 1, v100, null);
        String lowest1 = pod("w-lowest1", "whole", lowest, "1(V100)", "nvidia.com/gpu", 1, v100, null);
        String lowest2 = pod("w-lowest2", "whole", lowest, "1(V100)", "nvidia.com/gpu", 1, v100, null);
        synced(v100, 4);
        startScheduler(extender);
        String urgent = pod("urgent", "whole", high, "2(V100)", "nvidia.com/gpu", 2, null, null);

        // 4 GPUs, all held; 2 wanted: the two lowest go, the low one and the one of equal priority stay.
        assertThat(boundTo(urgent)).isEqualTo(v100);
        assertThat(gone(lowest1) && gone(lowest2)).isTrue();
        assertThat(read(lowPod)).isNotNull();
        assertThat(read(equal)).isNotNull();
        // kube-scheduler's own choice from node totals, right for whole GPUs of one model: 1.20.2 never asked our verb.
        assertThat(explain(urgent).has("preempt")).isFalse();
        ItSupport.assertSchedulerSurvived();
    }
}
