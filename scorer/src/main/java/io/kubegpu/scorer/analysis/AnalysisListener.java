package io.kubegpu.scorer.analysis;

import java.time.Duration;

/** Told of every finished analysis: metrics, the log summary, the control API. Must not block. */
public interface AnalysisListener {
    void analyzed(AnalysisSnapshot snapshot, Duration took);

    /** The run failed; {@code kept} is the snapshot still served (the last good results, now stale). */
    void failed(Throwable error, AnalysisSnapshot kept, Duration took);
}
