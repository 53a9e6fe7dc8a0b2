package io.kubegpu.scorer.http;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.kubegpu.scorer.analysis.AiVerdict;
import io.kubegpu.scorer.analysis.AnalysisSnapshot;
import io.kubegpu.scorer.score.GpuScore;
import io.kubegpu.scorer.score.GpuStatus;
import io.kubegpu.scorer.score.ScoreStats;
import io.kubegpu.scorer.score.ScoreWeights;
import io.kubegpu.scorer.wire.Timestamps;
import java.time.Instant;
import java.util.List;

/**
 * The JSON shapes of the monitor's REST API. Numbers are rounded to two decimals as the monitor did;
 * a value that does not exist (the score of an {@code unknown} GPU, a missing series) is {@code null},
 * never NaN.
 */
final class ScorerJson {
    private ScorerJson() {
    }

    static JsonArray results(AnalysisSnapshot snapshot, List<GpuScore> gpus) {
        JsonArray out = new JsonArray(gpus.size());
        gpus.forEach(gpu -> out.add(gpu(snapshot, gpu)));
        return out;
    }

    static JsonObject gpu(AnalysisSnapshot snapshot, GpuScore gpu) {
        JsonObject out = new JsonObject();
        out.addProperty("gpu_id", gpu.gpuId());
        out.addProperty("pod", gpu.pod());
        out.addProperty("namespace", gpu.namespace());
        out.addProperty("container", gpu.container());
        out.addProperty("hostname", gpu.hostname());
        out.addProperty("model_name", gpu.modelName());
        out.add("gpu_util", number(gpu.gpuUtil()));
        out.add("mem_copy", number(gpu.memCopy()));
        out.add("mem_used_mb", number(gpu.memUsedMiB()));
        out.add("mem_total_mb", number(gpu.memTotalMiB()));
        out.add("power_usage", number(gpu.powerWatts()));
        out.add("sm_clock", number(gpu.smClock()));
        out.add("temperature", number(gpu.temperatureC()));
        out.add("score", number(gpu.score()));
        out.addProperty("status", gpu.status().label());
        out.add("timestamp", time(snapshot.analyzedAt()));
        out.addProperty("stale", snapshot.stale());
        if (!gpu.scored()) {
            out.addProperty("missing", gpu.missing());
        }
        AiVerdict verdict = snapshot.ai().get(gpu.key());
        if (verdict != null) {
            out.add("ai_analysis", ai(verdict));
        }
        return out;
    }

    static JsonObject ai(AiVerdict verdict) {
        JsonObject out = new JsonObject();
        out.addProperty("status", verdict.status());
        out.add("confidence", number(verdict.confidence()));
        out.addProperty("reason", verdict.reason());
        out.addProperty("recommendation", verdict.recommendation());
        out.add("ai_adjusted_score", number(verdict.adjustedScore()));
        return out;
    }

    static JsonObject stats(AnalysisSnapshot snapshot) {
        ScoreStats stats = snapshot.stats();
        JsonObject out = new JsonObject();
        out.addProperty("total_gpus", stats.totalGpus());
        out.add("avg_score", number(stats.avgScore()));
        out.add("min_score", number(stats.minScore()));
        out.add("max_score", number(stats.maxScore()));
        out.addProperty("low_utilization_count", stats.lowUtilizationCount());
        out.addProperty("idle_count", stats.idleCount());
        JsonObject byStatus = new JsonObject();
        for (GpuStatus status : GpuStatus.values()) {
            byStatus.addProperty(status.label(), stats.byStatus().getOrDefault(status, 0));
        }
        out.add("by_status", byStatus);
        JsonObject byNamespace = new JsonObject();
        stats.byNamespace().forEach((namespace, tenant) -> {
            JsonObject t = new JsonObject();
            t.addProperty("count", tenant.count());
            t.add("avg_score", number(tenant.avgScore()));
            t.addProperty("low_util_count", tenant.lowUtilCount());
            byNamespace.add(namespace, t);
        });
        out.add("by_namespace", byNamespace);
        out.add("timestamp", time(snapshot.analyzedAt()));
        out.addProperty("stale", snapshot.stale());
        return out;
    }

    static JsonObject weights(ScoreWeights weights) {
        JsonObject out = new JsonObject();
        out.addProperty("gpu_util", weights.core());
        out.addProperty("mem_copy", weights.memoryCopy());
        out.addProperty("mem_used", weights.memoryUsed());
        out.addProperty("power", weights.power());
        return out;
    }

    static JsonElement number(double value) {
        return Double.isFinite(value) ? new JsonPrimitive(Math.round(value * 100) / 100.0) : JsonNull.INSTANCE;
    }

    /** RFC 3339 with microseconds at most, as Python's {@code datetime.fromisoformat} reads it; null before the first run. */
    static JsonElement time(Instant instant) {
        return instant == null ? JsonNull.INSTANCE : new JsonPrimitive(Timestamps.format(instant));
    }
}
