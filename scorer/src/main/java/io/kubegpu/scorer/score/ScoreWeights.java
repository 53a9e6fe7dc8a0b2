package io.kubegpu.scorer.score;

/**
 * Weights of the utilization score: {@code core × util + copy × memory-copy util + memory × memory used %
 * + power × power %}. They must sum to 1 so the score stays on the 0–100 scale of its parts.
 */
public record ScoreWeights(double core, double memoryCopy, double memoryUsed, double power) {
    public static final ScoreWeights DEFAULT = new ScoreWeights(0.5, 0.2, 0.2, 0.1);

    public ScoreWeights {
        for (double weight : new double[] {core, memoryCopy, memoryUsed, power}) {
            if (!(weight >= 0 && weight <= 1)) {
                throw new IllegalArgumentException("score weights must be within 0..1, got " + this);
            }
        }
        double sum = core + memoryCopy + memoryUsed + power;
        if (Math.abs(sum - 1) > 1e-6) {
            throw new IllegalArgumentException("score weights must sum to 1, got " + sum + " (" + core + " + " + memoryCopy + " + "
                    + memoryUsed + " + " + power + ")");
        }
    }
}
