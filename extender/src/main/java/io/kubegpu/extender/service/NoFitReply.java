package io.kubegpu.extender.service;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the filter answers when a GPU pod fits none of the nodes it was sent.
 *
 * <p>{@link #FAILED_NODES} is the protocol's usual answer: every node with its reason. kube-scheduler then has a fit
 * error and preempts: its dry run removes lower-priority pods and checks only its own plugins, so a node that the
 * extender alone refused (its totals fit, no single card does) becomes a candidate <em>without victims</em>. A
 * kube-scheduler that calls the extender's preempt verb hands that candidate to us and we drop it. kube-scheduler 1.20.0
 * to 1.20.9 and 1.21.0 to 1.21.3 never call the verb (kubernetes/kubernetes#102971, fixed in 1.20.10 and 1.21.4), and up
 * to 1.21 {@code pickOneNodeForPreemption} reads {@code victims.Pods[0]} of every candidate when two or more tie on
 * PodDisruptionBudget violations (kubernetes/kubernetes#101548; 1.22 returns a victimless candidate at once): the
 * process panics, and panics again on restart with the same pod pending.
 *
 * <p>{@link #ERROR} answers an {@code Error} instead ({@code 0/N nodes fit …} with the reasons). kube-scheduler records
 * the pod as unschedulable (the same {@code PodScheduled=False/Unschedulable} condition, our text in the
 * {@code FailedScheduling} event) and retries it, without preempting: a victimless candidate can no longer arise from
 * our refusal. Preemption still happens when kube-scheduler's own plugins refuse every node (then every candidate has a
 * victim). The cost: kube-scheduler logs each such attempt as an error.
 */
public enum NoFitReply {
    FAILED_NODES("failed-nodes"),
    ERROR("error");

    private static final Pattern VERSION = Pattern.compile("^v?(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

    private final String flag;

    NoFitReply(String flag) {
        this.flag = flag;
    }

    /** The value as {@code --no-fit-reply} spells it. */
    public String flag() {
        return flag;
    }

    /** {@code failed-nodes} or {@code error}; {@code auto} is resolved by {@link #forKubeScheduler}. */
    public static Optional<NoFitReply> parse(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "failed-nodes" -> Optional.of(FAILED_NODES);
            case "error" -> Optional.of(ERROR);
            default -> Optional.empty();
        };
    }

    /**
     * The safe answer for a kube-scheduler of {@code gitVersion} ({@code v1.20.2}, {@code v1.21.2+k3s1},
     * {@code v1.20.4-eks-6b7464}): {@link #ERROR} where it never calls the preempt verb (1.20.0–1.20.9, 1.21.0–1.21.3), before
     * that (1.19 and older: not verified here, and out of support), or when the version cannot be read;
     * {@link #FAILED_NODES} from 1.20.10, 1.21.4 and 1.22 on.
     */
    public static NoFitReply forKubeScheduler(String gitVersion) {
        Matcher m = gitVersion == null ? null : VERSION.matcher(gitVersion.trim());
        if (m == null || !m.find()) {
            return ERROR;
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        int patch = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        boolean callsPreempt = major > 1 || minor > 21 || minor == 21 && patch >= 4 || minor == 20 && patch >= 10;
        return callsPreempt ? FAILED_NODES : ERROR;
    }
}
