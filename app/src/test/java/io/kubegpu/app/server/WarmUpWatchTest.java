package io.kubegpu.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.cluster.model.ClusterConfig;
import io.kubegpu.cluster.model.PodMapper;
import io.kubegpu.cluster.state.ClusterState;
import io.kubegpu.cluster.state.GpuPod;
import io.kubegpu.cluster.state.GpuSlice;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The warm-up's watch stand-in: each synthetic pod's events go through the client's watch reader and our pod mapper
 * into the warm-up's state exactly as the informer's would — pending (holding nothing), bound with its card, gone when deleted.
 */
class WarmUpWatchTest {
    private final ServerSettings settings = ServerSettings.embedded();
    private final ClusterConfig cluster = new ClusterConfig(settings.common().grammar().vendors(), settings.common().labelSources(),
            settings.common().catalog(), ClusterConfig.GpushareResources.DEFAULT);
    private final ClusterState state = new ClusterState(Clock.systemUTC());
    private final WarmUpWatch watch = new WarmUpWatch(state, new PodMapper(cluster));

    @Test
    void aSharedPodIsReadPendingThenBoundToItsCardThenGone() {
        int share = 7;
        assertThat(WarmUpWatch.isShare(share)).isTrue();

        watch.added(share);
        // Pending, it holds nothing yet.
        assertThat(state.pod(WarmUpWatch.uid(share))).isNull();

        List<GpuSlice> card = List.of(new GpuSlice(3, 8 * 1024, 500));
        watch.bound(share, "warm-up-001", card);
        GpuPod bound = state.pod(WarmUpWatch.uid(share));
        assertThat(bound.name()).isEqualTo("warm-up-7");
        assertThat(bound.nodeName()).isEqualTo("warm-up-001");
        assertThat(bound.request("aliyun.com/gpu-mem")).isEqualTo(8);
        assertThat(bound.slices()).isEqualTo(card);

        watch.deleted(share, "warm-up-001");
        assertThat(state.pod(WarmUpWatch.uid(share))).isNull();
    }

    @Test
    void aWholeGpuPodIsReadWithItsCountAndNoCards() {
        watch.added(0);
        watch.bound(0, "warm-up-002", List.of());
        GpuPod bound = state.pod(WarmUpWatch.uid(0));
        assertThat(WarmUpWatch.isShare(0)).isFalse();
        assertThat(bound.nodeName()).isEqualTo("warm-up-002");
        assertThat(bound.request("nvidia.com/gpu")).isEqualTo(2);
        assertThat(bound.slices()).isEmpty();
    }
}
