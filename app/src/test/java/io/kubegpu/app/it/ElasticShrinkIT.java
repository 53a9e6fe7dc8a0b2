package io.kubegpu.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.api.Annotations;
import io.kubegpu.app.server.Server;
import io.kubegpu.app.server.ServerSettings;
import io.kubegpu.cluster.it.ControlPlane;
import io.kubegpu.cluster.it.ControlPlaneAccess;
import io.kubegpu.cluster.it.Eventually;
import io.kubegpu.cluster.it.NodeAgent;
import io.kubegpu.cluster.it.TestCluster;
import io.kubegpu.controllers.ControllerHost;
import io.kubegpu.controllers.elastic.ElasticShrinkController;
import io.kubegpu.extender.decision.Policy;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Pod;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The elastic-shrink controller on the real control plane: kube-controller-manager runs the Deployment, ReplicaSet and
 * disruption controllers, a {@link NodeAgent} plays the kubelet, kube-scheduler 1.20 runs the shipped configuration with
 * our extender in process, and the controller host runs {@code elastic-shrink} with a short wait.
 *
 * <p>The waiting pod's PriorityClass has {@code preemptionPolicy: Never}: kube-scheduler 1.20.2 never calls our preempt
 * verb (which spares elastic pods), so its own preemption would evict an elastic replica at once, and the ReplicaSet would
 * put it back pending. With that policy only the controller makes room, by scaling the Deployment down.
 *
 * <p>Each test has its own node (an L4 node with its group's label and a taint only the group's pods tolerate) and
 * deletes its objects afterwards.
 */
class ElasticShrinkIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /**
     * For the waiting pod to land once a replica is gone. kube-scheduler and the extender each see the replica's deletion
     * through their own watch: when the extender's comes a moment later, the pod's attempt in between finds no GPU, and
     * kube-scheduler 1.20 retries it only at the next cluster event or its 60 s flush of unschedulable pods.
     */
    private static final Duration RESCHEDULE_WAIT = Duration.ofSeconds(100);
    /** The controller's --elastic-wait in these tests. */
    private static final Duration ELASTIC_WAIT = Duration.ofSeconds(3);
    private static final String GROUP_LABEL = "kubegpu-it-group";

    private static TestCluster cluster;
    private static ControlPlaneAccess access;
    private static Server extender;
    private static Path kubeconfig;
    private static String urgentClass;
    private static String lowClass;

    private NodeAgent agent;
    private ControllerHost host;
    private String group;

    @BeforeAll
    static void start() throws Exception {
        kubeconfig = ControlPlane.kubeconfig();
        cluster = new TestCluster(ControlPlane.client());
        access = new ControlPlaneAccess();
        urgentClass = ItSupport.priorityClass(access, cluster, "urgent-nonpreempting", 1_000_000, "Never");
        lowClass = ItSupport.priorityClass(access, cluster, "elastic-low", -1000, "PreemptLowerPriority");
        extender = Server.start(ServerSettings.embedded().withSource(new ServerSettings.ClusterSource.Kubernetes(kubeconfig))
                .withExtender(ServerSettings.ExtenderRole.defaults().withPolicy(Policy.BINPACK)));
        Eventually.until(WAIT, "the extender's cluster state has synced", () -> extender.state().snapshot().synced());
        ControlPlane.startControllerManager();
        ItSupport.startShippedScheduler(kubeconfig, extender.port());
    }

    @AfterEach
    void deleteTheGroup() throws Exception {
        if (host != null) {
            host.close();
        }
        if (agent != null) {
            agent.close();
        }
        String selector = "?labelSelector=" + GROUP_LABEL + "%3D" + group;
        access.call("DELETE", "/apis/apps/v1/namespaces/" + cluster.namespace + "/deployments" + selector, null);
        access.call("DELETE", "/apis/policy/v1beta1/namespaces/" + cluster.namespace + "/poddisruptionbudgets" + selector, null);
        access.call("DELETE", "/api/v1/namespaces/" + cluster.namespace + "/pods" + selector + "&gracePeriodSeconds=0", null);
        access.call("DELETE", "/api/v1/nodes" + selector, null);
    }

    @AfterAll
    static void stop() {
        ControlPlane.stopScheduler();
        ControlPlane.stopControllerManager();
        if (extender != null) {
            extender.close();
        }
        ItSupport.deletePriorityClasses(access, urgentClass, lowClass);
        if (cluster != null) {
            cluster.close();
        }
    }

    /** This test's group, an L4 node of {@code gpus} GPUs in it, and the agent that plays its kubelet. */
    private String l4Node(String base, int gpus) throws Exception {
        group = cluster.name(base);
        String node = cluster.createNode(base, Map.of("nvidia.com/gpu.product", "NVIDIA-L4", "nvidia.com/gpu.memory", "23034", GROUP_LABEL, group),
                Map.of("nvidia.com/gpu", Integer.toString(gpus), "cpu", "32", "memory", "128Gi"));
        cluster.patchNode(node, "{\"spec\":{\"taints\":[{\"key\":\"" + GROUP_LABEL + "\",\"value\":\"" + group + "\",\"effect\":\"NoSchedule\"}]}}");
        agent = new NodeAgent(ControlPlane.client(), java.util.Set.of(node)).start();
        return node;
    }

    /** The group's pod spec: its nodeSelector and toleration, a PriorityClass, one whole L4 per container. */
    private String podSpec(String priorityClass) {
        return """
                {"priorityClassName":"%1$s","nodeSelector":{"%2$s":"%3$s"},"terminationGracePeriodSeconds":1,
                 "tolerations":[{"key":"%2$s","operator":"Equal","value":"%3$s","effect":"NoSchedule"}],
                 "containers":[{"name":"main","image":"registry.invalid/infer:1","resources":{"limits":{"nvidia.com/gpu":"1"}}}]}"""
                .formatted(priorityClass, GROUP_LABEL, group);
    }

    /** An elastic Deployment (the annotation on it and on its pods, so the preempt verb spares them) of {@code replicas} L4 replicas. */
    private String elasticDeployment(String base, int replicas, int min) throws Exception {
        String name = cluster.name(base);
        access.call("POST", "/apis/apps/v1/namespaces/" + cluster.namespace + "/deployments", """
                {"apiVersion":"apps/v1","kind":"Deployment",
                 "metadata":{"name":"%1$s","labels":{"%2$s":"%3$s"},"annotations":{"%4$s":"min=%5$d"}},
                 "spec":{"replicas":%6$d,"selector":{"matchLabels":{"app":"%1$s"}},
                  "template":{"metadata":{"labels":{"app":"%1$s","%2$s":"%3$s"},"annotations":{"%4$s":"min=%5$d","kubegpu.io/gpu":"1(L4)"}},
                   "spec":%7$s}}}""".formatted(name, GROUP_LABEL, group, Annotations.ELASTIC, min, replicas, podSpec(lowClass)));
        Eventually.until(WAIT, name + " has " + replicas + " available replicas", () -> available(name) == replicas);
        return name;
    }

    /** The high-priority pod that waits for a GPU (it may not preempt). */
    private String urgentPod(String base) throws Exception {
        String name = cluster.name(base);
        access.call("POST", "/api/v1/namespaces/" + cluster.namespace + "/pods", """
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","labels":{"%s":"%s"},"annotations":{"kubegpu.io/gpu":"1(L4)"}},"spec":%s}"""
                .formatted(name, GROUP_LABEL, group, podSpec(urgentClass)));
        return name;
    }

    private ControllerHost controller(boolean dryRun, SimpleMeterRegistry registry) throws Exception {
        ControllerHost started = ControllerHost.start(ControlPlane.client(), new ControllerHost.Election(cluster.namespace, cluster.name("elastic-" + dryRun),
                "it", Duration.ofSeconds(3)), List.of(new ElasticShrinkController(ELASTIC_WAIT, dryRun)), registry, Clock.systemUTC());
        Eventually.until(WAIT, "the controller host leads", started::leading);
        return started;
    }

    private static V1Deployment deployment(String name) {
        try {
            return new AppsV1Api(ControlPlane.client()).readNamespacedDeployment(name, cluster.namespace).execute();
        } catch (Exception e) {
            return null;
        }
    }

    private static int replicas(String name) {
        V1Deployment deployment = deployment(name);
        return deployment == null || deployment.getSpec().getReplicas() == null ? -1 : deployment.getSpec().getReplicas();
    }

    private static int available(String name) {
        V1Deployment deployment = deployment(name);
        return deployment == null || deployment.getStatus() == null || deployment.getStatus().getAvailableReplicas() == null ? 0
                : deployment.getStatus().getAvailableReplicas();
    }

    private static Map<String, String> annotations(String name) {
        V1Deployment deployment = deployment(name);
        return deployment == null || deployment.getMetadata().getAnnotations() == null ? Map.of() : deployment.getMetadata().getAnnotations();
    }

    private static V1Pod pod(String name) {
        try {
            return cluster.api.readNamespacedPod(name, cluster.namespace).execute();
        } catch (Exception e) {
            return null;
        }
    }

    private static double counter(SimpleMeterRegistry registry, String name, String... tags) {
        var counter = registry.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    /**
     * Four elastic replicas ({@code min=1}, a PodDisruptionBudget allowing one disruption) hold all four L4s; a
     * higher-priority pod wanting one waits past the wait; the controller scales the Deployment to 3, the fewest that make
     * room (one GPU for one GPU), recording the original 4 on it and Events on both objects; the pod lands on the freed
     * GPU. Deleting it gives the GPU back: the Deployment is restored to 4 and the annotations go.
     */
    @Test
    void anElasticDeploymentShrinksForAWaitingHigherPriorityPodAndGrowsBackWhenItIsGone() throws Exception {
        String node = l4Node("elastic-l4", 4);
        String infer = elasticDeployment("infer", 4, 1);
        access.call("POST", "/apis/policy/v1beta1/namespaces/" + cluster.namespace + "/poddisruptionbudgets", """
                {"apiVersion":"policy/v1beta1","kind":"PodDisruptionBudget","metadata":{"name":"%1$s","labels":{"%2$s":"%3$s"}},
                 "spec":{"maxUnavailable":1,"selector":{"matchLabels":{"app":"%1$s"}}}}""".formatted(infer, GROUP_LABEL, group));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        host = controller(false, registry);

        String urgent = urgentPod("urgent");
        Eventually.until(WAIT, infer + " is scaled to 3", () -> replicas(infer) == 3);
        assertThat(annotations(infer)).containsEntry(Annotations.ELASTIC_ORIGINAL_REPLICAS, "4").containsKey(Annotations.ELASTIC_SHRUNK_AT);
        Eventually.until(RESCHEDULE_WAIT, urgent + " is bound to " + node, () -> pod(urgent) != null && node.equals(pod(urgent).getSpec().getNodeName()));
        assertThat(ItSupport.event(cluster, infer, "ElasticShrink", "scaled from 4 to 3 replicas for pod " + cluster.namespace + "/" + urgent))
                .isNotNull();
        assertThat(ItSupport.event(cluster, urgent, "ElasticShrink", "deployment " + cluster.namespace + "/" + infer + " scaled from 4 to 3 replicas"))
                .isNotNull();
        assertThat(counter(registry, "kubegpu.elastic.actions", "action", "shrink", "mode", "applied")).isEqualTo(1.0);
        assertThat(counter(registry, "kubegpu.elastic.replicas", "action", "shrink")).isEqualTo(1.0);
        Eventually.until(WAIT, "3 replicas available", () -> available(infer) == 3);

        access.call("DELETE", "/api/v1/namespaces/" + cluster.namespace + "/pods/" + urgent, null);
        Eventually.until(WAIT, infer + " is restored to 4", () -> replicas(infer) == 4);
        assertThat(annotations(infer)).doesNotContainKeys(Annotations.ELASTIC_ORIGINAL_REPLICAS, Annotations.ELASTIC_SHRUNK_AT);
        assertThat(ItSupport.event(cluster, infer, "ElasticRestore", "restored from 3 to 4 of 4 replicas")).isNotNull();
        Eventually.until(WAIT, "4 replicas available again", () -> available(infer) == 4);
        assertThat(counter(registry, "kubegpu.elastic.replicas", "action", "restore")).isEqualTo(1.0);
        ItSupport.assertSchedulerSurvived();
    }

    /** In dry-run mode the controller records what it would do, on both objects, and changes nothing. */
    @Test
    void inDryRunOnlyEventsSayWhatWouldBeDone() throws Exception {
        l4Node("dry-l4", 2);
        String infer = elasticDeployment("dry-infer", 2, 1);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        host = controller(true, registry);

        String urgent = urgentPod("dry-urgent");
        String message = Eventually.value(WAIT, "an ElasticShrinkDryRun Event", () -> ItSupport.event(cluster, infer, "ElasticShrinkDryRun", ""));
        assertThat(message).startsWith("would scale from 2 to 1 replicas for pod " + cluster.namespace + "/" + urgent);
        // The two Events are written one after the other: wait for the pod's too.
        Eventually.value(WAIT, "the pod's ElasticShrinkDryRun Event", () -> ItSupport.event(cluster, urgent, "ElasticShrinkDryRun",
                "deployment " + cluster.namespace + "/" + infer + " would scale from 2 to 1"));
        assertThat(counter(registry, "kubegpu.elastic.actions", "action", "shrink", "mode", "dry_run")).isGreaterThanOrEqualTo(1.0);
        // Nothing changed: the replicas, the annotations, the pod still waiting.
        assertThat(replicas(infer)).isEqualTo(2);
        assertThat(annotations(infer)).doesNotContainKeys(Annotations.ELASTIC_ORIGINAL_REPLICAS, Annotations.ELASTIC_SHRUNK_AT);
        assertThat(available(infer)).isEqualTo(2);
        assertThat(pod(urgent).getSpec().getNodeName()).isNull();
    }
}
