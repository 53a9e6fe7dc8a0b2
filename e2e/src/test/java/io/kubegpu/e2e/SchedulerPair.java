package io.kubegpu.e2e;

import io.kubegpu.cluster.it.ControlPlane;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.yaml.snakeyaml.Yaml;

/**
 * One replica of the chart's scheduler Deployment: the {@code extender} sidecar started from the jar with its rendered
 * arguments, and a real kube-scheduler 1.20 running the rendered KubeSchedulerConfiguration. Of that file only what a
 * process outside the pod needs is changed: the kubeconfig (a token of the chart's scheduler ServiceAccount), the
 * health/metrics address, and the port in the extenders' urlPrefix (the sidecar's free port); tests of leader failover
 * also shorten the lease timings.
 */
final class SchedulerPair implements AutoCloseable {
    static final String CONTAINER = "extender";

    final String name;
    final RenderedContainer sidecar;
    private final Path config;
    private JarProcess extender;
    private boolean schedulerRunning;

    private SchedulerPair(String name, RenderedContainer sidecar, Path config) {
        this.name = name;
        this.sidecar = sidecar;
        this.config = config;
    }

    static String deployment(ChartInstall install) {
        return install.fullname() + "-scheduler";
    }

    /** Starts the sidecar, waits until it is ready (synced), then starts kube-scheduler calling it. */
    static SchedulerPair start(ChartInstall install, String name, Consumer<Map<String, Object>> tweak) {
        RenderedContainer sidecar = RenderedContainer.of(install, deployment(install), CONTAINER);
        SchedulerPair pair = new SchedulerPair(name, sidecar, Repo.work(install.release).resolve("scheduler-" + name + ".yaml"));
        pair.startSidecar();
        pair.writeConfig(install, tweak);
        pair.startScheduler();
        return pair;
    }

    static SchedulerPair start(ChartInstall install, String name) {
        return start(install, name, config -> {
        });
    }

    @SuppressWarnings("unchecked")
    private void writeConfig(ChartInstall install, Consumer<Map<String, Object>> tweak) {
        Map<String, Object> rendered = install.chart.get("ConfigMap", deployment(install));
        Map<String, Object> scheduler = new Yaml().load((String) ((Map<String, Object>) rendered.get("data")).get("config.yaml"));
        ((Map<String, Object>) scheduler.get("clientConnection")).put("kubeconfig", install.kubeconfig(deployment(install)).toString());
        String health = "127.0.0.1:" + RenderedContainer.freePort();
        scheduler.put("healthzBindAddress", health);
        scheduler.put("metricsBindAddress", health);
        for (Map<String, Object> extender : (List<Map<String, Object>>) scheduler.get("extenders")) {
            String url = (String) extender.get("urlPrefix");
            String rendered8888 = "http://127.0.0.1:" + sidecar.renderedArgs().stream().filter(a -> a.startsWith("--port=")).findFirst()
                    .orElseThrow().substring("--port=".length());
            if (!url.equals(rendered8888)) {
                throw new AssertionError("the rendered urlPrefix " + url + " is not the sidecar's loopback port " + rendered8888);
            }
            extender.put("urlPrefix", "http://127.0.0.1:" + verbsPort());
        }
        tweak.accept(scheduler);
        try {
            Files.writeString(config, new Yaml().dump(scheduler));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int verbsPort() {
        return sidecar.port("--port");
    }

    int healthPort() {
        return sidecar.port("--health-port");
    }

    int scorerPort() {
        return sidecar.port("--scorer-port");
    }

    URI health(String path) {
        return URI.create("http://127.0.0.1:" + healthPort() + path);
    }

    JarProcess extender() {
        return extender;
    }

    /** Starts the sidecar from the same rendered arguments (same ports) and waits until it is ready. */
    void startSidecar() {
        extender = sidecar.start("sidecar-" + name);
        extender.awaitOk(health("/readyz"), Duration.ofSeconds(120));
    }

    /** Starts the sidecar without waiting for it to be ready. */
    JarProcess startSidecarUnready() {
        extender = sidecar.start("sidecar-" + name);
        return extender;
    }

    void startScheduler() {
        ControlPlane.startScheduler(name, config);
        schedulerRunning = true;
    }

    /**
     * What the kubelet does for a container that exited (restartPolicy Always): kube-scheduler with leader election exits
     * when it cannot renew its lease — during an API server outage longer than its renew deadline, say — and is started
     * again. True when it had exited.
     */
    boolean restartSchedulerIfExited() {
        if (ControlPlane.scheduler(name).isPresent()) {
            return false;
        }
        startScheduler();
        return true;
    }

    /** kill -9 of the sidecar only. */
    void killSidecar() {
        extender.kill();
    }

    /** kill -9 of both containers of the replica, as a node failure would end them. */
    void killAll() {
        ControlPlane.scheduler(name).ifPresent(p -> {
            p.destroyForcibly();
            p.onExit().join();
        });
        extender.kill();
    }

    @Override
    public void close() {
        if (schedulerRunning) {
            ControlPlane.stopScheduler(name);
        }
        if (extender != null) {
            extender.close();
        }
    }
}
