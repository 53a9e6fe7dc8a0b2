package io.kubegpu.perf;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The CPU accounting the scheduler end to end reports: per-pod arithmetic, /proc thread reading and thread groups. */
class ProcessCpuTest {
    @Test
    void cpuPerPodIsTheDifferenceBetweenSamplesAndAProcessStartedInBetweenCountsWhole() {
        Map<String, Duration> before = Map.of("kube-apiserver", Duration.ofSeconds(10), "extender", Duration.ofSeconds(1));
        Map<String, Duration> after = new java.util.LinkedHashMap<>();
        after.put("kube-apiserver", Duration.ofSeconds(12));
        after.put("extender", Duration.ofMillis(1500));
        after.put("kube-scheduler", Duration.ofSeconds(3));

        Map<String, Double> perPod = ProcessCpu.msPerPod(before, after, 1000);

        assertThat(perPod).containsEntry("kube-apiserver", 2.0).containsEntry("extender", 0.5).containsEntry("kube-scheduler", 3.0)
                .containsEntry("total", 5.5);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void readsThisJvmsThreadsFromProcByNameWithoutTheirNumbers() {
        Map<String, Duration> threads = ProcessCpu.threads(ProcessHandle.current().pid());

        // HotSpot names its native threads; the numbered ones ("GC Thread#0", "C2 CompilerThread0") are grouped.
        assertThat(threads.keySet()).anyMatch(name -> name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre"));
        assertThat(threads.keySet()).noneMatch(name -> name.matches(".*[-#][0-9]+$"));
        assertThat(threads.values()).allMatch(cpu -> !cpu.isNegative());
    }

    @Test
    void threadGroupsSumTheRequestPathCompilerCollectorAndWatches() {
        Map<String, Double> groups = SchedulerThroughput.threadGroups(Map.of("vert.x-eventloo", 0.4, "vert.x-worker-t", 0.1,
                "C2 CompilerThre", 0.3, "C1 CompilerThre", 0.1, "GC Thread", 0.2, "G1 Conc", 0.05, "OkHttp TaskRunn", 0.02,
                "controller-refl", 0.03, "Signal Dispatch", 0.01, "total", 9.0));

        assertThat(groups.get("requests")).isEqualTo(0.5, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(groups.get("compiler")).isEqualTo(0.4, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(groups.get("gc")).isEqualTo(0.25, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(groups.get("watches")).isEqualTo(0.05, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(groups.get("other")).isEqualTo(0.01, org.assertj.core.data.Offset.offset(1e-9));
    }
}
