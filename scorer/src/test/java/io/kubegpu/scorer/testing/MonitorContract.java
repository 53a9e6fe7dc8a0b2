package io.kubegpu.scorer.testing;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every monitor endpoint of a running scorer against the monitor's documented example: the mismatches, none when the
 * contract holds. GPUs of status {@code unknown} (our addition: a series is missing, so there is no score) are left out
 * of the comparison, as are namespaces with only such GPUs (no average to give); {@code ai_analysis} is compared where
 * present.
 */
public final class MonitorContract {
    /** Path and the example its response is held to. */
    public static final Map<String, String> ENDPOINTS = Map.of("/", "root.json", "/health", "health.json", "/results", "results.json",
            "/results/low", "results_low.json", "/results/stats", "results_stats.json", "/analyze", "analyze.json");

    private MonitorContract() {
    }

    public static List<String> mismatches(String baseUrl) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        List<String> out = new ArrayList<>();
        for (var endpoint : ENDPOINTS.entrySet()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + endpoint.getKey())).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonElement actual = withoutUnknown(JsonParser.parseString(response.body()));
            JsonShape.mismatches(example(endpoint.getValue()), actual, Set.of("by_namespace"), Set.of("ai_analysis"))
                    .forEach(m -> out.add(endpoint.getKey() + ": " + m));
        }
        return out;
    }

    public static JsonElement example(String name) throws IOException {
        try (InputStream in = MonitorContract.class.getResourceAsStream("/monitor/responses/" + name)) {
            return JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static JsonElement withoutUnknown(JsonElement response) {
        if (response.isJsonObject() && response.getAsJsonObject().has("by_namespace")) {
            var stats = response.getAsJsonObject().deepCopy();
            stats.getAsJsonObject("by_namespace").entrySet()
                    .removeIf(tenant -> tenant.getValue().getAsJsonObject().get("avg_score").isJsonNull());
            return stats;
        }
        if (!response.isJsonArray()) {
            return response;
        }
        JsonArray out = new JsonArray();
        response.getAsJsonArray().forEach(gpu -> {
            if (!"unknown".equals(gpu.getAsJsonObject().get("status").getAsString())) {
                out.add(gpu);
            }
        });
        return out;
    }
}
