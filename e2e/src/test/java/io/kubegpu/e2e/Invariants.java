package io.kubegpu.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.cluster.it.ControlPlane;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The allocation invariants of the whole cluster as an operator checks them: the packaged jar's {@code state --check}
 * against the API server, which reads every node and pod afresh (never an extender's state) and exits 1 on a violation.
 */
final class Invariants {
    private Invariants() {
    }

    record Result(int status, String output) {
    }

    static Result check() {
        JarProcess check = JarProcess.start("state-check", List.of("state", "--check", "--kubeconfig=" + ControlPlane.kubeconfig()), Map.of());
        int status = check.exitCode(Duration.ofMinutes(2));
        return new Result(status, check.log());
    }

    /** No card's memory or compute and no node's GPU count is given out twice, anywhere in the cluster. */
    static void assertNone() {
        Result result = check();
        assertThat(result.status()).as("state --check:\n" + result.output()).isZero();
        assertThat(result.output()).contains("no violations");
    }
}
