#!/usr/bin/env bash
# Runs the JMH benchmarks and records the results under perf/results/:
#   <name>-jmh.json  JMH's own JSON (every iteration)
#   <name>.md        a summary: machine, date, command and the score table
# Usage: perf/run-benchmarks.sh [BENCHMARK_REGEX] [NAME] [extra JMH args...]
# Example: perf/run-benchmarks.sh ParserBenchmark parser
# Run it on a quiet machine: anything else running skews the numbers.
set -euo pipefail
cd "$(dirname "$0")/.."
regex=${1:-ParserBenchmark}
name=${2:-parser}
shift $(( $# > 2 ? 2 : $# ))

mvn -B -q -DskipTests package -pl perf -am
mkdir -p perf/results
log=$(mktemp)
java -jar perf/target/benchmarks.jar "$regex" -rf json -rff "perf/results/${name}-jmh.json" "$@" | tee "$log"

{
  echo "# JMH results: ${regex}"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "- java: $(java -version 2>&1 | head -1)"
  echo "- command: perf/run-benchmarks.sh ${regex} ${name} $*"
  echo
  echo '```'
  sed -n '/^Benchmark /,$p' "$log" | grep -v '^Benchmark result is saved'
  echo '```'
} > "perf/results/${name}.md"
rm -f "$log"
echo "wrote perf/results/${name}.md and perf/results/${name}-jmh.json"
