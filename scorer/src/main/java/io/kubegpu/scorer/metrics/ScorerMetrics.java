package io.kubegpu.scorer.metrics;

import io.kubegpu.scorer.analysis.AiVerdict;
import io.kubegpu.scorer.analysis.AnalysisListener;
import io.kubegpu.scorer.analysis.AnalysisSnapshot;
import io.kubegpu.scorer.score.GpuScore;
import io.kubegpu.scorer.score.GpuStatus;
import io.kubegpu.scorer.score.ScoreStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * The scorer's Prometheus metrics, with the names of the Python monitor it replaces so dashboards and
 * alerts keep working. Per-GPU and per-namespace series are rewritten after every good analysis, so a
 * GPU that disappeared loses its series instead of reporting its last value forever; after a failed
 * analysis the last good values stay (they are what {@code /results} serves, marked stale).
 *
 * <pre>
 * gpu_utilization_score{gpu_id,pod,namespace,status}   gpu_core_utilization{gpu_id,pod,namespace}
 * gpu_memory_used_mb{…}  gpu_power_usage_watts{…}  gpu_memory_copy_utilization{…}  gpu_sm_clock_mhz{…}
 * gpu_memory_total_mb{…}  gpu_temperature_celsius{…} (latest reading; absent when the exporter sends none)
 * gpu_total_count  gpu_low_utilization_count  gpu_idle_count  gpu_average_score
 * gpu_status_count{status}  gpu_namespace_count{namespace}  gpu_namespace_average_score{namespace}
 * gpu_analysis_total  gpu_analysis_errors_total{kind}  gpu_analysis_duration_seconds (histogram)
 * gpu_ai_analysis_confidence{gpu_id,pod,namespace,ai_status}  gpu_ai_adjusted_score{gpu_id,pod,namespace}
 * gpu_analysis_last_success_timestamp_seconds  gpu_analysis_stale (1 while serving stale results)
 * </pre>
 */
public final class ScorerMetrics implements AnalysisListener {
    private final MeterRegistry registry;
    private final MultiGauge score;
    private final List<PerGpu> perGpu = new ArrayList<>();
    private final MultiGauge statusCount;
    private final MultiGauge namespaceCount;
    private final MultiGauge namespaceScore;
    private final MultiGauge aiConfidence;
    private final MultiGauge aiScore;
    private final AtomicReference<AnalysisSnapshot> last = new AtomicReference<>();
    private final Counter runs;
    private final Timer duration;

    private record PerGpu(MultiGauge gauge, ToDoubleFunction<GpuScore> value) {
    }

    public ScorerMetrics(MeterRegistry registry) {
        this.registry = registry;
        score = MultiGauge.builder("gpu_utilization_score").description("GPU utilization score, 0-100").register(registry);
        perGpu.add(new PerGpu(MultiGauge.builder("gpu_core_utilization").description("Average GPU core utilization, percent")
                .register(registry), GpuScore::gpuUtil));
        perGpu.add(new PerGpu(MultiGauge.builder("gpu_memory_used_mb").description("Average GPU framebuffer used, MiB")
                .register(registry), GpuScore::memUsedMiB));
        perGpu.add(new PerGpu(MultiGauge.builder("gpu_power_usage_watts").description("Average GPU power draw, watts")
                .register(registry), GpuScore::powerWatts));
        perGpu.add(new PerGpu(MultiGauge.builder("gpu_memory_copy_utilization").description("Average GPU memory-copy utilization, percent")
                .register(registry), GpuScore::memCopy));
        perGpu.add(new PerGpu(MultiGauge.builder("gpu_sm_clock_mhz").description("Average GPU SM clock, MHz")
                .register(registry), GpuScore::smClock));
        perGpu.add(new PerGpu(MultiGauge.builder("gpu_memory_total_mb").description("GPU framebuffer size (used + free), MiB")
                .register(registry), GpuScore::memTotalMiB));
        perGpu.add(new PerGpu(MultiGauge.builder("gpu_temperature_celsius").description("Latest GPU temperature in the window, Celsius")
                .register(registry), GpuScore::temperatureC));
        statusCount = MultiGauge.builder("gpu_status_count").description("GPUs by utilization status").register(registry);
        namespaceCount = MultiGauge.builder("gpu_namespace_count").description("GPUs per namespace").register(registry);
        namespaceScore = MultiGauge.builder("gpu_namespace_average_score").description("Average GPU score per namespace").register(registry);
        aiConfidence = MultiGauge.builder("gpu_ai_analysis_confidence").description("Confidence of the AI verdict, 0-1").register(registry);
        aiScore = MultiGauge.builder("gpu_ai_adjusted_score").description("Utilization score as corrected by the AI review").register(registry);
        stat("gpu_total_count", "GPUs analyzed", s -> s.totalGpus());
        stat("gpu_low_utilization_count", "GPUs under the low threshold (idle included)", s -> s.lowUtilizationCount());
        stat("gpu_idle_count", "Idle GPUs (score under 10)", s -> s.idleCount());
        stat("gpu_average_score", "Average score of the scored GPUs", ScoreStats::avgScore);
        Gauge.builder("gpu_analysis_last_success_timestamp_seconds", last, ref -> ref.get() == null || ref.get().analyzedAt() == null
                ? Double.NaN : ref.get().analyzedAt().toEpochMilli() / 1000.0).description("End of the window of the last good analysis")
                .register(registry);
        Gauge.builder("gpu_analysis_stale", last, ref -> ref.get() != null && ref.get().stale() ? 1 : 0)
                .description("1 while the last analysis failed and older results are served").register(registry);
        runs = Counter.builder("gpu_analysis").description("Analyses that completed").register(registry);
        duration = Timer.builder("gpu_analysis_duration").description("Time one analysis took, good or failed")
                .serviceLevelObjectives(Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5),
                        Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120))
                .register(registry);
        errors("unreachable");
    }

    private void stat(String name, String help, ToDoubleFunction<ScoreStats> value) {
        Gauge.builder(name, last, ref -> ref.get() == null ? 0 : value.applyAsDouble(ref.get().stats())).description(help).register(registry);
    }

    private Counter errors(String kind) {
        return Counter.builder("gpu_analysis_errors").description("Analyses that failed, by cause").tag("kind", kind).register(registry);
    }

    @Override
    public void analyzed(AnalysisSnapshot snapshot, Duration took) {
        runs.increment();
        duration.record(took);
        List<MultiGauge.Row<?>> scores = new ArrayList<>();
        List<List<MultiGauge.Row<?>>> raw = new ArrayList<>();
        perGpu.forEach(g -> raw.add(new ArrayList<>()));
        for (GpuScore gpu : snapshot.scores()) {
            Tags tags = Tags.of("gpu_id", gpu.gpuId(), "pod", Objects.toString(gpu.pod(), ""), "namespace", Objects.toString(gpu.namespace(), ""));
            if (gpu.scored()) {
                scores.add(MultiGauge.Row.of(tags.and("status", gpu.status().label()), gpu.score()));
            }
            for (int i = 0; i < perGpu.size(); i++) {
                double value = perGpu.get(i).value().applyAsDouble(gpu);
                if (Double.isFinite(value)) {
                    raw.get(i).add(MultiGauge.Row.of(tags, value));
                }
            }
        }
        score.register(scores, true);
        for (int i = 0; i < perGpu.size(); i++) {
            perGpu.get(i).gauge().register(raw.get(i), true);
        }
        List<MultiGauge.Row<?>> statuses = new ArrayList<>();
        for (GpuStatus status : GpuStatus.values()) {
            statuses.add(MultiGauge.Row.of(Tags.of("status", status.label()), snapshot.stats().byStatus().getOrDefault(status, 0)));
        }
        statusCount.register(statuses, true);
        List<MultiGauge.Row<?>> counts = new ArrayList<>();
        List<MultiGauge.Row<?>> averages = new ArrayList<>();
        snapshot.stats().byNamespace().forEach((namespace, tenant) -> {
            counts.add(MultiGauge.Row.of(Tags.of("namespace", namespace), tenant.count()));
            if (Double.isFinite(tenant.avgScore())) {
                averages.add(MultiGauge.Row.of(Tags.of("namespace", namespace), tenant.avgScore()));
            }
        });
        namespaceCount.register(counts, true);
        namespaceScore.register(averages, true);
        List<MultiGauge.Row<?>> confidence = new ArrayList<>();
        List<MultiGauge.Row<?>> adjusted = new ArrayList<>();
        for (var entry : snapshot.ai().entrySet()) {
            AiVerdict verdict = entry.getValue();
            Tags who = Tags.of("gpu_id", entry.getKey().gpuId(), "pod", entry.getKey().pod(), "namespace", entry.getKey().namespace());
            confidence.add(MultiGauge.Row.of(who.and("ai_status", verdict.status()), verdict.confidence()));
            adjusted.add(MultiGauge.Row.of(who, verdict.adjustedScore()));
        }
        aiConfidence.register(confidence, true);
        aiScore.register(adjusted, true);
        last.set(snapshot);
    }

    @Override
    public void failed(Throwable error, AnalysisSnapshot kept, Duration took) {
        duration.record(took);
        String kind = error instanceof io.kubegpu.scorer.prometheus.PrometheusException p ? p.kind().name().toLowerCase(java.util.Locale.ROOT)
                : error.getClass().getSimpleName().contains("Timeout") ? "timeout" : "other";
        errors(kind).increment();
        last.set(kept);
    }
}
