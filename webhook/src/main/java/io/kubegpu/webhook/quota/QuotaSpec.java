package io.kubegpu.webhook.quota;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every quota in force, as read from the quota file.
 *
 * @param quotas the quotas, in file order
 * @param source where they were read from, for messages
 */
public record QuotaSpec(List<Quota> quotas, String source) {
    public QuotaSpec {
        quotas = List.copyOf(quotas);
        Map<String, String> seen = new HashMap<>();
        for (Quota quota : quotas) {
            for (String namespace : quota.namespaces()) {
                String other = seen.putIfAbsent(namespace, quota.name());
                if (other != null) {
                    throw new QuotaFileException(source + ": namespace " + namespace + " is in both quota " + other + " and quota " + quota.name()
                            + "; a namespace belongs to one quota");
                }
            }
        }
    }

    public static QuotaSpec none() {
        return new QuotaSpec(List.of(), "no quota file");
    }

    /** The quota counting pods of {@code namespace}, if any. */
    public Optional<Quota> quotaFor(String namespace) {
        for (Quota quota : quotas) {
            if (quota.namespaces().contains(namespace)) {
                return Optional.of(quota);
            }
        }
        return Optional.empty();
    }

    public Optional<Quota> quota(String name) {
        return quotas.stream().filter(q -> q.name().equals(name)).findFirst();
    }
}
