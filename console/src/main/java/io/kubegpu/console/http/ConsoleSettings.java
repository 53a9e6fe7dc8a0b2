package io.kubegpu.console.http;

import java.time.Duration;
import java.util.Objects;

/**
 * How the console runs.
 *
 * @param token            the bearer token every {@code /api/v1/} call must send, or null for none (the pages themselves
 *                         hold no data and are always served; they ask for the token when the API wants one)
 * @param trends           where the Trends page reads history
 * @param prometheusUrl    Prometheus' base URL for {@link TrendSourceKind#PROMETHEUS}
 * @param prometheusTimeout one query's limit
 * @param sampleEvery      the in-process history's interval
 * @param historySamples   how many samples the in-process history keeps
 */
public record ConsoleSettings(String token, TrendSourceKind trends, String prometheusUrl, Duration prometheusTimeout, Duration sampleEvery,
                              int historySamples) {
    /** Where trends come from. */
    public enum TrendSourceKind {
        /** The in-process ring of samples (the embedded demo; lost on restart). */
        MEMORY,
        /** Prometheus' {@code query_range} over the chart's recording rules (production). */
        PROMETHEUS
    }

    public ConsoleSettings {
        Objects.requireNonNull(trends, "trends");
        Objects.requireNonNull(prometheusTimeout, "prometheusTimeout");
        Objects.requireNonNull(sampleEvery, "sampleEvery");
        if (trends == TrendSourceKind.PROMETHEUS && (prometheusUrl == null || prometheusUrl.isBlank())) {
            throw new IllegalArgumentException("Prometheus trends need Prometheus' URL");
        }
        if (token != null && token.isBlank()) {
            throw new IllegalArgumentException("the console token is empty");
        }
        if (historySamples < 2) {
            throw new IllegalArgumentException("the history keeps at least 2 samples");
        }
    }

    /** No token, trends in memory: one sample a minute for 48 hours. */
    public static ConsoleSettings defaults() {
        return new ConsoleSettings(null, TrendSourceKind.MEMORY, null, Duration.ofSeconds(30), Duration.ofSeconds(60), 2880);
    }

    public ConsoleSettings withToken(String value) {
        return new ConsoleSettings(value, trends, prometheusUrl, prometheusTimeout, sampleEvery, historySamples);
    }

    public ConsoleSettings withPrometheus(String url) {
        return new ConsoleSettings(token, TrendSourceKind.PROMETHEUS, url, prometheusTimeout, sampleEvery, historySamples);
    }

    public ConsoleSettings withSampling(Duration every, int samples) {
        return new ConsoleSettings(token, trends, prometheusUrl, prometheusTimeout, every, samples);
    }

    /** For messages and logs: never the token itself, nor Prometheus' URL (it may carry credentials). */
    @Override
    public String toString() {
        return "ConsoleSettings[token " + (token == null ? "none" : "set") + ", trends " + trends + "]";
    }
}
