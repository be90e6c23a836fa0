#!/usr/bin/env bash
# Builds the JMH benchmarks (the library module's Maven profile "bench": JMH, CLBlast through
# jocl-blast, the shapes of bench/shapes.tsv) into target/ and runs them.
#   bench/run-jmh.sh                                   every benchmark, full settings
#   bench/run-jmh.sh JavaBenchmarks -p shape=conv3x3   any JMH arguments (regex, -p, -f, -wi, -i, -rf json ...)
#   bench/run-jmh.sh --with-nd4j Nd4jPeer              also build the ND4J peer (profile nd4j, ~130 MB download)
# The OpenCL device is chosen as by the library (-Dunfold4j.device=NAME via JAVA_TOOL_OPTIONS).
set -euo pipefail
cd "$(dirname "$0")/.."
profiles=bench
if [ "${1:-}" = "--with-nd4j" ]; then
  profiles=bench,nd4j
  shift
fi
rm -rf target/bench-lib
mvn=mvn; command -v mvn >/dev/null || mvn=./mvnw   # no Maven installed: the Maven Wrapper
"$mvn" -q -B -P "$profiles" -pl library -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true package
# Signal chaining for in-process OpenCL compilers (native-notes.md, "PoCL and the JVM").
jsig="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")/lib/libjsig.so"
[ -f "$jsig" ] && export LD_PRELOAD="$jsig${LD_PRELOAD:+:$LD_PRELOAD}"
exec java -cp "target/classes:target/jmh-classes:target/bench-lib/*" org.openjdk.jmh.Main "$@"
