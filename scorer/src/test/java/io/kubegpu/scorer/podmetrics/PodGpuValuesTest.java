package io.kubegpu.scorer.podmetrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodGpuValuesTest {
    private static GpuSample sample(String pod, String uuid, int index, double value, String... extra) {
        Map<String, String> labels = new HashMap<>(Map.of("namespace", "team-a", "pod", pod, "UUID", uuid, "gpu", String.valueOf(index),
                "Hostname", "node-1"));
        for (int i = 0; i < extra.length; i += 2) {
            labels.put(extra[i], extra[i + 1]);
        }
        return new GpuSample(labels, value);
    }

    @Test
    void gpuUsageIsTheMeanOverThePodsGpusAsAFraction() {
        var values = PodGpuValues.usage("team-a", List.of(
                sample("infer-a", "GPU-1", 0, 90),
                // Two GPUs: (80 + 40) / 2 = 60 % -> 0.6.
                sample("infer-b", "GPU-2", 0, 80), sample("infer-b", "GPU-3", 1, 40),
                // dcgm-exporter scraped as a pod of its own: the exported_ labels name the workload's pod.
                sample("dcgm-exporter-x", "GPU-4", 0, 30, "exported_pod", "infer-c", "exported_namespace", "team-a")));
        assertThat(values).containsOnlyKeys("infer-a", "infer-b", "infer-c");
        assertThat(values.get("infer-a")).isCloseTo(0.9, within(1e-9));
        assertThat(values.get("infer-b")).isCloseTo(0.6, within(1e-9));
        assertThat(values.get("infer-c")).isCloseTo(0.3, within(1e-9));
    }

    @Test
    void aPodWithoutUsableDataIsAbsentNeverZero() {
        var values = PodGpuValues.usage("team-a", List.of(
                sample("blank", "GPU-1", 0, Double.NaN),
                sample("negative", "GPU-2", 0, -1),
                sample("elsewhere", "GPU-3", 0, 50, "namespace", "team-b"),
                sample("", "GPU-4", 0, 50)));
        assertThat(values).isEmpty();
    }

    @Test
    void gpuMemoryIsOfWhatThePodWasAssignedOrElseOfTheCard() {
        var used = List.of(sample("whole", "GPU-1", 0, 12_000), sample("share", "GPU-2", 3, 6_144), sample("unknown", "GPU-3", 0, 100));
        var free = List.of(sample("whole", "GPU-1", 0, 4_000), sample("share", "GPU-2", 3, 10_240));
        // whole: 12000 / (12000 + 4000) = 0.75 of the card; share: 6144 MiB of its 8192 MiB on GPU 3 = 0.75;
        // unknown: no FB_FREE and no assignment, so no denominator: absent.
        var values = PodGpuValues.memory("team-a", used, free, Map.of("share", Map.of(3, 8_192)));
        assertThat(values).containsOnlyKeys("whole", "share");
        assertThat(values.get("whole")).isCloseTo(0.75, within(1e-9));
        assertThat(values.get("share")).isCloseTo(0.75, within(1e-9));
    }
}
