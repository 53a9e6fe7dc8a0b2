package io.kubegpu.cluster.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.apis.AppsV1Api;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The test control plane with kube-controller-manager and the {@link NodeAgent}: a Deployment's pods become Running and
 * Ready, and scaling it down completes their graceful deletion, as in a cluster with kubelets.
 */
class ControllerManagerIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static ControlPlaneAccess access;
    private static TestCluster cluster;
    private static NodeAgent agent;
    private static String node;

    @BeforeAll
    static void start() throws Exception {
        access = new ControlPlaneAccess();
        cluster = new TestCluster(ControlPlane.client());
        node = cluster.createNode("kcm-node", Map.of(), Map.of("cpu", "8", "memory", "32Gi"));
        ControlPlane.startControllerManager();
        agent = new NodeAgent(ControlPlane.client(), Set.of(node)).start();
    }

    @AfterAll
    static void stop() {
        if (agent != null) {
            agent.close();
        }
        ControlPlane.stopControllerManager();
        if (cluster != null) {
            cluster.close();
        }
    }

    private static int available(String name) {
        try {
            var status = new AppsV1Api(ControlPlane.client()).readNamespacedDeployment(name, cluster.namespace).execute().getStatus();
            return status == null || status.getAvailableReplicas() == null ? 0 : status.getAvailableReplicas();
        } catch (Exception e) {
            return -1;
        }
    }

    private static int pods() {
        try {
            return cluster.api.listNamespacedPod(cluster.namespace).execute().getItems().size();
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void aDeploymentBecomesAvailableAndScalesDownCompletely() throws Exception {
        // The pods name their node, so no scheduler is needed for this check of the controllers and the agent.
        access.call("POST", "/apis/apps/v1/namespaces/" + cluster.namespace + "/deployments", """
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
                 "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
                  "template":{"metadata":{"labels":{"app":"web"}},
                   "spec":{"nodeName":"%s","containers":[{"name":"c","image":"registry.invalid/web:1"}]}}}}""".formatted(node));
        Eventually.until(WAIT, "both replicas are available", () -> available("web") == 2);

        access.call("PATCH", "/apis/apps/v1/namespaces/" + cluster.namespace + "/deployments/web/scale", "{\"spec\":{\"replicas\":0}}");
        Eventually.until(WAIT, "the pods are gone", () -> pods() == 0);
        assertThat(available("web")).isZero();
    }
}
