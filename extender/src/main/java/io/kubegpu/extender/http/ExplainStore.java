package io.kubegpu.extender.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.Optional;

/** The last decision per pod, for {@code GET /explain/{namespace}/{pod}}. Bounded in size and age. */
public final class ExplainStore {
    private final Cache<String, JsonObject> decisions = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(Duration.ofHours(1))
            .build();

    /** Merges one verb's part ({@code filter}, {@code prioritize}, {@code bind}) into the pod's record. */
    void record(String podKey, String verb, JsonObject part) {
        decisions.asMap().compute(podKey, (key, existing) -> {
            JsonObject record = existing == null || verb.equals("filter") ? new JsonObject() : existing.deepCopy();
            record.addProperty("pod", key);
            record.add(verb, part);
            return record;
        });
    }

    Optional<JsonObject> get(String podKey) {
        return Optional.ofNullable(decisions.getIfPresent(podKey));
    }
}
