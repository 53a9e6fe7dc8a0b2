package io.kubegpu.controllers.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.controllers.ControllerContext;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AutoscaleLoopTest {
    private static V1Deployment deployment(String resourceVersion, Map<String, String> annotations) {
        return new V1Deployment().metadata(new V1ObjectMeta().name("infer").namespace("a").uid("u").resourceVersion(resourceVersion)
                .annotations(annotations));
    }

    @Test
    void buildsOnTheSharedFactoryWithoutCallingTheApiServer() {
        // No server behind this client: building registers informers and the work queue only; discovery happens in run().
        ApiClient client = new ApiClient();
        client.setHttpClient(client.getHttpClient().newBuilder().readTimeout(Duration.ZERO).build());
        SharedInformerFactory informers = new SharedInformerFactory(client);
        var context = new ControllerContext(client, informers, null, new SimpleMeterRegistry(), Clock.systemUTC());
        assertThat(new AutoscaleController(false, Duration.ofMinutes(10)).build(context)).isNotNull();
        assertThat(informers.getExistingSharedIndexInformer(V1Deployment.class)).isNotNull();
        // A second controller on the same factory reuses the informer the factory keeps.
        assertThat(new AutoscaleController(true, Duration.ofMinutes(10)).build(context)).isNotNull();
    }

    @Test
    void workloadUpdatesMatterWhenTheAutoscaleAnnotationsChangeOrOnAResync() {
        var plain = deployment("1", Map.of("team", "nlp"));
        var optedIn = deployment("2", Map.of("kubegpu.io/autoscale", "gpu:60%", "kubegpu.io/autoscale-max", "4"));
        var scaled = deployment("3", Map.of("kubegpu.io/autoscale", "gpu:60%", "kubegpu.io/autoscale-max", "4", "deployment.kubernetes.io/revision", "2"));
        var newMax = deployment("4", Map.of("kubegpu.io/autoscale", "gpu:60%", "kubegpu.io/autoscale-max", "6"));
        assertThat(AutoscaleLoop.relevant(plain, optedIn)).isTrue();
        assertThat(AutoscaleLoop.relevant(optedIn, scaled)).as("a rollout or a status change").isFalse();
        assertThat(AutoscaleLoop.relevant(scaled, newMax)).isTrue();
        assertThat(AutoscaleLoop.relevant(optedIn, optedIn)).as("a resync of an opted-in workload").isTrue();
        assertThat(AutoscaleLoop.relevant(plain, plain)).as("a resync of any other").isFalse();
    }
}
