package io.kubegpu.extender.placement;

/**
 * Where a task would go on one node and how good that is.
 *
 * @param gpus  the GPUs it takes (empty for CPU only)
 * @param score 0–100, higher is better (see {@link FragmentationPlacer})
 * @param cost  the exact cost behind the score, GPU thousandths (for explanations)
 */
public record Placement(int[] gpus, int score, double cost) {
    public Placement {
        gpus = gpus.clone();
    }

    @Override
    public int[] gpus() {
        return gpus.clone();
    }
}
