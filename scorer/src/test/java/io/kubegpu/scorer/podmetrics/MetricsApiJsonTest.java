package io.kubegpu.scorer.podmetrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shapes of k8s.io/metrics' custom_metrics v1beta1 and v1beta2 types, field by field. */
class MetricsApiJsonTest {
    private static final Instant AT = Instant.parse("2026-12-07T02:00:00.123Z");

    @Test
    void v1beta1ItemsCarryMetricNameAndWindow() {
        assertThat(MetricsApiJson.values("v1beta1", "team-a", PodGpuMetric.GPU_USAGE, Map.of("infer-a", 0.9), AT, 60))
                .isEqualTo(JsonParser.parseString("""
                        {"kind":"MetricValueList","apiVersion":"custom.metrics.k8s.io/v1beta1","metadata":{},
                         "items":[{"describedObject":{"kind":"Pod","namespace":"team-a","name":"infer-a","apiVersion":"/v1"},
                           "metricName":"container_gpu_usage","timestamp":"2026-12-07T02:00:00Z","window":60,"value":"900m","selector":null}]}"""));
    }

    @Test
    void v1beta2ItemsCarryAMetricIdentifierAndWindowSeconds() {
        assertThat(MetricsApiJson.values("v1beta2", "team-a", PodGpuMetric.GPU_MEMORY_USAGE, Map.of("infer-a", 0.4567), AT, 60))
                .isEqualTo(JsonParser.parseString("""
                        {"kind":"MetricValueList","apiVersion":"custom.metrics.k8s.io/v1beta2","metadata":{},
                         "items":[{"describedObject":{"kind":"Pod","namespace":"team-a","name":"infer-a","apiVersion":"/v1"},
                           "metric":{"name":"container_gpu_memory_usage","selector":null},"timestamp":"2026-12-07T02:00:00Z","windowSeconds":60,
                           "value":"457m"}]}"""));
    }

    @Test
    void discoveryListsBothMetricsAsPodsSubresources() {
        var resources = MetricsApiJson.resources("v1beta2");
        assertThat(resources.get("groupVersion").getAsString()).isEqualTo("custom.metrics.k8s.io/v1beta2");
        assertThat(resources.getAsJsonArray("resources").toString()).contains("\"name\":\"pods/container_gpu_usage\"",
                "\"name\":\"pods/container_gpu_memory_usage\"", "\"namespaced\":true", "\"kind\":\"MetricValueList\"");
    }
}
