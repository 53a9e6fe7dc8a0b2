package io.kubegpu.app.cli;

import io.kubegpu.webhook.mutation.MutationConfig;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Group pools, shared by the webhook (node affinity to the namespace's group) and the pool balancer (which moves nodes
 * between groups): the node label naming a node's group, the namespace label naming a namespace's, and the group whose
 * nodes serve everyone.
 */
final class PoolOptions {
    /** A label key: an optional DNS prefix and a name (what the API server accepts). */
    private static final Pattern LABEL_KEY = Pattern.compile("([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
            + "[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");

    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(names = "--pool-label", paramLabel = "LABEL",
            description = "Node label naming a GPU node's project group, e.g. org (cube-studio's). Turns on group pools: the webhook holds "
                    + "GPU pods to their namespace's group's nodes and the public ones; the pools controller balances nodes between groups "
                    + "(default: off).")
    private String nodeLabel;

    @Option(names = "--pool-namespace-label", paramLabel = "LABEL",
            description = "Namespace label naming its project group (default: the --pool-label key).")
    private String namespaceLabel;

    @Option(names = "--public-pool", paramLabel = "GROUP", defaultValue = "public",
            description = "The group whose nodes serve every namespace (default: ${DEFAULT-VALUE}).")
    private String publicGroup;

    /** The pools, or null when --pool-label is not given. */
    MutationConfig.Pools pools() {
        if (nodeLabel == null) {
            if (namespaceLabel != null) {
                throw bad("--pool-namespace-label needs --pool-label (the node label naming each node's group)");
            }
            return null;
        }
        for (String[] option : new String[][] {{"--pool-label", nodeLabel}, {"--pool-namespace-label", namespaceLabel}}) {
            if (option[1] != null && !LABEL_KEY.matcher(option[1]).matches()) {
                throw bad(option[0] + " '" + option[1] + "' is not a label key; write e.g. org or example.com/group");
            }
        }
        if (!LABEL_VALUE.matcher(publicGroup).matches()) {
            throw bad("--public-pool '" + publicGroup + "' is not a label value; write e.g. public");
        }
        return new MutationConfig.Pools(nodeLabel, namespaceLabel == null ? nodeLabel : namespaceLabel, publicGroup);
    }

    private ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
