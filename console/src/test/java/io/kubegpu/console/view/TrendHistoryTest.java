package io.kubegpu.console.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The in-process trend ring: bounded, oldest overwritten, long windows averaged, teams capped. */
class TrendHistoryTest {
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    private static TrendSample sample(int minute, double allocation, Map<String, TrendSample.Team> teams) {
        return new TrendSample(T0.plusSeconds(60L * minute), allocation, allocation * 10, 50, minute % 3, teams);
    }

    @Test
    void keepsTheLastCapacitySamplesOldestFirst() {
        TrendHistory history = new TrendHistory(5);
        for (int m = 0; m < 12; m++) {
            history.record(sample(m, m / 100.0, Map.of()));
        }
        assertThat(history.size()).isEqualTo(5);
        var points = history.points(null, T0);
        assertThat(points).extracting(TrendPoint::at).containsExactly(T0.plusSeconds(420), T0.plusSeconds(480), T0.plusSeconds(540),
                T0.plusSeconds(600), T0.plusSeconds(660));
        assertThat(points.get(0).allocation()).isEqualTo(0.07);
        assertThat(points.get(0).allocatedGpus()).isEqualTo(0.7);
        assertThat(history.points(null, T0.plusSeconds(600))).hasSize(2);
    }

    @Test
    void aLongWindowIsAveragedIntoBuckets() {
        TrendHistory history = new TrendHistory(3000);
        for (int m = 0; m < 2 * TrendHistory.MAX_POINTS; m++) {
            history.record(sample(m, m % 2 == 0 ? 0.2 : 0.4, Map.of()));
        }
        var points = history.points(null, T0);
        // Two samples a bucket: each point is the mean of a 0.2 and a 0.4.
        assertThat(points).hasSize(TrendHistory.MAX_POINTS);
        assertThat(points.get(0).allocation()).isEqualTo(0.3);
        assertThat(points.get(0).utilization()).isEqualTo(50.0);
    }

    @Test
    void teamsHaveTheirOwnSeriesWithGapsAndAreCapped() {
        TrendHistory history = new TrendHistory(10);
        history.record(sample(0, 0.1, Map.of("team-a", new TrendSample.Team(2, 30, 1))));
        history.record(sample(1, 0.1, Map.of("team-b", new TrendSample.Team(1, Double.NaN, 0))));
        history.record(sample(2, 0.1, Map.of("team-a", new TrendSample.Team(4, 50, 0))));
        var a = history.points("team-a", T0);
        assertThat(a).extracting(TrendPoint::allocatedGpus).containsExactly(2.0, null, 4.0);
        assertThat(a).extracting(TrendPoint::allocation).containsOnlyNulls();
        assertThat(history.points("team-b", T0)).extracting(TrendPoint::utilization).containsOnlyNulls();
        assertThat(history.points("nobody", T0)).isEmpty();
        assertThat(history.teams()).containsExactly("team-a", "team-b");

        Map<String, TrendSample.Team> many = new HashMap<>();
        for (int i = 0; i < TrendHistory.MAX_TEAMS + 20; i++) {
            many.put("team-" + i, new TrendSample.Team(1, 1, 0));
        }
        history.record(sample(3, 0.1, many));
        assertThat(history.teams()).hasSize(TrendHistory.MAX_TEAMS);
        assertThat(history.droppedTeams()).isPositive();
    }

    @Test
    void aSampleOfTheSampleClusterCountsReadyNodesOnly() {
        SampleCluster sample = new SampleCluster();
        TrendSample taken = TrendSample.of(sample.inputs(), UtilizationIndex.NONE, sample.view.withTeams(TeamGroups.parse(Map.of("research",
                "team-nlp,team-llm"))));
        // The NotReady L40S's 4 GPUs are not capacity: 17 of 54.
        assertThat(taken.allocation()).isEqualTo(0.315);
        assertThat(taken.allocatedGpus()).isEqualTo(17);
        assertThat(taken.utilization()).isNaN();
        assertThat(taken.pending()).isEqualTo(2);
        assertThat(taken.teams().get("team-cv")).isEqualTo(new TrendSample.Team(4.53, Double.NaN, 1));
        assertThat(taken.teams().get("research").allocatedGpus()).isEqualTo(10.27);
        assertThat(taken.teams().get("research").pending()).isEqualTo(1);
    }
}
