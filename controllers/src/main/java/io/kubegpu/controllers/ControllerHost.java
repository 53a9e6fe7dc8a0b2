package io.kubegpu.controllers;

import io.kubernetes.client.extended.controller.Controller;
import io.kubernetes.client.extended.controller.ControllerManager;
import io.kubernetes.client.extended.event.legacy.EventRecorder;
import io.kubernetes.client.extended.event.legacy.LegacyEventBroadcaster;
import io.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.kubernetes.client.extended.leaderelection.LeaderElector;
import io.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1EventSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the platform's controllers in the one replica that holds the lease: every replica competes for a
 * coordination.k8s.io Lease, the holder builds and runs the controllers (informers, work queues, reconcilers), and a
 * replica that loses the lease stops them at once, so two replicas never act on the same object.
 *
 * <pre>
 * kubegpu_controllers_leader    gauge: 1 while this process holds the lease
 * </pre>
 */
public final class ControllerHost implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControllerHost.class);

    /**
     * Leader election.
     *
     * @param namespace     namespace of the Lease (the release's)
     * @param name          name of the Lease
     * @param identity      this replica (the pod name)
     * @param leaseDuration how long a lease holds without renewal; the renew deadline and retry period follow from it
     */
    public record Election(String namespace, String name, String identity, Duration leaseDuration) {
        Duration renewDeadline() {
            return leaseDuration.multipliedBy(2).dividedBy(3);
        }

        Duration retryPeriod() {
            return leaseDuration.dividedBy(7).isZero() ? Duration.ofMillis(200) : leaseDuration.dividedBy(7);
        }
    }

    private final LeaderElector elector;
    private final LegacyEventBroadcaster broadcaster;
    private final ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "controller-host");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean leading = new AtomicBoolean();
    private volatile ControllerManager manager;

    private ControllerHost(ApiClient client, Election election, List<GpuController> controllers, MeterRegistry registry, Clock clock) {
        this.broadcaster = new LegacyEventBroadcaster(new io.kubernetes.client.extended.event.legacy.EventCorrelator(),
                new EventsSink(new CoreV1Api(client)));
        EventRecorder events = broadcaster.newRecorder(new V1EventSource().component("kube-gpu-extender"));
        this.elector = new LeaderElector(new LeaderElectionConfig(new LeaseLock(election.namespace(), election.name(), election.identity(), client),
                election.leaseDuration(), election.renewDeadline(), election.retryPeriod()));
        Gauge.builder("kubegpu.controllers.leader", leading, l -> l.get() ? 1 : 0)
                .description("1 while this process holds the controllers' lease and runs them").register(registry);
        runner.submit(() -> elector.run(() -> {
            try {
                lead(client, controllers, events, registry, clock);
            } catch (RuntimeException | LinkageError e) {
                // The elector swallows what its callback throws: without this a controller that cannot be built fails silently.
                LOG.error("holding the controllers' lease, but the controllers could not run", e);
            }
        }, this::follow));
        LOG.info("controllers {} waiting for the lease {}/{} as {}", controllers.stream().map(GpuController::name).toList(), election.namespace(),
                election.name(), election.identity());
    }

    /** Starts competing for the lease; the controllers run while it is held. */
    public static ControllerHost start(ApiClient client, Election election, List<GpuController> controllers, MeterRegistry registry,
                                       Clock clock) {
        return new ControllerHost(client, election, controllers, registry, clock);
    }

    private void lead(ApiClient client, List<GpuController> controllers, EventRecorder events, MeterRegistry registry, Clock clock) {
        SharedInformerFactory informers = new SharedInformerFactory(client);
        ControllerContext context = new ControllerContext(client, informers, events, registry, clock);
        Controller[] built;
        try {
            built = controllers.stream().map(c -> c.build(context)).toArray(Controller[]::new);
        } catch (RuntimeException | LinkageError e) {
            // The elector would swallow it: the lease held and nothing running, silently.
            LOG.error("holding the controllers' lease but the controllers {} could not be built", controllers.stream().map(GpuController::name).toList(), e);
            throw e;
        }
        manager = new ControllerManager(informers, built);
        broadcaster.startRecording();
        leading.set(true);
        LOG.info("holding the controllers' lease: running {}", controllers.stream().map(GpuController::name).toList());
        manager.run(); // Blocks until shut down.
    }

    private void follow() {
        leading.set(false);
        ControllerManager running = manager;
        if (running != null) {
            LOG.warn("lost the controllers' lease: stopping the controllers");
            running.shutdown();
        }
    }

    /** Whether this process holds the lease now. */
    public boolean leading() {
        return leading.get();
    }

    @Override
    public void close() {
        follow();
        elector.close();
        broadcaster.shutdown();
        runner.shutdownNow();
    }
}
