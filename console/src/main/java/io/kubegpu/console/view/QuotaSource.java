package io.kubegpu.console.view;

import java.util.List;

/**
 * Where per-team GPU quotas come from, when some component enforces them (team GPU pools). The Teams view shows a quota
 * column only when one is wired; by default there is none.
 */
@FunctionalInterface
public interface QuotaSource {
    QuotaSource NONE = List::of;

    /** The quotas in force now; an empty list when there are none. */
    List<TeamQuota> quotas();

    /** Whether a source is wired at all (so the view can say "no quota" rather than "not configured"). */
    default boolean configured() {
        return this != NONE;
    }
}
