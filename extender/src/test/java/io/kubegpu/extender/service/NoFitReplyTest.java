package io.kubegpu.extender.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NoFitReplyTest {
    /**
     * kube-scheduler calls the preempt verb except from 1.20.0 to 1.20.9 and 1.21.0 to 1.21.3 (kubernetes/kubernetes#102971,
     * fixed by #103019 in 1.22.0 and its cherry-picks in 1.20.10 and 1.21.4); older ones (not verified) and a version that
     * cannot be read get the answer that is safe with every version.
     */
    @ParameterizedTest
    @CsvSource({
        "v1.19.16, ERROR",
        "v1.20.0, ERROR",
        "v1.20.2, ERROR",
        "v1.20.9, ERROR",
        "v1.20.10, FAILED_NODES",
        "v1.20.4-eks-6b7464, ERROR",
        "v1.21.2+k3s1, ERROR",
        "v1.21.3, ERROR",
        "v1.21.4, FAILED_NODES",
        "1.21, ERROR",
        "v1.22.0, FAILED_NODES",
        "v1.28.3, FAILED_NODES",
        "v2.0.0, FAILED_NODES",
        "'', ERROR",
        "unknown, ERROR",
    })
    void theAnswerFollowsWhetherKubeSchedulerCallsThePreemptVerb(String version, NoFitReply expected) {
        assertThat(NoFitReply.forKubeScheduler(version)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"failed-nodes, FAILED_NODES", "ERROR, ERROR", "Error, ERROR"})
    void parsesTheFlagsValues(String flag, NoFitReply expected) {
        assertThat(NoFitReply.parse(flag)).contains(expected);
        assertThat(expected.flag()).isEqualTo(flag.toLowerCase(java.util.Locale.ROOT));
    }

    @org.junit.jupiter.api.Test
    void anythingElseIsNotAValue() {
        assertThat(NoFitReply.parse("auto")).isEmpty();
        assertThat(NoFitReply.parse("errors")).isEmpty();
    }
}
