package io.kubegpu.console.http;

import io.kubegpu.console.view.TrendPoint;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;

/** Where the Trends page reads history. */
interface TrendSource {
    /** memory or prometheus. */
    String name();

    /** The longest window it can answer, hours. */
    int maxHours();

    /**
     * The points of [{@code from}, {@code to}] for the cluster ({@code team} null) or a team, whose namespaces are given
     * (one for a namespace, several for a group).
     */
    Future<List<TrendPoint>> points(String team, List<String> namespaces, Instant from, Instant to, long stepSeconds);

    /** The spacing of the points it answers over {@code window}. */
    long stepSeconds(java.time.Duration window);

    /** What to tell the reader about this source's data, or null. */
    String note(Instant from);
}
