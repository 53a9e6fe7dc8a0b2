package io.kubegpu.simulator.replay;

import io.kubegpu.extender.placement.TaskShape;
import java.util.List;
import java.util.random.RandomGenerator;

/** Chooses a node and GPUs among the nodes a task fits on. One instance per replay: it may keep state. */
public interface PlacementPolicy {
    /**
     * @param candidates never empty
     * @param random     the replay's random source: ties and random choices draw from it, so a seed fixes the run
     */
    Decision choose(TaskShape task, List<Candidate> candidates, RandomGenerator random);
}
