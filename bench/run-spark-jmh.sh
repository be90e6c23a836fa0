#!/usr/bin/env bash
# Builds the Spark module's JMH benchmarks (spark/pom.xml, profile "bench": JMH, and Spark itself,
# which the module only has as provided) into spark/target/ and runs them.
#   bench/run-spark-jmh.sh                                          every benchmark, full settings
#   bench/run-spark-jmh.sh SparkPatchesBenchmarks -p master=local[2]  any JMH arguments (regex, -p, -f, -wi, -i, -rf json ...)
# Patches per second = SparkPatchesBenchmarks.PATCHES_PER_OP (51,200) / seconds per op.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf spark/target/bench-lib
mvn=mvn; command -v mvn >/dev/null || mvn=./mvnw   # no Maven installed: the Maven Wrapper
# The library as this tree has it, then the Spark module against it.
"$mvn" -q -B -pl library -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true install
"$mvn" -q -B -P bench -pl spark -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true package
# Spark's JDK flags (--add-opens ...) are in the benchmark's @Fork, so the forks have them whatever
# starts JMH; -f 0 (Spark in this JVM) would need them here as well.
exec java -cp "spark/target/classes:spark/target/jmh-classes:spark/target/bench-lib/*" org.openjdk.jmh.Main "$@"
