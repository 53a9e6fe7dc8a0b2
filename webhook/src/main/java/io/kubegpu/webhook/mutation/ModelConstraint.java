package io.kubegpu.webhook.mutation;

import com.google.gson.JsonObject;
import io.kubegpu.catalog.GpuModel;
import io.kubegpu.catalog.ModelMatch;
import io.kubegpu.request.GpuRequest;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Restricts a pod to nodes of the models it names, through the configured node label, merged with the user's own
 * selector and affinity: one value becomes a nodeSelector (refused if the pod selects another), several a required node
 * affinity {@code In} ANDed into each of the user's terms (terms are ORed).
 */
final class ModelConstraint {
    private static final Pattern NOT_IN_GFD_LABEL = Pattern.compile("[^A-Za-z0-9\\-_. ]");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private final MutationConfig config;
    /** GFD label values per model token: they depend on the catalog only, so each is computed once. */
    private final ConcurrentHashMap<String, List<String>> gfdValuesByToken = new ConcurrentHashMap<>();

    ModelConstraint(MutationConfig config) {
        this.config = config;
    }

    /** Applies the constraint; the conflict with the user's selector when there is one. */
    Optional<String> apply(PodEdit pod, GpuRequest request) {
        if (request.models().isEmpty()) {
            return Optional.empty();
        }
        String label = config.modelLabel();
        TreeSet<String> values = new TreeSet<>();
        for (String token : request.models()) {
            if (label.equals(MutationConfig.GFD_PRODUCT_LABEL)) {
                List<String> gfd = gfdValuesByToken.computeIfAbsent(token,
                        t -> config.catalog().resolve(t).map(ModelConstraint::gfdValues).orElse(List.of()));
                if (!gfd.isEmpty()) {
                    values.addAll(gfd);
                    continue;
                }
            }
            values.add(token);
        }
        JsonObject spec = pod.spec();
        if (values.size() == 1) {
            String value = values.first();
            String current = PodEdit.string(PodEdit.object(spec, "nodeSelector"), label);
            if (current != null && !current.equals(value)) {
                return Optional.of("the pod's nodeSelector " + label + "=" + current + " contradicts kubegpu.io/gpu '" + request.canonical()
                        + "' (" + label + "=" + value + "); remove one of them");
            }
            PodEdit.child(spec, "nodeSelector").addProperty(label, value);
            return Optional.empty();
        }
        NodeAffinity.requireInEveryTerm(spec, label, values);
        return Optional.empty();
    }

    /** Every value GFD's nvidia.com/gpu.product can take for these models: sanitized product names, also with -SHARED. */
    static List<String> gfdValues(ModelMatch match) {
        TreeSet<String> out = new TreeSet<>();
        for (GpuModel model : match.models()) {
            for (String name : model.aliases()) {
                String sanitized = WHITESPACE.matcher(NOT_IN_GFD_LABEL.matcher(name).replaceAll("").trim()).replaceAll("-");
                if (!sanitized.isEmpty() && sanitized.length() <= 63) {
                    out.add(sanitized);
                    if (sanitized.length() + 7 <= 63) {
                        out.add(sanitized + "-SHARED");
                    }
                }
            }
        }
        return List.copyOf(out);
    }
}
