package io.kubegpu.extender.decision;

import io.kubegpu.catalog.ModelKeys;
import io.kubegpu.cluster.state.GpuNode;
import io.kubegpu.cluster.state.GpuSlice;
import io.kubegpu.cluster.state.NodeState;
import io.kubegpu.extender.placement.FragmentationPlacer;
import io.kubegpu.extender.placement.GpuLayout;
import io.kubegpu.extender.placement.Placement;
import io.kubegpu.extender.placement.TaskShape;
import io.kubegpu.guard.MemoryGuard;
import io.kubegpu.guard.Verdict;
import io.kubegpu.request.Vendor;
import java.util.List;

/**
 * Whether a pod's GPU demand fits one node, given the node's GPUs and what already holds them. Pure:
 * the same inputs always give the same verdict, so the HTTP filter, bind and the trace simulator share it.
 */
public final class GpuFit {
    private final MemoryGuard guard;
    private final List<Vendor> vendors;
    private final Policy defaultPolicy;
    private final WorkloadProfile profile;
    private final int memoryUnitMiB;

    /** Shares take the best-fit GPU whatever the policy; memory is counted in MiB. */
    public GpuFit(MemoryGuard guard, List<Vendor> vendors) {
        this(guard, vendors, Policy.BINPACK, null, 1);
    }

    /** Memory is counted in MiB. */
    public GpuFit(MemoryGuard guard, List<Vendor> vendors, Policy defaultPolicy, WorkloadProfile profile) {
        this(guard, vendors, defaultPolicy, profile, 1);
    }

    /**
     * @param defaultPolicy the policy for pods without an override: under {@link Policy#FRAGMENTATION} a share takes the
     *                      GPU the fragmentation policy picks (among those with room), else the best-fit GPU
     * @param profile       the task mix that policy measures against
     * @param memoryUnitMiB the sharing device plugin's unit of GPU memory (1024 for gpushare's GiB): a share holds whole
     *                      units, since that is what the plugin hands out
     */
    public GpuFit(MemoryGuard guard, List<Vendor> vendors, Policy defaultPolicy, WorkloadProfile profile, int memoryUnitMiB) {
        if (memoryUnitMiB < 1) {
            throw new IllegalArgumentException("memory unit must be at least 1 MiB, got " + memoryUnitMiB);
        }
        this.guard = guard;
        this.vendors = List.copyOf(vendors);
        this.defaultPolicy = defaultPolicy;
        this.profile = profile;
        this.memoryUnitMiB = memoryUnitMiB;
    }

    /**
     * The memory a share holds on a GPU with {@code usableMiB} usable: what it asked for, rounded up to whole device-plugin
     * units, or, for a bare share ({@code 0.5}), its fraction of the usable memory rounded down to whole units (at least
     * one), so that shares adding up to one GPU always fit it.
     */
    public int shareMemoryMiB(PodDemand demand, int usableMiB) {
        long unit = memoryUnitMiB;
        if (demand.memoryMiB() > 0) {
            return (int) Math.min(Integer.MAX_VALUE, (demand.memoryMiB() + unit - 1) / unit * unit);
        }
        long proportional = (long) usableMiB * demand.milli() / 1000 / unit * unit;
        return (int) Math.max(unit, proportional);
    }

    /**
     * Per-pod data computed once per extender call, then judged against every candidate node. A share's slice in these
     * verdicts is the best-fit GPU: which GPU it takes is bind's decision ({@link #judge}), kept off the filter's path.
     */
    public Prepared prepare(PodDemand demand) {
        return new Prepared(demand, false);
    }

    /**
     * One-off judgement, as bind makes it: a share's slice is the GPU the pod's policy picks (under fragmentation, the
     * placement policy's choice). Extender calls over many nodes use {@link #prepare(PodDemand)} instead.
     *
     * @param node  the node's GPU properties, or {@code null} when the node is unknown to us
     * @param usage what holds the node's GPUs (pods and reservations); {@code null} means nothing
     */
    public NodeVerdict judge(String nodeName, PodDemand demand, GpuNode node, NodeState usage) {
        return new Prepared(demand, true).judge(nodeName, node, usage);
    }

    /**
     * Whether a share still fits on exactly these slices (the GPU this process chose for it in an earlier, interrupted
     * bind): each slice is the size the demand holds, on a healthy GPU of the node, with that much memory and compute
     * free, and a GPU no share uses yet is one whole-GPU pods leave free. The verdict carries the slices when it fits.
     */
    public NodeVerdict judgeSlices(String nodeName, PodDemand demand, GpuNode node, NodeState usage, List<GpuSlice> slices) {
        if (demand.kind() != PodDemand.Kind.SHARED || node == null || slices.size() != 1) {
            return NodeVerdict.occupied(nodeName, new FitReason.EarlierChoiceGone("the earlier assignment does not apply"));
        }
        GpuSlice slice = slices.get(0);
        int card = node.usableMemoryMiB();
        int i = slice.index();
        if (i >= node.gpuCount() || !node.healthy(i) || slice.memoryMiB() != shareMemoryMiB(demand, card) || slice.milli() != demand.milli()) {
            return NodeVerdict.occupied(nodeName, new FitReason.EarlierChoiceGone("the earlier assignment does not match the pod or the node"));
        }
        boolean shared = usage != null && usage.sharedHolders(i) > 0;
        int usedMiB = usage == null ? 0 : usage.sharedMemoryMiB(i);
        int usedMilli = usage == null ? 0 : usage.sharedMilli(i);
        if ((long) card - usedMiB < slice.memoryMiB() || 1000 - usedMilli < slice.milli()) {
            return NodeVerdict.occupied(nodeName, new FitReason.EarlierChoiceGone("GPU " + i + " no longer has room for the earlier assignment"));
        }
        if (!shared) {
            long wholeUsed = 0;
            for (Vendor vendor : vendors) {
                wholeUsed += used(usage, vendor.resource());
            }
            if (node.gpuCount() - wholeUsed - NodeState.blockedGpus(node, usage) <= 0) {
                return NodeVerdict.occupied(nodeName, new FitReason.EarlierChoiceGone("GPU " + i + " is no longer free of whole-GPU pods"));
            }
        }
        return NodeVerdict.fits(nodeName, slice, !shared);
    }

    private static final FitReason NOT_READY = new FitReason.NotReady();
    private static final FitReason CORDONED = new FitReason.Cordoned();
    private static final FitReason NO_GPUS = new FitReason.NoGpus();

    /** Whether a node model is one the pod accepts: {@code mismatch} is null when it is. */
    private record ModelCheck(FitReason mismatch) {
    }

    /** A pod's demand with what every node judgement needs precomputed. */
    public final class Prepared {
        private final PodDemand demand;
        private final String wanted;
        /** The request as the memory guard checks it (vendor and models dropped), made on first use: most pods never need it. */
        private io.kubegpu.request.GpuRequest guardRequest;
        /** The model check by node model label: a cluster has few models, so each is judged once per call. */
        private final java.util.HashMap<String, ModelCheck> modelByLabel = new java.util.HashMap<>();
        /** Memory-guard verdicts of the cards judged in this call ({@link #guardOn}). */
        private final CardVerdicts cardVerdicts = new CardVerdicts();
        private FitReason invalidRequest;
        /** Whether a share's GPU is the policy's choice (bind) or the best fit (filter). */
        private final boolean choosesGpu;
        /** The fragmentation policy's placer for this call, made on first use (its memo lives as long as the call). */
        private FragmentationPlacer placer;

        private Prepared(PodDemand demand, boolean choosesGpu) {
            this.demand = demand;
            this.choosesGpu = choosesGpu;
            this.wanted = String.join("|", demand.models().stream().map(PodDemand.ModelAlternative::token).toList());
        }

        public PodDemand demand() {
            return demand;
        }

        private FitReason invalidRequest() {
            if (invalidRequest == null) {
                invalidRequest = new FitReason.InvalidRequest(demand.problem());
            }
            return invalidRequest;
        }

        private io.kubegpu.request.GpuRequest guardRequest() {
            if (guardRequest == null) {
                guardRequest = withoutVendor(demand);
            }
            return guardRequest;
        }

        public NodeVerdict judge(String nodeName, GpuNode node, NodeState usage) {
            switch (demand.kind()) {
                case NONE:
                    return NodeVerdict.fits(nodeName);
                case INVALID:
                    return NodeVerdict.unresolvable(nodeName, invalidRequest());
                default:
                    break;
            }
            if (node == null) {
                return NodeVerdict.occupied(nodeName, new FitReason.UnknownNode(nodeName));
            }
            // Names only, the node is the state's own, whose counts the state keeps inline: judging reads one object.
            boolean own = usage != null && usage.node() == node;
            if (!own || !usage.placeable()) {
                if (!node.ready()) {
                    return NodeVerdict.occupied(nodeName, NOT_READY);
                }
                if (node.unschedulable()) {
                    return NodeVerdict.occupied(nodeName, CORDONED);
                }
            }
            FitReason wrongModel;
            if (demand.models().isEmpty()) {
                wrongModel = null;
            } else if (node.modelLabel() == null) {
                wrongModel = modelMismatch(demand, wanted, node);
            } else {
                // get, then put: a capturing computeIfAbsent lambda would be allocated per node.
                ModelCheck check = modelByLabel.get(node.modelLabel());
                if (check == null) {
                    check = new ModelCheck(modelMismatch(demand, wanted, node));
                    modelByLabel.put(node.modelLabel(), check);
                }
                wrongModel = check.mismatch();
            }
            if (wrongModel != null) {
                return NodeVerdict.unresolvable(nodeName, wrongModel);
            }
            return demand.kind() == PodDemand.Kind.WHOLE ? whole(nodeName, this, node, usage, own) : shared(nodeName, this, node, usage);
        }
    }

    /** @param own {@code node} is {@code usage}'s own node, so the counts the state keeps inline apply */
    private NodeVerdict whole(String nodeName, Prepared prepared, GpuNode node, NodeState usage, boolean own) {
        PodDemand demand = prepared.demand;
        long total = own ? usage.allocatable(demand.resource()) : node.allocatable(demand.resource());
        if (total < demand.count()) {
            return NodeVerdict.unresolvable(nodeName, new FitReason.TooFewGpus(demand.resource(), total, demand.count()));
        }
        if (demand.minTotalMiB() > 0 && node.gpuMemoryMiB() > 0) {
            FitReason refused = guardOn(prepared, node);
            if (refused != null) {
                return NodeVerdict.unresolvable(nodeName, refused);
            }
        }
        long free = own ? usage.freeWhole(demand.resource())
                : total - used(usage, demand.resource()) - NodeState.blockedGpus(node, usage);
        if (free < demand.count()) {
            return NodeVerdict.occupied(nodeName, new FitReason.GpusTaken(demand.resource(), free, total, demand.count()));
        }
        return NodeVerdict.fits(nodeName);
    }

    private NodeVerdict shared(String nodeName, Prepared prepared, GpuNode node, NodeState usage) {
        PodDemand demand = prepared.demand;
        int gpus = node.gpuCount();
        if (gpus == 0) {
            return NodeVerdict.unresolvable(nodeName, NO_GPUS);
        }
        int card = node.usableMemoryMiB();
        if (demand.memoryMiB() > 0 && card == 0) {
            return NodeVerdict.unresolvable(nodeName, new FitReason.MemoryUnknown(demand.memoryMiB()));
        }
        if (card > 0) {
            FitReason refused = guardOn(prepared, node);
            if (refused != null) {
                return NodeVerdict.unresolvable(nodeName, refused);
            }
        }
        int needMiB = shareMemoryMiB(demand, card);
        int needMilli = demand.milli();
        if (card > 0 && needMiB > card) {
            // The guard judged the nominal size; the card offers what the node reports.
            return NodeVerdict.unresolvable(nodeName, new FitReason.CardTooSmall(card, node.gpuMemoryMiB(), needMiB));
        }

        // Best fit among GPUs already shared: the one left with the least free memory, then least free compute.
        int best = -1;
        long bestLeft = Long.MAX_VALUE;
        int mostFreeIndex = -1;
        long mostFreeMiB = -1;
        int mostFreeMilli = 0;
        for (int i = 0; i < gpus; i++) {
            if (usage == null || usage.sharedHolders(i) == 0 || !node.healthy(i)) {
                continue;
            }
            long freeMiB = (long) card - usage.sharedMemoryMiB(i);
            int freeMilli = 1000 - usage.sharedMilli(i);
            if (freeMiB > mostFreeMiB) {
                mostFreeIndex = i;
                mostFreeMiB = freeMiB;
                mostFreeMilli = freeMilli;
            }
            if (freeMiB >= needMiB && freeMilli >= needMilli) {
                long left = (freeMiB - needMiB) * 1001 + (freeMilli - needMilli);
                if (left < bestLeft) {
                    best = i;
                    bestLeft = left;
                }
            }
        }
        long wholeUsed = 0;
        for (Vendor vendor : vendors) {
            wholeUsed += used(usage, vendor.resource());
        }
        int fresh = -1;
        if (gpus - wholeUsed - NodeState.blockedGpus(node, usage) > 0) {
            for (int i = 0; i < gpus && fresh < 0; i++) {
                if ((usage == null || usage.sharedHolders(i) == 0) && node.healthy(i)) {
                    fresh = i;
                }
            }
        }
        int chosen = fragmentationChoice(prepared, node, usage, card, needMiB, needMilli, fresh);
        if (chosen >= 0) {
            return NodeVerdict.fits(nodeName, new GpuSlice(chosen, needMiB, needMilli), chosen == fresh);
        }
        if (best >= 0) {
            return NodeVerdict.fits(nodeName, new GpuSlice(best, needMiB, needMilli), false);
        }
        if (fresh >= 0) {
            return NodeVerdict.fits(nodeName, new GpuSlice(fresh, needMiB, needMilli), true);
        }
        return NodeVerdict.occupied(nodeName, new FitReason.NoCardFree(needMiB, needMilli, gpus, mostFreeIndex, mostFreeMiB, mostFreeMilli,
                node.unhealthyGpus().isEmpty() ? "" : node.unhealthyGpus().toString()));
    }

    /**
     * For bind under the fragmentation policy, the GPU it would put the share on, when that GPU has room by this
     * filter's own (memory and compute) accounting; -1 to fall back to best fit.
     */
    private int fragmentationChoice(Prepared prepared, GpuNode node, NodeState usage, int card, int needMiB, int needMilli, int fresh) {
        Policy policy = prepared.demand.policy() != null ? prepared.demand.policy() : defaultPolicy;
        if (!prepared.choosesGpu || policy != Policy.FRAGMENTATION || profile == null) {
            return -1;
        }
        TaskShape shape = NodeScorer.shapeOn(prepared.demand, node);
        if (shape == null || !shape.isShare()) {
            return -1;
        }
        if (prepared.placer == null) {
            prepared.placer = profile.placer();
        }
        Placement placement = prepared.placer.bestOn(GpuLayout.of(node, usage, vendors), shape);
        if (placement == null) {
            return -1;
        }
        int g = placement.gpus()[0];
        boolean shared = usage != null && usage.sharedHolders(g) > 0;
        if (!shared) {
            return g == fresh ? g : -1;
        }
        boolean room = (long) card - usage.sharedMemoryMiB(g) >= needMiB && 1000 - usage.sharedMilli(g) >= needMilli;
        return room ? g : -1;
    }

    /** The memory guard's refusal of the node's card, or null when the card is large enough; one instance per card and call. */
    private FitReason guardOn(Prepared prepared, GpuNode node) {
        CardVerdicts verdicts = prepared.cardVerdicts;
        int known = verdicts.indexOf(node.modelLabel(), node.gpuMemoryMiB());
        if (known >= 0) {
            return verdicts.refusal(known);
        }
        Verdict verdict = guard.checkReported(prepared.guardRequest(), prepared.demand.minTotalMiB(), node.modelLabel(), node.gpuMemoryMiB());
        FitReason refusal = verdict.fits() ? null : new FitReason.CardRefused(verdict.reason());
        verdicts.add(node.modelLabel(), node.gpuMemoryMiB(), refusal);
        return refusal;
    }

    private static io.kubegpu.request.GpuRequest withoutVendor(PodDemand demand) {
        if (demand.request() != null) {
            return demand.request().withSpec(null, List.of());
        }
        return demand.kind() == PodDemand.Kind.WHOLE ? io.kubegpu.request.GpuRequest.whole(demand.count())
                : io.kubegpu.request.GpuRequest.memory(demand.memoryMiB(), demand.milli());
    }

    /** Null when the node's model is one the pod accepts, else why not. */
    private static FitReason modelMismatch(PodDemand demand, String wanted, GpuNode node) {
        if (demand.models().isEmpty()) {
            return null;
        }
        String nodeKey = null;
        for (PodDemand.ModelAlternative alternative : demand.models()) {
            if (alternative.match() != null && node.model() != null) {
                // Every model the node may have must be one the pod accepts: a node labelled only "V100"
                // (16 or 32 GB) does not satisfy a pod that needs V100-32GB.
                if (alternative.match().models().containsAll(node.model().models())) {
                    return null;
                }
            } else if (node.modelLabel() != null) {
                nodeKey = nodeKey != null ? nodeKey : ModelKeys.normalize(node.modelLabel());
                if (nodeKey.equals(ModelKeys.normalize(alternative.token()))) {
                    return null;
                }
            }
        }
        return new FitReason.WrongModel(node.modelLabel() == null ? null : node.model() != null ? node.model().describe() : node.modelLabel(),
                wanted);
    }

    private static long used(NodeState usage, String resource) {
        return usage == null ? 0 : usage.used(resource);
    }

    // The two formatters below build a rejected node's reason, once per node per filter call: plain arithmetic,
    // since String.format and regular expressions cost about a microsecond each there.

    static String gib(long mib) {
        if (mib % 1024 == 0) {
            return (mib / 1024) + " GiB";
        }
        if (mib < 1024) {
            return mib + " MiB";
        }
        long tenths = (mib * 10 + 512) / 1024; // one decimal, half up
        return (tenths / 10) + "." + (tenths % 10) + " GiB";
    }

    /**
     * Thousandths as a decimal fraction without trailing zeros: 500 → "0.5", 1000 → "1", -100 → "-0.1" (what is free on
     * a GPU whose shares hold more compute than it has, as pods bound by another scheduler can).
     */
    static String share(int milli) {
        if (milli < 0) {
            return "-" + share(-milli);
        }
        StringBuilder out = new StringBuilder().append(milli / 1000);
        int fraction = milli % 1000;
        if (fraction != 0) {
            String digits = String.valueOf(1000 + fraction).substring(1);
            int end = digits.length();
            while (digits.charAt(end - 1) == '0') {
                end--;
            }
            out.append('.').append(digits, 0, end);
        }
        return out.append(" of its compute").toString();
    }
}
