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
    void readsEachThreadsCpuFromProcByNameWithoutItsNumber() throws Exception {
        // A thread that spends a known amount of CPU (by the JVM's own count), then waits while /proc is read.
        var threadsBean = java.lang.management.ManagementFactory.getThreadMXBean();
        java.util.concurrent.CountDownLatch spent = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch read = new java.util.concurrent.CountDownLatch(1);
        Thread burner = new Thread(() -> {
            while (threadsBean.getCurrentThreadCpuTime() < 300_000_000L) {
                Thread.onSpinWait();
            }
            spent.countDown();
            try {
                read.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "cpu-burner-7");
        burner.start();
        try {
            spent.await();
            Map<String, Duration> threads = ProcessCpu.threads(ProcessHandle.current().pid());

            // Named without its number; user + system time in clock ticks, so within a few ticks of the JVM's count.
            assertThat(threads).containsKey("cpu-burner").doesNotContainKey("cpu-burner-7");
            assertThat(threads.get("cpu-burner")).isBetween(Duration.ofMillis(250), Duration.ofSeconds(5));
            assertThat(threads.keySet()).anyMatch(name -> name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre"));
        } finally {
            read.countDown();
            burner.join();
        }
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
