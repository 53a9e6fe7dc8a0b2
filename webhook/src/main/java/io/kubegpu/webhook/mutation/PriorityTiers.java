package io.kubegpu.webhook.mutation;

import io.kubegpu.api.Annotations;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The priority tiers {@code kubegpu.io/priority} names, each a PriorityClass (the chart ships them). The webhook writes
 * the class's name, value and preemption policy on the pod: the API server resolves {@code priorityClassName} to
 * {@code spec.priority} in its Priority admission plugin, which runs before any webhook, so a class set by a webhook
 * alone would leave the pod at priority 0.
 */
public record PriorityTiers(Map<String, Tier> tiers) {
    /** One tier: its PriorityClass, the class's value, and whether its pods may preempt. */
    public record Tier(String tier, String className, int value, String preemptionPolicy) {
    }

    public PriorityTiers {
        tiers = Map.copyOf(tiers);
    }

    /** The chart's defaults: {@code kubegpu-high} 1000000, {@code kubegpu-normal} 0, {@code kubegpu-low} -1000 (never preempts). */
    public static final PriorityTiers DEFAULT = parse("high=kubegpu-high:1000000,normal=kubegpu-normal:0,low=kubegpu-low:-1000");

    /** No tiers: the annotation is refused as unknown. */
    public static final PriorityTiers NONE = new PriorityTiers(Map.of());

    /**
     * Parses {@code high=CLASS:VALUE,normal=CLASS:VALUE,low=CLASS:VALUE} (any subset of the three tiers).
     *
     * @throws IllegalArgumentException naming the part, the value and the fix
     */
    public static PriorityTiers parse(String text) {
        Map<String, Tier> out = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            String item = part.trim();
            int eq = item.indexOf('=');
            int colon = item.lastIndexOf(':');
            if (eq <= 0 || colon <= eq + 1 || colon == item.length() - 1) {
                throw new IllegalArgumentException("priority tier '" + item + "' is not TIER=CLASS:VALUE, e.g. high=kubegpu-high:1000000");
            }
            String tier = item.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            if (!tier.equals("high") && !tier.equals("normal") && !tier.equals("low")) {
                throw new IllegalArgumentException("priority tier '" + tier + "' is not one of high, normal, low");
            }
            String className = item.substring(eq + 1, colon).trim();
            if (!className.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?") || className.startsWith("system-")) {
                throw new IllegalArgumentException("priority tier " + tier + ": '" + className
                        + "' is not a PriorityClass name we may use (lower-case DNS name, not system-*)");
            }
            int value;
            try {
                value = Integer.parseInt(item.substring(colon + 1).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("priority tier " + tier + ": value '" + item.substring(colon + 1) + "' is not a whole number");
            }
            if (value > 1_000_000_000) {
                throw new IllegalArgumentException("priority tier " + tier + ": value " + value + " is above 1000000000, the highest a user class may have");
            }
            if (out.put(tier, new Tier(tier, className, value, tier.equals("low") ? "Never" : "PreemptLowerPriority")) != null) {
                throw new IllegalArgumentException("priority tier " + tier + " is given twice");
            }
        }
        return new PriorityTiers(out);
    }

    /**
     * The tier {@code annotation} names, or the message refusing it.
     *
     * @return the tier, or empty with the reason in {@code problem[0]}
     */
    Optional<Tier> find(String annotation, String[] problem) {
        Tier tier = tiers.get(annotation.trim().toLowerCase(Locale.ROOT));
        if (tier == null) {
            problem[0] = Annotations.PRIORITY + " '" + annotation + "' is not a priority tier; use " + (tiers.isEmpty() ? "none (no tiers are configured)"
                    : String.join(", ", tiers.keySet().stream().sorted((a, b) -> order(a) - order(b)).toList()));
        }
        return Optional.ofNullable(tier);
    }

    private static int order(String tier) {
        return switch (tier) {
            case "high" -> 0;
            case "normal" -> 1;
            default -> 2;
        };
    }
}
