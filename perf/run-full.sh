#!/usr/bin/env bash
# The full performance set (about 80 minutes on 2 cores): every JMH suite, the HTTP load at several
# concurrencies and rates against our server and the floor server (500 nodes, and 5,000 with 500 candidates),
# kube-scheduler's throughput at 500 nodes and 1,000 GPU pods (no extender, names only, shares, the 70/30 mix,
# cold starts) and at 5,000 nodes and 10,000 pods, pod creation through the API server with and without the
# webhook, and the server's memory at 5,000 nodes and 100,000 pods.
# Results: perf/results/*.md and *.json; the README's Performance section quotes them.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests package
perf/run-benchmarks.sh ParserBenchmark parser
perf/run-benchmarks.sh ExtenderBenchmark extender -p policy=fragmentation -p 'request=2(A100)'
# The policies against each other, for a whole-GPU pod and a share, at 500 nodes.
perf/run-benchmarks.sh 'ExtenderBenchmark.(filterBestNamesOnly|filterAndPrioritizeNamesOnly)' extender-policy -p nodes=500
perf/run-benchmarks.sh WebhookBenchmark webhook
perf/run-benchmarks.sh ClusterStateBenchmark cluster-state
perf/run-benchmarks.sh WireBenchmark wire
java -Xmx2g -cp perf/target/benchmarks.jar io.kubegpu.perf.ClusterStateMemory 5000 100000
java -cp perf/target/benchmarks.jar io.kubegpu.perf.HttpBenchmark
java -cp perf/target/benchmarks.jar io.kubegpu.perf.HttpBenchmark --nodes 5000 --candidates 500
# An empty cluster: pods left pending by an earlier run would be scheduled along with the benchmark's.
bash scripts/control-plane/stop.sh --purge >/dev/null
bash scripts/control-plane/start.sh >/dev/null
java -cp perf/target/benchmarks.jar io.kubegpu.perf.SchedulerThroughput --nodes 500 --pods 1000
# 5,000 nodes (kube-scheduler's scalability target) and 10,000 pods: 14 minutes (832 s on 2026-12-07), one warm-up round.
bash scripts/control-plane/stop.sh --purge >/dev/null
bash scripts/control-plane/start.sh >/dev/null
java -cp perf/target/benchmarks.jar io.kubegpu.perf.SchedulerThroughput --nodes 5000 --pods 10000 --warm-up-runs 1 \
  --modes none,names,shares,none,names
java -cp perf/target/benchmarks.jar io.kubegpu.perf.WebhookThroughput --pods 1000
java -cp perf/target/benchmarks.jar io.kubegpu.perf.ServerMemory --nodes 5000 --pods 100000
