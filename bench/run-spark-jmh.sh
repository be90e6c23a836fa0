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
# The forks get Spark's JDK flags from the benchmark's @Fork; these are for the host JVM, which
# runs Spark itself with -f 0.
exec java -XX:+IgnoreUnrecognizedVMOptions \
  --add-opens=java.base/java.lang=ALL-UNNAMED \
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED \
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED \
  --add-opens=java.base/java.io=ALL-UNNAMED \
  --add-opens=java.base/java.net=ALL-UNNAMED \
  --add-opens=java.base/java.nio=ALL-UNNAMED \
  --add-opens=java.base/java.util=ALL-UNNAMED \
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED \
  --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED \
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED \
  --add-opens=java.base/sun.security.action=ALL-UNNAMED \
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED \
  -Djdk.reflect.useDirectMethodHandle=false \
  -Dio.netty.tryReflectionSetAccessible=true \
  -cp "spark/target/classes:spark/target/jmh-classes:spark/target/bench-lib/*" org.openjdk.jmh.Main "$@"
