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
import io.kubernetes.client.openapi.models.V1Pod;
import java.nio.file.Files;
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
 * Preemption on a real kube-scheduler 1.20 with the shipped configuration (and, to show what it does instead, the same
 * configuration without {@code preemptVerb}). PriorityClasses are real (the API server's Priority admission resolves them
 * to spec.priority); a {@link NodeAgent} plays the kubelet, so kube-scheduler's graceful deletion of victims completes.
 *
 * <p>Victims are created already bound, with their GPU assignment, so which card each holds is known. kube-scheduler
 * chooses victims from node totals, keeping the most important pods first (higher priority): the priorities below steer
 * its choice.
 */
class PreemptionIT {
    private static final Duration WAIT = Duration.ofSeconds(90);

    private static TestCluster cluster;
    private static ControlPlaneAccess access;
    private static Server extender;
    private static NodeAgent agent;
    private static Path kubeconfig;
    private static final Set<String> nodes = new HashSet<>();
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
        String name = cluster.name("it-" + tier);
        access.call("POST", "/apis/scheduling.k8s.io/v1/priorityclasses", """
                {"apiVersion":"scheduling.k8s.io/v1","kind":"PriorityClass","metadata":{"name":"%s"},"value":%d,
                 "preemptionPolicy":"PreemptLowerPriority"}""".formatted(name, value));
        return name;
    }

    @AfterEach
    void stopScheduler() {
        ControlPlane.stopScheduler();
        if (agent != null) {
            agent.close();
            agent = null;
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (extender != null) {
            extender.close();
        }
        for (String name : new String[] {high, mid, low, lowest}) {
            if (name != null) {
                try {
                    access.call("DELETE", "/apis/scheduling.k8s.io/v1/priorityclasses/" + name, null);
                } catch (Exception e) {
                    // Unique per run: a leftover harms no later run.
                }
            }
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** kube-scheduler 1.20 with the shipped file, pointed at our extender; {@code withPreempt=false} removes the verb. */
    private static void startScheduler(boolean withPreempt) throws Exception {
        String shipped = Files.readString(ControlPlane.repoPath("scheduler-config/kube-scheduler-v1beta1.yaml"));
        assertThat(shipped).contains("preemptVerb: preempt");
        String config = shipped.replace("/etc/kubernetes/scheduler.conf", kubeconfig.toString())
                .replace("http://127.0.0.1:8888", "http://127.0.0.1:" + extender.port())
                .replace("leaderElect: true", "leaderElect: false")
                .replace("127.0.0.1:10251", "127.0.0.1:10351");
        if (!withPreempt) {
            config = config.replace("preemptVerb: preempt", "");
        }
        Path file = Files.createTempFile("kube-scheduler", ".yaml");
        Files.writeString(file, config);
        ControlPlane.startScheduler(file);
        agent = new NodeAgent(ControlPlane.client(), nodes).start();
    }

    /** A node labelled for this test alone ({@code group}), so no other test's nodes can take its pods. */
    private static String node(String base, String group, Map<String, String> labels, Map<String, String> allocatable) throws Exception {
        Map<String, String> all = new java.util.HashMap<>(labels);
        all.put("kubegpu-it-group", cluster.name(group));
        String name = cluster.createNode(base, all, allocatable);
        nodes.add(name);
        return name;
    }

    /** Two T4s of 16 GiB: 32 GiB of aliyun.com/gpu-mem. */
    private static String t4(String base, String group) throws Exception {
        return node(base, group, Map.of("nvidia.com/gpu.product", "Tesla-T4", "nvidia.com/gpu.memory", "16384"),
                Map.of("nvidia.com/gpu", "2", "aliyun.com/gpu-mem", "32", "aliyun.com/gpu-count", "2", "cpu", "32", "memory", "128Gi"));
    }

    /**
     * A pod of {@code priorityClass} in the test's group. With {@code node} set it is created bound there (a running
     * workload), holding {@code slice} ({@code index:memoryMiB:milli}) when a share.
     */
    private static String pod(String base, String group, String priorityClass, String gpu, String resource, int amount, String node, String slice)
            throws Exception {
        String name = cluster.name(base);
        String annotations = "\"kubegpu.io/gpu\":\"" + gpu + "\"" + (slice == null ? ""
                : ",\"kubegpu.io/assigned-node\":\"" + node + "\",\"kubegpu.io/assigned-gpus\":\"" + slice + "\"");
        access.call("POST", "/api/v1/namespaces/" + cluster.namespace + "/pods", """
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","annotations":{%s}},
                 "spec":{"priorityClassName":"%s",%s"nodeSelector":{"kubegpu-it-group":"%s"},"terminationGracePeriodSeconds":1,
                  "containers":[{"name":"main","image":"registry.invalid/gpu-job:1","resources":{"limits":{"%s":"%d"}}}]}}"""
                .formatted(name, annotations, priorityClass, node == null ? "" : "\"nodeName\":\"" + node + "\",", cluster.name(group), resource, amount));
        return name;
    }

    /** A 5 GiB, quarter-compute share bound to {@code gpu} of {@code node}. */
    private static String share(String base, String group, String priorityClass, String node, int gpu) throws Exception {
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
        return Eventually.value(WAIT, name + " is scheduled", () -> {
            V1Pod pod = read(name);
            return pod == null ? null : pod.getSpec().getNodeName();
        });
    }

    private static JsonObject explain(String pod) throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + extender.port() + "/explain/"
                + cluster.namespace + "/" + pod)).build();
        return JsonParser.parseString(java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).body())
                .getAsJsonObject();
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
     * GPU 0, which then has 1 + 5 + 5 = 11 GiB and 0.75 of its compute free. Without our verb kube-scheduler prefers spread
     * (its victims are of lower priority).
     */
    private record T4Cluster(String spread, String onecard, List<String> spreadPods, List<String> gpu0, List<String> gpu1) {
    }

    private static T4Cluster t4Cluster(String group) throws Exception {
        String spread = t4("t4-spread-" + group, group);
        String onecard = t4("t4-onecard-" + group, group);
        List<String> spreadPods = new ArrayList<>();
        for (int gpu = 0; gpu < 2; gpu++) {
            spreadPods.add(share("s-low-a" + gpu + "-" + group, group, low, spread, gpu));
            spreadPods.add(share("s-low-b" + gpu + "-" + group, group, low, spread, gpu));
            spreadPods.add(share("s-lowest" + gpu + "-" + group, group, lowest, spread, gpu));
        }
        List<String> gpu0 = new ArrayList<>();
        List<String> gpu1 = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            gpu0.add(share("o-low" + i + "-" + group, group, low, onecard, 0));
            gpu1.add(share("o-mid" + i + "-" + group, group, mid, onecard, 1));
        }
        synced(spread, 6);
        synced(onecard, 6);
        return new T4Cluster(spread, onecard, spreadPods, gpu0, gpu1);
    }

    @Test
    void aHighPriorityShareLandsAfterExactlyTheVictimsOnOneCardAreRemoved() throws Exception {
        T4Cluster t4s = t4Cluster("verb");
        startScheduler(true);
        String urgent = pod("urgent-share", "verb", high, "8G,0.5(T4)", "aliyun.com/gpu-mem", 8, null, null);

        assertThat(boundTo(urgent)).isEqualTo(t4s.onecard());
        assertThat(read(urgent).getMetadata().getAnnotations()).containsEntry("kubegpu.io/assigned-gpus", "0:8192:500");
        // Exactly two of GPU 0's shares went; GPU 1's and every pod of the other node stayed.
        assertThat(t4s.gpu0().stream().filter(PreemptionIT::gone)).hasSize(2);
        assertThat(t4s.gpu1()).noneMatch(PreemptionIT::gone);
        assertThat(t4s.spreadPods()).noneMatch(PreemptionIT::gone);

        // /explain: the node whose victims spread over two cards was dropped; on the other, which victims on which card.
        JsonObject preempt = explain(urgent).getAsJsonObject("preempt");
        assertThat(preempt.get("demand").getAsString()).isEqualTo("8G,0.5(T4)");
        String nodesJson = preempt.getAsJsonArray("nodes").toString();
        assertThat(nodesJson).contains("\"node\":\"" + t4s.onecard() + "\",\"outcome\":\"preempt\",\"gpu\":0");
        assertThat(nodesJson).contains("\"node\":\"" + t4s.spread() + "\",\"outcome\":\"dropped\",\"reason\":\"the pod does not fit even without all 2 "
                + "victims it may evict: no GPU has 8 GiB and 0.5 of its compute free; most free: GPU 0 with 6 GiB and 0.5 of its compute\"");
        assertThat(nodesJson).contains("\"decision\":\"evict\",\"priority\":-1000,\"gpus\":[0],\"why\":\"needed: holds 5 GiB and 0.25 of its compute on GPU 0");
    }

    @Test
    void withoutTheVerbKubeSchedulerEvictsSharesOnTwoCardsAndThePodStillDoesNotFit() throws Exception {
        T4Cluster t4s = t4Cluster("noverb");
        startScheduler(false);
        String urgent = pod("urgent-share", "noverb", high, "8G,0.5(T4)", "aliyun.com/gpu-mem", 8, null, null);

        // kube-scheduler's choice from totals: the spread node, whose two lowest pods sit on different cards.
        List<String> lowestSpread = t4s.spreadPods().stream().filter(p -> p.contains("lowest")).toList();
        Eventually.until(WAIT, "kube-scheduler evicted the spread node's two lowest pods", () -> lowestSpread.stream().allMatch(PreemptionIT::gone));
        Eventually.until(WAIT, "the pod is nominated to the spread node", () -> {
            V1Pod pod = read(urgent);
            return pod != null && t4s.spread().equals(pod.getStatus().getNominatedNodeName());
        });
        // After the eviction kube-scheduler tried the pod again: each card of the node it emptied has 6 GiB, not 8.
        Eventually.until(WAIT, "the extender judged the pod again after the eviction", () -> {
            try {
                return explain(urgent).getAsJsonObject("filter").getAsJsonArray("nodes").toString()
                        .contains("\"node\":\"" + t4s.spread() + "\",\"outcome\":\"occupied\",\"reason\":\"no GPU has 8 GiB and 0.5 of its compute free; "
                                + "most free: GPU 0 with 6 GiB and 0.5 of its compute\"");
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(read(urgent).getSpec().getNodeName()).as("two pods evicted and the preemptor still pending").isNull();
        assertThat(t4s.gpu0()).noneMatch(PreemptionIT::gone);
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
        startScheduler(true);
        String urgent = pod("urgent-whole", "whole", high, "2(V100)", "nvidia.com/gpu", 2, null, null);

        // 4 GPUs, all held; 2 wanted: the two lowest go, the low one and the one of equal priority stay.
        assertThat(boundTo(urgent)).isEqualTo(v100);
        assertThat(gone(lowest1) && gone(lowest2)).isTrue();
        assertThat(read(lowPod)).isNotNull();
        assertThat(read(equal)).isNotNull();
        JsonObject preempt = explain(urgent).getAsJsonObject("preempt");
        assertThat(preempt.getAsJsonArray("nodes").toString()).contains("\"outcome\":\"preempt\"").contains("\"why\":\"needed: holds 1 whole GPU");
    }
}
