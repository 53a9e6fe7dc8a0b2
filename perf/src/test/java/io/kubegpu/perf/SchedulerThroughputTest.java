package io.kubegpu.perf;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1Pod;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The harness's own arithmetic and pod shapes: what its results files report must mean what they say. */
class SchedulerThroughputTest {
    @Test
    void quantilesInterpolateInsideTheirBucketAsPrometheusDoes() {
        NavigableMap<Double, Double> cumulative = new TreeMap<>();
        cumulative.put(0.001, 0.0);
        cumulative.put(0.005, 50.0);  // 50 observations in (1 ms, 5 ms]
        cumulative.put(0.010, 90.0);  // 40 in (5 ms, 10 ms]
        cumulative.put(0.025, 100.0); // 10 in (10 ms, 25 ms]
        cumulative.put(Double.POSITIVE_INFINITY, 100.0);
        // p50: rank 50 is the top of the (1, 5] bucket.
        assertThat(SchedulerThroughput.quantileMs(cumulative, 0.5)).hasValue(5.0);
        // p99: rank 99 is 9 of the 10 in (10, 25]: 10 + 0.9 * 15.
        assertThat(SchedulerThroughput.quantileMs(cumulative, 0.99)).hasValue(23.5);
        assertThat(SchedulerThroughput.quantileMs(new TreeMap<>(), 0.99)).isEmpty();
    }

    @Test
    void aQuantileBeyondTheLastFiniteBucketIsThatBound() {
        NavigableMap<Double, Double> cumulative = new TreeMap<>();
        cumulative.put(0.005, 10.0);
        cumulative.put(Double.POSITIVE_INFINITY, 20.0);
        assertThat(SchedulerThroughput.quantileMs(cumulative, 0.99)).hasValue(5.0);
    }

    @Test
    void aRunsBucketsAreTheDifferenceOfTwoScrapes() {
        NavigableMap<Double, Double> before = new TreeMap<>();
        before.put(0.01, 5.0);
        before.put(Double.POSITIVE_INFINITY, 6.0);
        NavigableMap<Double, Double> after = new TreeMap<>();
        after.put(0.01, 15.0);
        after.put(Double.POSITIVE_INFINITY, 26.0);
        assertThat(SchedulerThroughput.minus(after, before)).containsEntry(0.01, 10.0).containsEntry(Double.POSITIVE_INFINITY, 20.0);
    }

    @Test
    void sharePodsAreWhatTheWebhookLeaves() {
        V1Pod pod = SharePods.asTheWebhookLeavesIt("perf", "shares-0001", "8G,0.5");
        assertThat(pod.getMetadata().getAnnotations()).containsEntry("kubegpu.io/gpu", "8G,0.5");
        // gpushare's memory resource in GiB, so kube-scheduler sends the pod to the share entry, whose extender binds.
        assertThat(pod.getSpec().getContainers().get(0).getResources().getLimits()).containsEntry("aliyun.com/gpu-mem", new Quantity("8"))
                .doesNotContainKey("nvidia.com/gpu");
    }

    @Test
    void modesSayWhichExtenderRunsAndWhetherItStartsCold() {
        assertThat(SchedulerThroughput.extenderKind("none")).isNull();
        assertThat(SchedulerThroughput.extenderKind("floor")).isEqualTo("floor");
        assertThat(SchedulerThroughput.extenderKind("shares")).isEqualTo("best");
        assertThat(SchedulerThroughput.extenderKind("names-all")).isEqualTo("all");
        assertThat(SchedulerThroughput.isCold("names-cold-nowarm")).isTrue();
        assertThat(SchedulerThroughput.isCold("names")).isFalse();
    }
}
