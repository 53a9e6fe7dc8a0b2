package io.kubegpu.simulator.policy;

import io.kubegpu.extender.placement.FragmentationPlacer;
import io.kubegpu.extender.placement.Placement;
import io.kubegpu.extender.placement.TaskShape;
import io.kubegpu.simulator.replay.Candidate;
import io.kubegpu.simulator.replay.Decision;
import io.kubegpu.simulator.replay.PlacementPolicy;
import java.util.List;
import java.util.random.RandomGenerator;

/** Our default policy, run through the extender's own {@link FragmentationPlacer}; a tie goes to the first node in the tie-break order. */
final class FragmentationPolicy implements PlacementPolicy {
    private final FragmentationPlacer placer;

    FragmentationPolicy(FragmentationPlacer placer) {
        this.placer = placer;
    }

    @Override
    public Decision choose(TaskShape task, List<Candidate> candidates, RandomGenerator random) {
        Candidate best = null;
        Placement bestPlacement = null;
        for (Candidate candidate : candidates) {
            Placement placement = placer.bestOn(candidate.layout(), task);
            if (placement == null) {
                continue;
            }
            if (best == null || placement.score() > bestPlacement.score()
                    || (placement.score() == bestPlacement.score() && candidate.rank() < best.rank())) {
                best = candidate;
                bestPlacement = placement;
            }
        }
        if (best == null) {
            throw new IllegalStateException("the filter passed nodes the placement policy finds no room on");
        }
        return new Decision(best, bestPlacement.gpus());
    }
}
