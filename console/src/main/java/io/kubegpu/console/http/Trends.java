package io.kubegpu.console.http;

import io.kubegpu.console.view.TrendPoint;
import java.time.Instant;
import java.util.List;

/**
 * The Trends page's answer.
 *
 * @param source   memory (the in-process ring) or prometheus
 * @param team     the team asked for, or null for the cluster
 * @param maxHours the longest window the source answers
 * @param hours    the window
 * @param stepSeconds the spacing of the points
 * @param points   oldest first
 * @param teams    teams that can be asked for
 * @param note     what to know about the data (e.g. how much history the ring holds), or null
 */
record Trends(Instant at, String source, int maxHours, String team, int hours, long stepSeconds, List<TrendPoint> points, List<String> teams, String note) {
}
