package io.kubegpu.simulator.policy;

import io.kubegpu.simulator.replay.Candidate;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The published simulator's host selection: the highest score wins; a tie goes to the node first in the run's
 * tie-break order (its patched {@code selectHost} takes the smallest name, and names carry a seeded random prefix).
 */
final class ScoredChoice {
    private ScoredChoice() {
    }

    static Candidate best(List<Candidate> candidates, ToLongFunction<Candidate> score) {
        Candidate best = null;
        long bestScore = Long.MIN_VALUE;
        for (Candidate candidate : candidates) {
            long s = score.applyAsLong(candidate);
            if (best == null || s > bestScore || (s == bestScore && candidate.rank() < best.rank())) {
                best = candidate;
                bestScore = s;
            }
        }
        return best;
    }
}
