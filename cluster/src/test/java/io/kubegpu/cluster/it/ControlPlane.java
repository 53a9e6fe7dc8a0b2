package io.kubegpu.cluster.it;

import io.kubegpu.cluster.watch.KubeClients;
import io.kubernetes.client.openapi.ApiClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Kubernetes API server the integration tests talk to: the cluster named by
 * {@value #KUBECONFIG_ENV} when set, otherwise a real kube-apiserver 1.20 and etcd on loopback,
 * provisioned on first use by {@code scripts/control-plane/start.sh} (which builds the binaries once and
 * caches them outside the repository).
 */
public final class ControlPlane {
    /** Point the integration tests at an existing cluster instead of the local control plane. */
    public static final String KUBECONFIG_ENV = "KUBEGPU_TEST_KUBECONFIG";

    private static Path kubeconfig;

    private ControlPlane() {
    }

    /** The kubeconfig of the cluster under test, starting the local control plane if needed. */
    public static synchronized Path kubeconfig() {
        if (kubeconfig == null) {
            String external = System.getenv(KUBECONFIG_ENV);
            kubeconfig = external != null && !external.isBlank() ? Path.of(external) : Path.of(runScript("start.sh"));
        }
        return kubeconfig;
    }

    /** True when the tests started the control plane themselves, so they may stop and restart it. */
    public static boolean isLocal() {
        String external = System.getenv(KUBECONFIG_ENV);
        return external == null || external.isBlank();
    }

    public static ApiClient client() throws IOException {
        return KubeClients.forWatching(kubeconfig());
    }

    /** Stops the local API server and etcd (data kept). */
    public static void stop() {
        runScript("stop.sh");
    }

    /** Starts the local control plane again after {@link #stop()}. */
    public static void start() {
        runScript("start.sh");
    }

    /**
     * Restarts the local kube-apiserver and etcd under running clients: the schedulers are left running (their
     * watches break and relist, as in a real cluster's API server restart). Data is kept.
     */
    public static void restartApiServer() {
        runScript("stop.sh", "--keep-schedulers");
        runScript("start.sh");
    }

    /**
     * Starts a kube-scheduler called {@code name} (one of several for the state dir, e.g. two replicas with leader
     * election on one lease); one of the same name already running is replaced.
     */
    public static void startScheduler(String name, Path config) {
        runScript("start-scheduler.sh", "--name", name, config.toString(), stateDir().toString());
    }

    public static void stopScheduler(String name) {
        runScript("stop-scheduler.sh", "--name", name, stateDir().toString());
    }

    /** The process of the kube-scheduler called {@code name}, if it runs (to kill it as a crash would). */
    public static java.util.Optional<ProcessHandle> scheduler(String name) {
        try {
            Path pid = stateDir().resolve("kube-scheduler-" + name + ".pid");
            return Files.exists(pid) ? ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).filter(ProcessHandle::isAlive)
                    .filter(p -> !zombie(p.pid())) : java.util.Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }

    /** An exited process its (adoptive) parent has not reaped yet still has a pid: it is not running. */
    private static boolean zombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return false;
        }
    }

    /** The log of the kube-scheduler called {@code name}. */
    public static Path schedulerLog(String name) {
        return stateDir().resolve("scheduler-" + name + ".log");
    }

    /** Starts the local kube-scheduler with a KubeSchedulerConfiguration file (replacing one already running). */
    public static void startScheduler(Path config) {
        runScript("start-scheduler.sh", config.toString(), stateDir().toString());
    }

    /**
     * kube-scheduler 1.20.2 with upstream's fix of kubernetes/kubernetes#102971 as 1.20.10 shipped it (#103030, built by
     * build.sh): unlike 1.20.2 as released, it calls an extender's preempt verb.
     */
    public static final String SCHEDULER_CALLING_PREEMPT_VERB = "kube-scheduler-pr103030";

    /** {@link #startScheduler(Path)} with another binary of build.sh, e.g. {@link #SCHEDULER_CALLING_PREEMPT_VERB}. */
    public static void startScheduler(Path config, String binary) {
        runScript("start-scheduler.sh", "--binary", binary, config.toString(), stateDir().toString());
    }

    public static void stopScheduler() {
        runScript("stop-scheduler.sh", stateDir().toString());
    }

    /**
     * Whether the kube-scheduler of {@link #startScheduler} is alive: false once it exited (a crash included) or was stopped.
     * A process that exited but was not reaped yet (a zombie) is not alive.
     */
    public static boolean schedulerRunning() {
        try {
            Path pidFile = stateDir().resolve("kube-scheduler.pid");
            if (!Files.isRegularFile(pidFile)) {
                return false;
            }
            String stat = Files.readString(Path.of("/proc", Files.readString(pidFile).trim(), "stat"));
            // "pid (comm) state ...": the state letter follows the command name's closing parenthesis.
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The log of the kube-scheduler last started by {@link #startScheduler} (running or not). */
    public static String schedulerLog() {
        try {
            return Files.readString(stateDir().resolve("scheduler.log"));
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Starts the local kube-controller-manager (Deployments, ReplicaSets, StatefulSets, HPAs, PodDisruptionBudgets,
     * garbage collection, namespaces; no node lifecycle, since no kubelet sends heartbeats), replacing one already
     * running, with extra flags such as {@code --horizontal-pod-autoscaler-downscale-stabilization=10s}.
     */
    public static void startControllerManager(String... extraFlags) {
        List<String> args = new java.util.ArrayList<>(List.of(stateDir().toString()));
        args.addAll(List.of(extraFlags));
        runScript("start-controller-manager.sh", args.toArray(String[]::new));
    }

    public static void stopControllerManager() {
        runScript("stop-controller-manager.sh", stateDir().toString());
    }

    /** Directory of the local control plane's state (certificates, kubeconfig, logs). */
    public static Path stateDir() {
        return kubeconfig().getParent();
    }

    /** Runs a control-plane script and returns the last line it printed. */
    private static String runScript(String name, String... args) {
        Path script = scripts().resolve(name);
        try {
            Path log = Files.createTempFile("control-plane-" + name, ".log");
            List<String> command = new java.util.ArrayList<>(List.of("bash", script.toString()));
            command.addAll(List.of(args));
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            // The first start builds Kubernetes from source (several minutes); later ones take seconds.
            if (!process.waitFor(20, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(script + " did not finish in 20 minutes; log: " + log);
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            if (process.exitValue() != 0 || lines.isEmpty()) {
                throw new IllegalStateException(script + " failed with exit " + process.exitValue() + ":\n"
                        + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
            }
            return lines.get(lines.size() - 1).trim();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + script + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + script, e);
        }
    }

    private static Path scripts() {
        return repoPath("scripts/control-plane");
    }

    /** A path in the repository, found above the module the tests run in (e.g. {@code scheduler-config/…}). */
    public static Path repoPath(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(relative);
            if (Files.exists(candidate) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return candidate;
            }
        }
        throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
    }
}
