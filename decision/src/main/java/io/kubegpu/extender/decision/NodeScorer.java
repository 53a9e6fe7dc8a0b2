package io.kubegpu.extender.decision;

import io.kubegpu.cluster.state.GpuNode;
import io.kubegpu.cluster.state.NodeState;
import io.kubegpu.extender.placement.FragmentationPlacer;
import io.kubegpu.extender.placement.GpuLayout;
import io.kubegpu.extender.placement.Placement;
import io.kubegpu.extender.placement.TargetWorkload;
import io.kubegpu.extender.placement.TaskShape;
import io.kubegpu.request.Vendor;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Ranks the nodes a pod fits on, 0–10 as kube-scheduler's extender protocol expects (it multiplies by
 * the configured weight × 10 and does not clamp).
 *
 * <ul>
 *   <li>Policy part: fragmentation (the default) prefers the node where the pod grows expected GPU fragmentation
 *       least; the others look at the node's GPU allocation after placing the pod: binpack prefers fuller nodes,
 *       spread emptier ones, balanced those closest to the candidates' mean.</li>
 *   <li>For shares under the allocation policies, a packing part: a slice that fills a GPU already shared
 *       scores higher than one that opens a fresh GPU, which keeps whole GPUs free (less fragmentation).</li>
 *   <li>Live load, when the utilization scorer has fresh data: busier nodes score lower.</li>
 * </ul>
 */
public final class NodeScorer {
    private static final double PACKING_WEIGHT = 0.4;

    private final Policy defaultPolicy;
    private final LiveLoad live;
    private final double liveWeight;
    private final List<Vendor> vendors;
    private final WorkloadProfile profile;
    /**
     * One node's best placements for the last few pod shapes asked about (shares of different sizes take different
     * cards), for one task mix, kept with the node's state ({@link NodeState#keepDerived}): a state stays the same until
     * a pod or a Node event changes that node, so from one pod to the next nearly every node's answer is known already,
     * and only the node the last pod went to is evaluated again. {@code answers[i]} null: shape {@code i} fits nowhere.
     * Immutable: a new shape makes a new memo, so concurrent filters never see one half-written. The latest shape and its
     * score are also kept inline ({@code latest}, {@code latestScore}, {@link #NOWHERE} when it fits nowhere): pods come in
     * runs of one shape, and that answer then costs no read beyond the memo itself (the arrays, shapes and placements are
     * further objects, each a cache miss end to end).
     */
    private record NodeMemo(NodeScorer owner, GpuNode node, TargetWorkload workload, TaskShape[] shapes, Placement[] answers,
                            TaskShape latest, int latestScore) {
        static final int SHAPES = 4;
        static final int NOWHERE = -1;
        static final int UNKNOWN = -2;

        NodeMemo(NodeScorer owner, GpuNode node, TargetWorkload workload, TaskShape[] shapes, Placement[] answers) {
            this(owner, node, workload, shapes, answers, shapes.length == 0 ? null : shapes[shapes.length - 1],
                    answers.length == 0 || answers[answers.length - 1] == null ? NOWHERE : answers[answers.length - 1].score());
        }

        boolean isFor(NodeScorer owner, GpuNode node, TargetWorkload workload) {
            return this.owner == owner && this.node == node && this.workload == workload;
        }

        /** The remembered placement score of {@code shape}: 0–100, {@link #NOWHERE}, or {@link #UNKNOWN} when not remembered. */
        int scoreOf(TaskShape shape) {
            if (latest == shape) {
                return latestScore;
            }
            int known = indexOf(shape);
            return known < 0 ? UNKNOWN : answers[known] == null ? NOWHERE : answers[known].score();
        }

        /** Index of {@code shape} among the remembered ones, or -1. */
        int indexOf(TaskShape shape) {
            for (int i = 0; i < shapes.length; i++) {
                if (shapes[i] == shape || shapes[i].equals(shape)) {
                    return i;
                }
            }
            return -1;
        }

        /** This memo with one more answer, the oldest one dropped when {@value #SHAPES} are held. */
        NodeMemo with(TaskShape shape, Placement answer) {
            int keep = Math.min(shapes.length, SHAPES - 1);
            TaskShape[] moreShapes = new TaskShape[keep + 1];
            Placement[] moreAnswers = new Placement[keep + 1];
            System.arraycopy(shapes, shapes.length - keep, moreShapes, 0, keep);
            System.arraycopy(answers, answers.length - keep, moreAnswers, 0, keep);
            moreShapes[keep] = shape;
            moreAnswers[keep] = answer;
            return new NodeMemo(owner, node, workload, moreShapes, moreAnswers);
        }
    }

    public NodeScorer(Policy defaultPolicy, LiveLoad live, double liveWeight, List<Vendor> vendors) {
        this(defaultPolicy, live, liveWeight, vendors, WorkloadProfile.generic(vendors));
    }

    /** @param profile the task mix the fragmentation policy measures against */
    public NodeScorer(Policy defaultPolicy, LiveLoad live, double liveWeight, List<Vendor> vendors, WorkloadProfile profile) {
        if (liveWeight < 0 || liveWeight > 1) {
            throw new IllegalArgumentException("live utilization weight must be within 0..1, got " + liveWeight);
        }
        this.defaultPolicy = defaultPolicy;
        this.live = live;
        this.liveWeight = liveWeight;
        this.vendors = List.copyOf(vendors);
        this.profile = profile;
    }

    /** One node the pod fits on, with the filter's verdict (which holds a shared pod's slice). */
    public record Candidate(String name, GpuNode node, NodeState usage, NodeVerdict verdict) {
    }

    /** Score parts per candidate, in the same order. Nodes the pod does not fit get 0. */
    public ScoreParts[] score(PodDemand demand, List<Candidate> candidates) {
        ScoreParts[] out = new ScoreParts[candidates.size()];
        if (!demand.isGpuPod()) {
            for (int i = 0; i < out.length; i++) {
                out[i] = ScoreParts.NO_FIT;
            }
            return out;
        }
        double[] after = new double[candidates.size()];
        double sum = 0;
        int fitting = 0;
        for (int i = 0; i < after.length; i++) {
            Candidate c = candidates.get(i);
            if (c.verdict().fits() && c.node() != null) {
                after[i] = allocatedAfter(demand, c);
                sum += after[i];
                fitting++;
            }
        }
        double mean = fitting == 0 ? 0 : sum / fitting;
        Policy policy = demand.policy() != null ? demand.policy() : defaultPolicy;
        double[] fragmentation = policy == Policy.FRAGMENTATION ? fragmentationScores(demand, candidates) : null;
        for (int i = 0; i < out.length; i++) {
            Candidate c = candidates.get(i);
            if (!c.verdict().fits() || c.node() == null) {
                out[i] = ScoreParts.NO_FIT;
                continue;
            }
            double policyScore = switch (policy) {
                case BINPACK -> 10 * after[i];
                case SPREAD -> 10 * (1 - after[i]);
                case BALANCED -> 10 * (1 - Math.abs(after[i] - mean));
                case FRAGMENTATION -> fragmentation[i];
            };
            double total = policyScore;
            double packing = -1;
            if (policy != Policy.FRAGMENTATION && demand.kind() == PodDemand.Kind.SHARED && !c.verdict().slices().isEmpty()) {
                packing = packing(c);
                total = (1 - PACKING_WEIGHT) * policyScore + PACKING_WEIGHT * packing;
            }
            double liveScore = -1;
            OptionalDouble load = live.nodeLoad(c.name());
            if (load.isPresent() && liveWeight > 0) {
                liveScore = 10 * (1 - clamp(load.getAsDouble()));
                total = (1 - liveWeight) * total + liveWeight * liveScore;
            }
            out[i] = new ScoreParts(after[i], policyScore, packing, liveScore, clamp(total / 10) * 10);
        }
        return out;
    }

    /**
     * The index of the best candidate the pod fits, or -1 when it fits none: the highest exact score, ties to the
     * smallest node name, so equal nodes are always taken in the same order (which keeps packing consistent from
     * one pod to the next) whatever order kube-scheduler sends them in.
     */
    public static int best(List<Candidate> candidates, ScoreParts[] parts) {
        return best(candidates, parts, new java.util.BitSet());
    }

    /** As {@link #best(List, ScoreParts[])}, passing over the candidates in {@code excluded}. */
    public static int best(List<Candidate> candidates, ScoreParts[] parts, java.util.BitSet excluded) {
        int best = -1;
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].exact() < 0 || excluded.get(i)) {
                continue;
            }
            if (best < 0 || parts[i].exact() > parts[best].exact()
                    || (parts[i].exact() == parts[best].exact() && candidates.get(i).name().compareTo(candidates.get(best).name()) < 0)) {
                best = i;
            }
        }
        return best;
    }

    /**
     * The fragmentation policy's placement scores (0–100) stretched over the candidates to 0–10: the best candidate
     * gets 10, the worst 0, all 10 when they tie. kube-scheduler multiplies by the extender's weight and adds its
     * own plugins, so a relative scale carries the ranking best.
     */
    private double[] fragmentationScores(PodDemand demand, List<Candidate> candidates) {
        TargetWorkload workload = profile.workload();
        TaskShape wholeShape = demand.kind() == PodDemand.Kind.WHOLE ? TaskShape.whole(0, demand.count(), Set.of()) : null;
        FragmentationPlacer placer = null;
        double[] raw = new double[candidates.size()];
        double best = Double.NEGATIVE_INFINITY;
        double worst = Double.POSITIVE_INFINITY;
        for (int i = 0; i < raw.length; i++) {
            Candidate c = candidates.get(i);
            raw[i] = Double.NaN;
            if (!c.verdict().fits() || c.node() == null) {
                continue;
            }
            TaskShape shape = wholeShape != null ? wholeShape : shapeOn(demand, c.node());
            int score = NodeMemo.NOWHERE;
            if (shape != null) {
                NodeMemo memo = rememberedFor(c, workload);
                score = memo == null ? NodeMemo.UNKNOWN : memo.scoreOf(shape);
                if (score == NodeMemo.UNKNOWN) {
                    if (placer == null) {
                        placer = profile.placerFor(workload);
                    }
                    Placement placement = placer.bestOn(GpuLayout.of(c.node(), c.usage(), vendors), shape);
                    remember(c, memo, workload, shape, placement);
                    score = placement == null ? NodeMemo.NOWHERE : placement.score();
                }
            }
            if (score != NodeMemo.NOWHERE) {
                raw[i] = score;
                best = Math.max(best, raw[i]);
                worst = Math.min(worst, raw[i]);
            }
        }
        double[] out = new double[raw.length];
        for (int i = 0; i < raw.length; i++) {
            out[i] = Double.isNaN(raw[i]) ? 0 : best == worst ? 10 : 10 * (raw[i] - worst) / (best - worst);
        }
        return out;
    }

    /** What this scorer remembered with the candidate's node state for this task mix; null when nothing. */
    private NodeMemo rememberedFor(Candidate c, TargetWorkload workload) {
        return c.usage() != null && c.usage().derived() instanceof NodeMemo memo && memo.isFor(this, c.node(), workload) ? memo : null;
    }

    /** Remembers {@code placement} for {@code shape} beside what {@code memo} (null: nothing) holds for this state. */
    private void remember(Candidate c, NodeMemo memo, TargetWorkload workload, TaskShape shape, Placement placement) {
        if (c.usage() != null) {
            NodeMemo base = memo != null ? memo : new NodeMemo(this, c.node(), workload, new TaskShape[0], new Placement[0]);
            c.usage().keepDerived(base.with(shape, placement));
        }
    }

    /** The pod as placement sees it on this node: whole GPUs, or a share of one (memory as a fraction of this card). */
    static TaskShape shapeOn(PodDemand demand, GpuNode node) {
        if (demand.kind() == PodDemand.Kind.WHOLE) {
            return TaskShape.whole(0, demand.count(), Set.of());
        }
        int milli = Math.max(demand.milli(), GpuLayout.milliOfMemory(demand.memoryMiB(), node.gpuMemoryMiB()));
        return milli <= 0 || milli > 1000 ? null : milli == 1000 ? TaskShape.whole(0, 1, Set.of()) : TaskShape.share(0, milli, Set.of());
    }

    /** Fraction of the node's GPUs allocated once the pod is placed: whole GPUs plus each shared GPU's fuller dimension. */
    double allocatedAfter(PodDemand demand, Candidate c) {
        GpuNode node = c.node();
        NodeState usage = c.usage();
        double allocated = 0;
        for (Vendor vendor : vendors) {
            allocated += usage == null ? 0 : usage.used(vendor.resource());
        }
        if (demand.kind() == PodDemand.Kind.WHOLE) {
            allocated += demand.count();
        }
        if (usage != null && usage.node() == node && c.verdict().slices().isEmpty()) {
            // The state's own node and nothing placed on a shared GPU: the state's sum of its shares serves.
            return clamp((allocated + usage.sharedLoad()) / Math.max(1, usage.gpuCount()));
        }
        int gpus = Math.max(1, node.gpuCount());
        int card = Math.max(1, node.usableMemoryMiB());
        int placedOn = c.verdict().slices().isEmpty() ? -1 : c.verdict().slices().get(0).index();
        for (int i = 0; i < node.gpuCount(); i++) {
            long memory = usage == null ? 0 : usage.sharedMemoryMiB(i);
            long milli = usage == null ? 0 : usage.sharedMilli(i);
            if (i == placedOn) {
                memory += c.verdict().slices().get(0).memoryMiB();
                milli += c.verdict().slices().get(0).milli();
            }
            allocated += NodeState.cardLoad(memory, milli, card);
        }
        return clamp(allocated / gpus);
    }

    /** How full the shared GPU is once the slice is placed on it: best-fit packing. */
    private static double packing(Candidate c) {
        var slice = c.verdict().slices().get(0);
        int card = Math.max(1, c.node().usableMemoryMiB());
        long memory = slice.memoryMiB() + (c.usage() == null ? 0 : c.usage().sharedMemoryMiB(slice.index()));
        long milli = slice.milli() + (c.usage() == null ? 0 : c.usage().sharedMilli(slice.index()));
        return 10 * clamp(Math.max(memory / (double) card, milli / 1000.0));
    }

    private static double clamp(double value) {
        return Math.max(0, Math.min(1, value));
    }
}
