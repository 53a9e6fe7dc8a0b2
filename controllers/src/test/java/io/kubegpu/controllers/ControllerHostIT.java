package io.kubegpu.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.cluster.it.ControlPlane;
import io.kubegpu.cluster.it.Eventually;
import io.kubegpu.cluster.it.TestCluster;
import io.kubernetes.client.extended.controller.Controller;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Two replicas of the controllers role against a real API server: exactly one runs the controllers, and the other takes over. */
class ControllerHostIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** A controller that only says whether it runs. */
    private static final class Probe implements GpuController {
        final AtomicInteger running = new AtomicInteger();

        @Override
        public String name() {
            return "probe";
        }

        @Override
        public Controller build(ControllerContext context) {
            return new Controller() {
                private final CountDownLatch stopped = new CountDownLatch(1);

                @Override
                public void run() {
                    running.incrementAndGet();
                    try {
                        stopped.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        running.decrementAndGet();
                    }
                }

                @Override
                public void shutdown() {
                    stopped.countDown();
                }
            };
        }
    }

    @Test
    void oneReplicaRunsTheControllersAndAnotherTakesOverWhenItStops() throws Exception {
        try (TestCluster cluster = new TestCluster(ControlPlane.client())) {
            Probe first = new Probe();
            Probe second = new Probe();
            var lease = Duration.ofSeconds(3);
            ControllerHost a = ControllerHost.start(ControlPlane.client(), new ControllerHost.Election(cluster.namespace, "probe", "a", lease),
                    List.of(first), new SimpleMeterRegistry(), Clock.systemUTC());
            Eventually.until(WAIT, "replica a leads", a::leading);
            ControllerHost b = ControllerHost.start(ControlPlane.client(), new ControllerHost.Election(cluster.namespace, "probe", "b", lease),
                    List.of(second), new SimpleMeterRegistry(), Clock.systemUTC());
            try {
                Eventually.until(WAIT, "a's controller runs", () -> first.running.get() == 1);
                assertThat(b.leading()).isFalse();
                assertThat(second.running.get()).isZero();

                a.close();
                Eventually.until(WAIT, "b takes over", b::leading);
                Eventually.until(WAIT, "b's controller runs and a's has stopped", () -> second.running.get() == 1 && first.running.get() == 0);
            } finally {
                a.close();
                b.close();
            }
        }
    }
}
