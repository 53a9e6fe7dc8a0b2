package io.kubegpu.perf;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * CPU time (user + system) of the processes that share this machine during a run: kube-apiserver, etcd,
 * kube-scheduler and the extender. On a 2-core machine every process competes for the same cores, so what one
 * run costs in throughput is what it adds in CPU somewhere; this says where.
 */
final class ProcessCpu {
    /** The control plane's programs, found by executable name. */
    private static final String[] PROGRAMS = {"kube-apiserver", "etcd", "kube-scheduler"};

    private ProcessCpu() {
    }

    /**
     * Per program, its CPU time so far; also {@code extender} for {@code extenderPid} (when it is not -1) and
     * {@code harness} for this process, which creates the pods and polls kube-scheduler's metrics.
     */
    static Map<String, Duration> sample(long extenderPid) {
        Map<String, Duration> out = new LinkedHashMap<>();
        long harnessPid = ProcessHandle.current().pid();
        ProcessHandle.allProcesses().forEach(process -> {
            Optional<String> command = process.info().command();
            Optional<Duration> cpu = process.info().totalCpuDuration();
            if (command.isEmpty() || cpu.isEmpty()) {
                return;
            }
            String program = command.get().substring(command.get().lastIndexOf('/') + 1);
            for (String name : PROGRAMS) {
                if (program.equals(name)) {
                    out.merge(name, cpu.get(), Duration::plus);
                }
            }
            if (process.pid() == extenderPid) {
                out.put("extender", cpu.get());
            } else if (process.pid() == harnessPid) {
                out.put("harness", cpu.get());
            }
        });
        return out;
    }

    /**
     * Milliseconds of CPU per pod between two samples, per process and in {@code total}; a program absent from
     * {@code before} started in between.
     */
    static Map<String, Double> msPerPod(Map<String, Duration> before, Map<String, Duration> after, int pods) {
        Map<String, Double> out = new LinkedHashMap<>();
        Duration all = Duration.ZERO;
        for (Map.Entry<String, Duration> entry : after.entrySet()) {
            Duration spent = entry.getValue().minus(before.getOrDefault(entry.getKey(), Duration.ZERO));
            all = all.plus(spent);
            out.put(entry.getKey(), perPod(spent, pods));
        }
        out.put("total", perPod(all, pods));
        return out;
    }

    /**
     * CPU time so far of each thread group of process {@code pid} (Linux {@code /proc/PID/task}), by thread name
     * without its number ({@code C2 CompilerThre}, {@code GC Thread#}, {@code vert.x-eventloo}: the kernel keeps 15
     * characters): the compiler and the collector next to the request path. Empty where /proc is not readable.
     */
    static Map<String, Duration> threads(long pid) {
        Map<String, Duration> out = new java.util.TreeMap<>();
        java.nio.file.Path tasks = java.nio.file.Path.of("/proc", Long.toString(pid), "task");
        try (var dirs = java.nio.file.Files.list(tasks)) {
            for (java.nio.file.Path task : (Iterable<java.nio.file.Path>) dirs::iterator) {
                try {
                    String name = java.nio.file.Files.readString(task.resolve("comm")).strip().replaceAll("[-#]?[0-9]+$", "");
                    String stat = java.nio.file.Files.readString(task.resolve("stat"));
                    // Fields after the parenthesised name: state is field 3, utime 14 and stime 15 (in clock ticks).
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                    out.merge(name, Duration.ofMillis(ticks * 1000 / TICKS_PER_SECOND), Duration::plus);
                } catch (java.io.IOException | RuntimeException gone) {
                    // the thread ended while we read it
                }
            }
        } catch (java.io.IOException notLinux) {
            return Map.of();
        }
        return out;
    }

    /** USER_HZ: 100 on every Linux architecture the JDK runs on. */
    private static final long TICKS_PER_SECOND = 100;

    private static double perPod(Duration spent, int pods) {
        return Math.round(100.0 * spent.toNanos() / 1e6 / pods) / 100.0;
    }
}
