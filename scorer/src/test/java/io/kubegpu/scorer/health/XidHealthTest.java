package io.kubegpu.scorer.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class XidHealthTest {
    private static XidHealth.Sample gpu(String host, String index, double xid) {
        return new XidHealth.Sample(Map.of("Hostname", host, "gpu", index, "UUID", "GPU-" + host + index), xid);
    }

    @Test
    void hardwareXidsMarkAGpuUnhealthyAndApplicationXidsDoNot() {
        var unhealthy = XidHealth.unhealthy(List.of(
                gpu("n1", "0", 0),      // no error
                gpu("n1", "1", 79),     // fell off the bus
                gpu("n1", "2", 13),     // graphics engine exception: the application's own fault
                gpu("n2", "3", 48),     // double-bit ECC error
                gpu("n2", "0", 31),     // MMU fault of a job
                gpu("n3", "x", 79),     // no usable index: nothing to avoid
                new XidHealth.Sample(Map.of("hostname", "n4", "gpu", "2"), 63), // newer exporters' label spelling
                gpu("n5", "1", Double.NaN)));
        assertThat(unhealthy).containsExactly(Map.entry("n1", List.of(1)), Map.entry("n2", List.of(3)), Map.entry("n4", List.of(2)));
    }
}
