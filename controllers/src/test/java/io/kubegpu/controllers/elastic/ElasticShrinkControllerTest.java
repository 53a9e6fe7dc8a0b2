package io.kubegpu.controllers.elastic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubegpu.controllers.ControllerContext;
import io.kubernetes.client.extended.event.legacy.LegacyEventBroadcaster;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1EventSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ElasticShrinkControllerTest {
    /**
     * The controller is built on the toolkit's DefaultController, whose class needs the Prometheus simpleclient that
     * client-java-extended declares optional: without it the host got the lease and never ran the controller.
     */
    @Test
    void itBuildsOnTheControllerToolkit() {
        ApiClient client = new ApiClient();
        client.setReadTimeout(0); // What informers require; nothing is called here.
        var events = new LegacyEventBroadcaster(new CoreV1Api(client)).newRecorder(new V1EventSource().component("test"));
        var context = new ControllerContext(client, new SharedInformerFactory(client), events, new SimpleMeterRegistry(), Clock.systemUTC());

        assertThat(new ElasticShrinkController(Duration.ofSeconds(3), false).build(context)).isNotNull();
    }

    @Test
    void theWaitMustBePositive() {
        assertThatThrownBy(() -> new ElasticShrinkController(Duration.ZERO, false)).hasMessageContaining("must be positive");
    }
}
