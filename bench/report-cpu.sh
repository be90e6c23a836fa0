#!/usr/bin/env bash
# Measures everything bench/RESULTS.md reports for a CPU machine, in one run:
#   1. unfold4j bench on the Java backend and on OpenCL (PoCL here), with the copy floors and the
#      CLBlast peer measured side by side                       -> bench/results/cpu-bench.json
#   2. JMH: the Java backend and its floor, the JVM peer ND4J (profile nd4j, ~130 MB download),
#      and OpenCL kernel times from profiling events (PoCL here) -> bench/results/cpu-jmh.json
#   3. the chart of ratio to floor                               -> bench/ratio-to-floor.png
# Takes about 15 minutes on 2 cores. Usage: bench/report-cpu.sh [--no-nd4j]
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results
./unfold4j bench --backend all --json bench/results/cpu-bench.json
if [ "${1:-}" = "--no-nd4j" ]; then
  bench/run-jmh.sh 'JavaBenchmarks|OpenCLKernelTimes' -rf json -rff bench/results/cpu-jmh.json
else
  bench/run-jmh.sh --with-nd4j 'JavaBenchmarks|Nd4jPeerBenchmarks|OpenCLKernelTimes' -rf json -rff bench/results/cpu-jmh.json
fi
java bench/Chart.java bench/results/cpu-bench.json bench/ratio-to-floor.png
python3 bench/results.py bench/results/cpu-bench.json
python3 bench/jmh_table.py bench/results/cpu-jmh.json
