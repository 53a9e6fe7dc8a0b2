package io.kubegpu.scorer.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RangeResponseTest {
    private static final String Q = "DCGM_FI_DEV_GPU_UTIL{pod!=\"\"}";

    @Test
    void decodesAMatrixWithSpecialValuesAndDcgmNoDataSentinels() {
        String body = """
                {"status":"success","data":{"resultType":"matrix","result":[
                  {"metric":{"__name__":"DCGM_FI_DEV_GPU_UTIL","UUID":"GPU-1","pod":"p"},
                   "values":[[1435781430.781,"12"],[1435781445.781,"NaN"],[1435781460.781,"+Inf"],[1435781475.781,"9223372036854775794"]]}
                ]},"warnings":["ignored"]}""";
        List<PromSeries> series = RangeResponse.parse(body, Q);
        assertThat(series).hasSize(1);
        assertThat(series.get(0).labels()).containsEntry("UUID", "GPU-1").containsEntry("pod", "p");
        assertThat(series.get(0).values()).containsExactly(12, Double.NaN, Double.NaN, Double.NaN);
        // Prometheus leaves out steps without data: each value keeps its own time.
        assertThat(series.get(0).times()).containsExactly(1435781430.781, 1435781445.781, 1435781460.781, 1435781475.781);
    }

    @Test
    void anErrorEnvelopeNamesPrometheusErrorTypeAndMessage() {
        String body = "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"invalid parameter \\\"query\\\": parse error\"}";
        assertThatThrownBy(() -> RangeResponse.parse(body, Q))
                .isInstanceOfSatisfying(PrometheusException.class, e -> assertThat(e.kind()).isEqualTo(PrometheusException.Kind.ERROR))
                .hasMessageContaining("bad_data").hasMessageContaining("parse error").hasMessageContaining(Q);
    }

    @Test
    void anythingElseIsMalformedNotAPartialResult() {
        for (String body : List.of("<html>502 Bad Gateway</html>", "[]", "{\"status\":\"success\"}",
                "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}",
                "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},\"values\":[[1,\"x\"]]}]}}",
                "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{}}]}}",
                "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},\"values\":[[\"t\",\"1\"]]}]}}",
                "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},\"values\":[[{},\"1\"]]}]}}")) {
            assertThatThrownBy(() -> RangeResponse.parse(body, Q)).as(body)
                    .isInstanceOfSatisfying(PrometheusException.class, e -> assertThat(e.kind()).isEqualTo(PrometheusException.Kind.MALFORMED));
        }
    }

    @Test
    void windowsJoinMetricsPerGpuAndWorkloadAndLeaveAbsentMetricsNull() {
        Map<String, String> a = Map.of("__name__", "x", "UUID", "GPU-a", "pod", "p1", "namespace", "n", "Hostname", "h1");
        Map<String, String> shared1 = Map.of("UUID", "GPU-s", "pod", "s1", "namespace", "n");
        Map<String, String> shared2 = Map.of("UUID", "GPU-s", "pod", "s2", "namespace", "m");
        var windows = DcgmWindows.assemble(Map.of(
                DcgmMetric.GPU_UTIL, List.of(new PromSeries(a, new double[] {1, 2}), new PromSeries(shared1, new double[] {5}),
                        new PromSeries(shared2, new double[] {7})),
                // The driver-version label changed mid-window: two series of one GPU are one window.
                DcgmMetric.FB_USED, List.of(new PromSeries(a, new double[] {10}),
                        new PromSeries(Map.of("UUID", "GPU-a", "pod", "p1", "namespace", "n", "DCGM_FI_DRIVER_VERSION", "2"), new double[] {20})),
                DcgmMetric.POWER_LIMIT, List.of(new PromSeries(a, new double[] {300, 300}))));
        assertThat(windows).extracting(w -> w.gpuId() + ":" + w.labels().get("pod")).containsExactly("GPU-a:p1", "GPU-s:s2", "GPU-s:s1");
        var first = windows.get(0);
        assertThat(first.gpuUtil()).containsExactly(1, 2);
        assertThat(first.fbUsed()).containsExactly(10, 20);
        assertThat(first.memCopy()).isNull();
        assertThat(first.powerLimit()).isEqualTo(300.0);
        assertThat(first.labels()).doesNotContainKey("__name__").containsEntry("Hostname", "h1");
        assertThat(windows.get(1).powerLimit()).isNull();
    }
}
