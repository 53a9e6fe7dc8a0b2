package io.kubegpu.simulator.replay;

/**
 * Where a policy puts a task: a candidate and the GPUs it takes there (empty for CPU-only tasks).
 */
public record Decision(Candidate candidate, int[] gpus) {
    public Decision {
        gpus = gpus.clone();
    }

    @Override
    public int[] gpus() {
        return gpus.clone();
    }
}
