package io.kubegpu.cluster.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.cluster.fixtures.GpuNodes;
import io.kubegpu.cluster.it.ManualClock;
import io.kubegpu.cluster.state.ReservationReconciler.PodStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReservationReconcilerTest {
    private static final String GPU = "nvidia.com/gpu";

    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-07T12:00:00Z"));
    private final ClusterState state = new ClusterState(clock);
    private final Map<String, PodStatus> pods = new HashMap<>();
    private final ReservationReconciler reconciler = new ReservationReconciler(state,
            (namespace, name) -> Optional.ofNullable(pods.get(namespace + "/" + name)), Duration.ofSeconds(15), clock);

    private void reserve(String uid, String name) {
        state.reserve(new Reservation(uid, "ns/" + name, "n1", Map.of(GPU, 1L), List.of(), clock.instant(), clock.instant().plusSeconds(60)));
    }

    private List<String> held() {
        return state.snapshot().node("n1").map(n -> n.reservations().stream().map(Reservation::podUid).sorted().toList()).orElse(List.of());
    }

    @Test
    void releasesHoldsOfPodsThatAreGoneReplacedFinishedOrBoundElsewhere() {
        state.upsertNode(GpuNodes.node("n1").build());
        reserve("deleted", "deleted");
        reserve("old-uid", "replaced");
        pods.put("ns/replaced", new PodStatus("new-uid", null, false));
        reserve("done", "done");
        pods.put("ns/done", new PodStatus("done", null, true));
        reserve("moved", "moved");
        pods.put("ns/moved", new PodStatus("moved", "n2", false));
        reserve("pending", "pending");
        pods.put("ns/pending", new PodStatus("pending", null, false));
        reserve("landing", "landing");
        pods.put("ns/landing", new PodStatus("landing", "n1", false));

        // Within the first seconds nothing is touched: our informer may not have seen the new pod yet.
        assertThat(reconciler.reconcile().total()).isZero();
        clock.advance(Duration.ofSeconds(3));

        ReservationReconciler.Report report = reconciler.reconcile();
        assertThat(report.gone()).isEqualTo(3);
        assertThat(report.elsewhere()).isEqualTo(1);
        assertThat(report.unbound()).isZero();
        assertThat(held()).containsExactly("landing", "pending");
    }

    @Test
    void releasesTheHoldOfAPodStillUnboundAfterTheGrace() {
        state.upsertNode(GpuNodes.node("n1").build());
        reserve("pending", "pending");
        pods.put("ns/pending", new PodStatus("pending", null, false));
        clock.advance(Duration.ofSeconds(15));
        assertThat(reconciler.reconcile().total()).isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(reconciler.reconcile().unbound()).isEqualTo(1);
        assertThat(held()).isEmpty();
        assertThat(state.snapshot().node("n1").orElseThrow().used(GPU)).isZero();
    }
}
