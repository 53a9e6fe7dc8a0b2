package io.kubegpu.simulator.policy;

import io.kubegpu.extender.placement.Fragmentation;
import io.kubegpu.extender.placement.GpuLayout;
import io.kubegpu.extender.placement.TaskShape;
import io.kubegpu.simulator.replay.Candidate;
import io.kubegpu.simulator.replay.Decision;
import io.kubegpu.simulator.replay.PlacementPolicy;
import io.kubegpu.simulator.replay.SimCluster;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Ports of the baselines of Weng et al., "Beware of Fragmentation" (USENIX ATC '23), as their simulator
 * (hkust-adsl/kubernetes-scheduler-simulator) scores them: integer node scores 0–100 (truncated, as Go's
 * {@code int64()} does), the highest wins and a tie goes to the first node in the run's tie-break order, and each policy's GPU selection method
 * from the authors' run scripts (Random: random GPU; FGD: its own; the others: best fit).
 */
public final class PublishedBaselines {
    /** The normalisation constants of the published simulator: 128 cores, 8 GPUs. */
    static final double MAX_SPEC_CPU = 128_000;
    static final double MAX_SPEC_GPU = 8_000;
    private static final int MAX_SCORE = 100;

    private PublishedBaselines() {
    }

    /** Random: one feasible node uniformly at random, a random GPU on it. */
    public static PlacementPolicy random() {
        return (task, candidates, random) -> {
            Candidate chosen = candidates.get(random.nextInt(candidates.size()));
            return new Decision(chosen, GpuChoice.random(chosen.layout(), task, random));
        };
    }

    /** Tetris' dot product of free and requested (CPU, total GPU), normalized by the max node: the smaller, the better. */
    public static PlacementPolicy dotProduct() {
        return (task, candidates, random) -> {
            Candidate chosen = ScoredChoice.best(candidates, c -> {
                GpuLayout l = c.layout();
                double dot = (l.cpuFreeMilli() / MAX_SPEC_CPU) * (task.cpuMilli() / MAX_SPEC_CPU)
                        + (l.totalFree() / MAX_SPEC_GPU) * (task.totalGpuMilli() / MAX_SPEC_GPU);
                return (long) (MAX_SCORE * (1 - dot / 2));
            });
            return new Decision(chosen, GpuChoice.bestFit(chosen.layout(), task));
        };
    }

    /** Best fit: the node left with the least free CPU and GPU (each normalized by the max node, equal weights). */
    public static PlacementPolicy bestFit() {
        return (task, candidates, random) -> {
            Candidate chosen = ScoredChoice.best(candidates, c -> {
                GpuLayout l = c.layout();
                double left = (l.cpuFreeMilli() - task.cpuMilli()) / MAX_SPEC_CPU * 0.5
                        + (l.totalFree() - task.totalGpuMilli()) / MAX_SPEC_GPU * 0.5;
                return (long) ((1 - left) * MAX_SCORE);
            });
            return new Decision(chosen, GpuChoice.bestFit(chosen.layout(), task));
        };
    }

    /**
     * GPU packing: a share on an already shared GPU first (fuller GPU better), then free GPUs on a node in use
     * (fewer fresh GPUs better), then a node with every GPU free. CPU-only tasks score alike everywhere.
     */
    public static PlacementPolicy gpuPacking() {
        return (task, candidates, random) -> {
            Candidate chosen = ScoredChoice.best(candidates, c -> packingScore(c.layout(), task));
            return new Decision(chosen, GpuChoice.bestFit(chosen.layout(), task));
        };
    }

    static long packingScore(GpuLayout l, TaskShape task) {
        if (task.gpuCount() == 0) {
            return 0;
        }
        int fullyFree = l.fullyFree();
        if (fullyFree == l.gpuCount()) {
            return Math.max(MAX_SCORE / 3 - fullyFree, fullyFree);
        }
        Integer[] order = new Integer[l.gpuCount()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, java.util.Comparator.comparingInt(l::free)); // stable: least free first
        int need = task.gpuCount();
        int freshUsed = 0;
        long freeOnUsed = 0;
        for (int index : order) {
            if (need == 0) {
                break;
            }
            if (l.free(index) >= task.gpuMilli()) {
                need--;
                freeOnUsed += l.free(index) * 100L / GpuLayout.WHOLE;
                if (l.free(index) == GpuLayout.WHOLE) {
                    freshUsed++;
                }
            }
        }
        if (freshUsed > 0) {
            return Math.max(MAX_SCORE / 2 - freshUsed, MAX_SCORE / 3);
        }
        return Math.max(MAX_SCORE - freeOnUsed / 10, MAX_SCORE / 2);
    }

    /** GPU clustering: GPU tasks of a kind together (a node running only that kind best), then fuller nodes. */
    public static PlacementPolicy gpuClustering() {
        return (task, candidates, random) -> {
            Candidate chosen = ScoredChoice.best(candidates, c -> clusteringScore(c, task));
            return new Decision(chosen, GpuChoice.bestFit(chosen.layout(), task));
        };
    }

    static long clusteringScore(Candidate c, TaskShape task) {
        if (task.gpuCount() == 0) {
            return 0;
        }
        String tag = SimCluster.affinityTag(task);
        Map<String, Integer> kinds = c.affinity();
        long fullness = (MAX_SCORE / 4) * ((long) MAX_SPEC_GPU - c.layout().totalFree()) / (long) MAX_SPEC_GPU;
        if (kinds.getOrDefault(tag, 0) > 0) {
            return fullness + (kinds.size() == 1 ? MAX_SCORE * 3 / 4 : MAX_SCORE * 2 / 4);
        }
        return fullness + (kinds.isEmpty() ? MAX_SCORE / 4 : 0);
    }

    /**
     * FGD: the node and GPU whose placement grows the node's expected fragmentation (against the target workload)
     * least, scored as sigmoid(decrease in GPUs) × 100 truncated to an integer; on a node, the first GPU with the
     * highest score.
     */
    public static PlacementPolicy fgd(Fragmentation fragmentation) {
        return (task, candidates, random) -> {
            int[][] gpus = new int[candidates.size()][];
            long[] scores = new long[candidates.size()];
            for (int i = 0; i < candidates.size(); i++) {
                GpuLayout layout = candidates.get(i).layout();
                double before = fragmentation.of(layout);
                if (task.isShare()) {
                    long best = Long.MIN_VALUE;
                    for (int g = 0; g < layout.gpuCount(); g++) {
                        if (layout.free(g) >= task.gpuMilli()) {
                            long s = fgdScore(before, fragmentation.of(layout.with(task, new int[] {g})));
                            if (gpus[i] == null || s > best) {
                                best = s;
                                gpus[i] = new int[] {g};
                            }
                        }
                    }
                    scores[i] = best;
                } else {
                    gpus[i] = task.gpuCount() == 0 ? new int[0] : layout.lowestFullyFree(task.gpuCount());
                    scores[i] = fgdScore(before, fragmentation.of(layout.with(task, gpus[i])));
                }
            }
            int best = -1;
            for (int i = 0; i < scores.length; i++) {
                if (best < 0 || scores[i] > scores[best] || (scores[i] == scores[best] && candidates.get(i).rank() < candidates.get(best).rank())) {
                    best = i;
                }
            }
            return new Decision(candidates.get(best), gpus[best]);
        };
    }

    private static long fgdScore(double before, double after) {
        double x = (before - after) / 1000;
        return (long) (MAX_SCORE / (1 + Math.exp(-x)));
    }

    static List<String> names() {
        return List.of("random", "dotprod", "gpu-clustering", "gpu-packing", "bestfit", "fgd");
    }
}
