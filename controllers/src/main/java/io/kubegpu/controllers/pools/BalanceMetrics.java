package io.kubegpu.controllers.pools;

import io.kubegpu.pools.balance.BalancePlan;
import io.kubegpu.pools.balance.GroupLoad;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * <pre>
 * kubegpu_balance_passes_total                        counter
 * kubegpu_balance_moves_total{from,to,outcome}        counter: nodes moved (outcome applied) or that would be (dry_run); conflict, failed
 * kubegpu_balance_actions_total{action,outcome}       counter: move, cordon, uncordon
 * kubegpu_balance_refusals_total{reason}              counter: passes that moved nothing though a group asked (no_idle_node, cooldown, …)
 * kubegpu_pool_allocation{group}                      gauge: (GPUs held + GPUs pending) / GPUs
 * kubegpu_pool_nodes{group}, kubegpu_pool_gpus{group} gauge: Ready GPU nodes and their GPUs
 * kubegpu_pool_pending_gpus{group}                    gauge: GPUs its pending pods ask for
 * </pre>
 */
final class BalanceMetrics {
    private final MeterRegistry registry;
    private final Counter passes;
    private final MultiGauge allocation;
    private final MultiGauge nodes;
    private final MultiGauge gpus;
    private final MultiGauge pending;

    BalanceMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.passes = Counter.builder("kubegpu.balance.passes").description("Passes of the pool balancer").register(registry);
        this.allocation = MultiGauge.builder("kubegpu.pool.allocation").description("A group's (GPUs held + pending) / GPUs").register(registry);
        this.nodes = MultiGauge.builder("kubegpu.pool.nodes").description("A group's Ready GPU nodes").register(registry);
        this.gpus = MultiGauge.builder("kubegpu.pool.gpus").description("GPUs of a group's Ready nodes").register(registry);
        this.pending = MultiGauge.builder("kubegpu.pool.pending.gpus").description("GPUs a group's pending pods ask for").register(registry);
    }

    void record(BalancePlan plan, String outcome) {
        passes.increment();
        List<MultiGauge.Row<?>> allocationRows = new ArrayList<>();
        List<MultiGauge.Row<?>> nodeRows = new ArrayList<>();
        List<MultiGauge.Row<?>> gpuRows = new ArrayList<>();
        List<MultiGauge.Row<?>> pendingRows = new ArrayList<>();
        for (GroupLoad load : plan.groups()) {
            Tags tags = Tags.of("group", load.group());
            allocationRows.add(MultiGauge.Row.of(tags, load.allocation()));
            nodeRows.add(MultiGauge.Row.of(tags, load.nodes()));
            gpuRows.add(MultiGauge.Row.of(tags, load.gpus()));
            pendingRows.add(MultiGauge.Row.of(tags, load.pendingMilli() / 1000.0));
        }
        allocation.register(allocationRows, true);
        nodes.register(nodeRows, true);
        gpus.register(gpuRows, true);
        pending.register(pendingRows, true);

        BalancePlan.Decision decision = plan.decision();
        if (decision.action() == BalancePlan.Action.NONE) {
            if (decision.reason() != BalancePlan.Reason.BALANCED) {
                Counter.builder("kubegpu.balance.refusals").description("Passes that moved no node, by reason").tag("reason", decision.reason().tag())
                        .register(registry).increment();
            }
            return;
        }
        Counter.builder("kubegpu.balance.actions").description("Actions of the pool balancer")
                .tag("action", decision.action().name().toLowerCase(Locale.ROOT)).tag("outcome", outcome).register(registry).increment();
        if (decision.action() == BalancePlan.Action.MOVE) {
            Counter.builder("kubegpu.balance.moves").description("Nodes moved between groups (or that would be, in a dry run)")
                    .tag("from", decision.from()).tag("to", decision.to()).tag("outcome", outcome).register(registry).increment();
        }
    }
}
