package io.kubegpu.scorer.metricsapi;

import java.util.List;
import java.util.Map;

/** Who is asking, as the API server's front proxy vouched: user, groups and extra attributes. */
public record Caller(String user, List<String> groups, Map<String, List<String>> extra) {
    public Caller {
        groups = List.copyOf(groups);
        extra = Map.copyOf(extra);
    }
}
