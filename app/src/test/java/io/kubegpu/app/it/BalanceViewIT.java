package io.kubegpu.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubegpu.app.server.Server;
import io.kubegpu.app.server.ServerSettings;
import io.kubegpu.cluster.it.ControlPlane;
import io.kubegpu.cluster.it.Eventually;
import io.kubegpu.cluster.it.TestCluster;
import io.kubegpu.cluster.model.ClusterConfig;
import io.kubegpu.controllers.ControllerHost;
import io.kubegpu.controllers.pools.PoolBalancer;
import io.kubegpu.pools.balance.BalancePolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** serve --roles controllers with the pools controller: /balance on the health listener says what a pass decided and why. */
class BalanceViewIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void theControllersProcessServesBalance() throws Exception {
        try (TestCluster cluster = new TestCluster(ControlPlane.client())) {
            String label = "it.kubegpu.io/view-" + cluster.suffix;
            cluster.createNode("v1", Map.of(label, "x", "nvidia.com/gpu.product", "Tesla-T4"), Map.of("nvidia.com/gpu", "4"));
            PoolBalancer balancer = new PoolBalancer(new PoolBalancer.Settings(ClusterConfig.defaults(), label, label, BalancePolicy.defaults(),
                    Duration.ofSeconds(1), false));
            ServerSettings settings = ServerSettings.embedded().withExtender(null)
                    .withSource(new ServerSettings.ClusterSource.Kubernetes(ControlPlane.kubeconfig()))
                    .withControllers(new ServerSettings.ControllersRole(List.of(balancer), new ControllerHost.Election(cluster.namespace, "view-it",
                            "it", Duration.ofSeconds(3))));
            try (Server server = Server.start(settings)) {
                JsonObject view = Eventually.value(WAIT, "a pass is shown", () -> {
                    JsonObject json = JsonParser.parseString(get(server.port())).getAsJsonObject();
                    return json.get("last").isJsonObject() ? json : null;
                });
                assertThat(view.get("mode").getAsString()).isEqualTo("dry-run");
                assertThat(view.get("running").getAsBoolean()).isTrue();
                assertThat(view.getAsJsonObject("settings").get("nodeLabel").getAsString()).isEqualTo(label);
                JsonObject decision = view.getAsJsonObject("last").getAsJsonObject("decision");
                assertThat(decision.get("reason").getAsString()).isEqualTo("too_few_groups");
                assertThat(decision.get("why").getAsString()).isEqualTo("fewer than two groups have at least 3 Ready GPU nodes (x 1)");
                assertThat(view.getAsJsonObject("last").getAsJsonArray("nodes").get(0).getAsJsonObject().get("name").getAsString())
                        .isEqualTo(cluster.name("v1"));
            }
        }
    }

    private static String get(int port) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/balance")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
