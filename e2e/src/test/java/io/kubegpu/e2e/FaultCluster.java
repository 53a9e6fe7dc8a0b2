package io.kubegpu.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.cluster.it.Eventually;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The fault tier's cluster: two T4 nodes shared through gpushare and two V100 nodes, four GPUs each, labelled for this
 * test alone; the chart rendered for it (its RBAC applied); and mixed bursts of whole-GPU pods and shares that ask for
 * more than the nodes hold, so every fault meets contention.
 */
final class FaultCluster implements AutoCloseable {
    static final String SCHEDULER = "gpu-scheduler";

    final Workload work;
    final ChartInstall install;
    final List<String> t4 = new ArrayList<>();
    final List<String> v100 = new ArrayList<>();
    private final Map<String, String> selector;
    private final ExecutorService pool = Executors.newFixedThreadPool(6);
    private long lastPlacement;

    FaultCluster() throws Exception {
        work = new Workload();
        selector = Map.of("kubegpu.io/e2e-run", work.cluster.suffix);
        t4.add(work.sharedT4("fault-t4-a", selector));
        t4.add(work.sharedT4("fault-t4-b", selector));
        v100.add(work.v100("fault-v100-a", 4, selector));
        v100.add(work.v100("fault-v100-b", 4, selector));
        // No Prometheus in this tier: the sidecar's scorer finds none on a closed loopback port and live load stays out.
        install = ChartInstall.render(Map.of("scorer.config.prom_url", "http://127.0.0.1:" + RenderedContainer.freePort()));
    }

    /** One pod's request, restricted to this test's nodes. */
    Workload.PodSpec onOurNodes(Workload.PodSpec spec) {
        return spec.on(selector);
    }

    /**
     * A mixed burst, in a fixed shuffled order: on the V100s 4 × 1 and 3 × 2 GPUs (10 for 8), on the T4s 2 whole GPUs,
     * 8 × 8G,0.5 and 8 × 4G,0.25 (one 8G share per 15360 MiB card, so more than the 8 cards hold). Created by a pool; the
     * returned future ends when every pod exists.
     */
    Future<List<String>> burst(String tag) {
        List<Workload.PodSpec> specs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            specs.add(Workload.PodSpec.whole(1, "V100"));
        }
        for (int i = 0; i < 3; i++) {
            specs.add(Workload.PodSpec.whole(2, "V100"));
        }
        for (int i = 0; i < 2; i++) {
            specs.add(Workload.PodSpec.whole(1, "T4"));
        }
        for (int i = 0; i < 8; i++) {
            specs.add(Workload.PodSpec.share(8, "0.5"));
            specs.add(Workload.PodSpec.share(4, "0.25"));
        }
        Collections.shuffle(specs, new Random(17));
        return pool.submit(() -> {
            List<Future<String>> created = new ArrayList<>();
            for (int i = 0; i < specs.size(); i++) {
                String base = tag + "-" + i;
                Workload.PodSpec spec = onOurNodes(specs.get(i));
                created.add(pool.submit(() -> work.createRetrying(base, SCHEDULER, spec)));
            }
            List<String> names = new ArrayList<>();
            for (Future<String> f : created) {
                names.add(f.get(2, TimeUnit.MINUTES));
            }
            return names;
        });
    }

    /** How many of this test's pods are bound. */
    long bound() {
        return work.placements().values().stream().filter(n -> n != null).count();
    }

    /**
     * Waits until placements stop changing: kube-scheduler retries the pods it could not place when a node changes (the
     * test changes a label), then backs each off for at most 10 s; no change for {@code quiet} after that is the end.
     */
    Map<String, String> awaitSettled() {
        work.touch(v100.get(0));
        Duration quiet = Duration.ofSeconds(12);
        Object[] last = {work.placements(), System.nanoTime()};
        Eventually.until(Duration.ofMinutes(3), "placements stop changing for " + quiet.toSeconds() + " s", () -> {
            Map<String, String> now = work.placements();
            if (!now.equals(last[0])) {
                last[0] = now;
                last[1] = System.nanoTime();
                return false;
            }
            return System.nanoTime() - (long) last[1] > quiet.toNanos();
        });
        lastPlacement = (long) last[1];
        @SuppressWarnings("unchecked")
        Map<String, String> settled = (Map<String, String>) last[0];
        return settled;
    }

    /** When {@link #awaitSettled()} last saw a placement change (System.nanoTime): the burst's end, without the quiet wait. */
    long lastPlacement() {
        return lastPlacement;
    }

    /** The V100 nodes hold at least 6 of their 8 GPUs: any maximal packing of 1- and 2-GPU pods leaves at most one free per node. */
    void assertV100sFilled(Map<String, String> placements) {
        long used = 0;
        for (Map.Entry<String, String> pod : placements.entrySet()) {
            if (pod.getValue() != null && v100.contains(pod.getValue())) {
                used += Long.parseLong(work.read(pod.getKey()).getAsJsonObject("spec").getAsJsonArray("containers").get(0).getAsJsonObject()
                        .getAsJsonObject("resources").getAsJsonObject("limits").get("nvidia.com/gpu").getAsString());
            }
        }
        assertThat(used).as("V100 GPUs held after the burst settled").isBetween(6L, 8L);
    }

    /** Prints a measurement for the README's failure table (the test asserts no timing). */
    static void report(String fault, String what, Duration took) {
        System.out.printf("[fault-tier] %s: %s in %.1f s%n", fault, what, took.toMillis() / 1000.0);
    }

    @Override
    public void close() {
        pool.shutdownNow();
        install.close();
        work.close();
    }
}
