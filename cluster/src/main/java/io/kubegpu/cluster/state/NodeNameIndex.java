package io.kubegpu.cluster.state;

import java.util.Map;

/**
 * A snapshot's node names to their slots, for the filter's lookup of every candidate (230 per call at 500 nodes, 500 at
 * 5,000). Open addressing over one {@code long[]}: each entry is the name's hash beside its slot, so a probe compares
 * ints within the table's own cache lines and reads a name only where the hash matches (the node state's name, which
 * the caller reads next anyway).
 *
 * <p>It replaces a {@code Map.copyOf} of names to boxed slots. That map probes linearly from {@code hash mod size} and
 * compares the name of every entry it passes; node names that differ only in their last digits ({@code gpu-node-00017},
 * {@code perf-0017}) have neighbouring hashes, so they fill runs of adjacent entries and a lookup walked 3.6 to 12.5
 * entries on average (simulated for 500 and 5,000 such names) instead of about 1.5. Its lookups were a fifth of the
 * extender's request thread in a names-only run at 500 nodes (JFR); {@code ExtenderBenchmark.filterBestNamesOnly} at
 * 500 candidates fell from 188–201 to 99–104 µs with this index ({@code perf/results/extender-name-index.md}).
 */
final class NodeNameIndex {
    static final NodeNameIndex EMPTY = of(Map.of());

    /** {@code (hash << 32) | (slot + 1)} per entry; 0 is an empty entry. At most half full. */
    private final long[] table;
    private final int shift;

    private NodeNameIndex(long[] table) {
        this.table = table;
        this.shift = 64 - Integer.numberOfTrailingZeros(table.length);
    }

    /** An index of {@code slotOf} (name to slot, slots ≥ 0). */
    static NodeNameIndex of(Map<String, Integer> slotOf) {
        int capacity = Integer.highestOneBit(Math.max(4, slotOf.size()) * 2 - 1) << 1;
        long[] table = new long[capacity];
        int mask = capacity - 1;
        int shift = 64 - Integer.numberOfTrailingZeros(capacity);
        slotOf.forEach((name, slot) -> {
            int hash = name.hashCode();
            int at = home(hash, shift);
            while (table[at] != 0) {
                at = (at + 1) & mask;
            }
            table[at] = ((long) hash << 32) | (slot + 1L);
        });
        return new NodeNameIndex(table);
    }

    /** The state named {@code name} among {@code slots}, or null when the snapshot has none by that name. */
    NodeState find(String name, NodeState[] slots) {
        int hash = name.hashCode();
        int mask = table.length - 1;
        for (int at = home(hash, shift); ; at = (at + 1) & mask) {
            long entry = table[at];
            if (entry == 0) {
                return null;
            }
            if ((int) (entry >>> 32) == hash) {
                int slot = (int) entry - 1;
                NodeState state = slot < slots.length ? slots[slot] : null;
                if (state != null && state.name().equals(name)) {
                    return state;
                }
            }
        }
    }

    /** Fibonacci hashing: names that differ only in their last digits spread over the whole table. */
    private static int home(int hash, int shift) {
        return (int) ((hash * 0x9E3779B97F4A7C15L) >>> shift);
    }
}
