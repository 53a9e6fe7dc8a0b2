#!/usr/bin/env bash
# The quick performance set (a few minutes on 2 cores): short JMH runs of the extender and webhook decisions,
# the HTTP load against our server and the floor server, and kube-scheduler's throughput on a small cluster.
# Results: perf/results/*.md and *.json (the same files the full set writes, so do not commit a quick run
# over a full one). Run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests package
perf/run-benchmarks.sh 'ExtenderBenchmark.filterBestNamesOnly' extender-quick -p nodes=500 -p policy=fragmentation -p 'request=2(A100)' -f 1 -wi 2 -i 3 -w 1s -r 1s
java -cp perf/target/benchmarks.jar io.kubegpu.perf.HttpBenchmark --quick
# An empty cluster: pods left pending by an earlier run would be scheduled along with the benchmark's.
bash scripts/control-plane/stop.sh --purge >/dev/null
bash scripts/control-plane/start.sh >/dev/null
java -cp perf/target/benchmarks.jar io.kubegpu.perf.SchedulerThroughput --nodes 100 --pods 300
