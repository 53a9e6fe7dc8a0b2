package io.kubegpu.extender.decision;

import java.util.Arrays;
import java.util.Objects;

/**
 * The memory guard's verdicts within one extender call, by card: node model label and reported GPU memory (a null
 * refusal: the card is large enough). The guard resolves the label through the catalog and rounds the reported size;
 * a cluster has few distinct cards, so each is judged once per call and every other candidate only looks it up.
 *
 * <p>A linear scan of flat arrays, because it runs for every candidate of a share's filter: keyed by a concatenated
 * string, the lookup built and hashed a new string per candidate, a tenth of a share's filter in JMH
 * ({@code ExtenderBenchmark.filterBestNamesOnly}, {@code 8G,0.5}). Model labels are shared per model by the node
 * mapper, so {@code equals} almost always decides on identity, its first check.
 */
final class CardVerdicts {
    private String[] labels = new String[4];
    private int[] memoryMiB = new int[4];
    private FitReason[] refusals = new FitReason[4];
    private int size;

    /** The entry for this card, or -1 when it has not been judged in this call. */
    int indexOf(String label, int reportedMiB) {
        for (int i = 0; i < size; i++) {
            if (memoryMiB[i] == reportedMiB && Objects.equals(labels[i], label)) {
                return i;
            }
        }
        return -1;
    }

    /** The guard's refusal of the card at {@code index}, or null when it fits. */
    FitReason refusal(int index) {
        return refusals[index];
    }

    void add(String label, int reportedMiB, FitReason refusal) {
        if (size == labels.length) {
            labels = Arrays.copyOf(labels, size * 2);
            memoryMiB = Arrays.copyOf(memoryMiB, size * 2);
            refusals = Arrays.copyOf(refusals, size * 2);
        }
        labels[size] = label;
        memoryMiB[size] = reportedMiB;
        refusals[size] = refusal;
        size++;
    }
}
