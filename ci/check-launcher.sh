#!/usr/bin/env bash
# Checks ./unfold4j where Maven is not installed: a PATH of this machine's tools without mvn.
#   1. with the command line's jar up to date, it runs the jar without building (no Maven needed);
#   2. with the jar older than the sources, it builds with ./mvnw (Note [launcher's Maven] in
#      ./unfold4j), then runs. The wrapper downloads Maven on first use (network, or a filled
#      ~/.m2/wrapper); its build runs offline from ~/.m2 when that already holds the dependencies.
# Run after a build (.ci/run runs it after the tests): ci/check-launcher.sh
set -euo pipefail
cd "$(dirname "$0")/.."

jar=$(ls cli/target/unfold4j-cli-*.jar 2>/dev/null | grep -v -e '-sources\.jar$' -e '-javadoc\.jar$' | head -n 1 || true)
[ -n "$jar" ] || { echo "check-launcher: build first (no cli/target/unfold4j-cli-*.jar)" >&2; exit 1; }

# Every tool of /usr/bin and /bin except Maven, and the JDK of the java on PATH.
bin=$(mktemp -d "${TMPDIR:-/tmp}/check-launcher.XXXXXX")
trap 'rm -rf "$bin"' EXIT
java_bin=$(dirname "$(readlink -f "$(command -v java)")")
for tool in /usr/bin/* /bin/*; do
    name=$(basename "$tool")
    [[ "$name" == mvn || "$name" == mvnDebug || -e "$bin/$name" ]] || ln -s "$tool" "$bin/$name"
done
nomaven="$java_bin:$bin"
! PATH="$nomaven" command -v mvn >/dev/null || { echo "check-launcher: mvn is still on the PATH" >&2; exit 1; }

fail() { echo "check-launcher: $*" >&2; exit 1; }

# 1. Up to date: no build, no Maven.
touch "$jar"
out=$(PATH="$nomaven" ./unfold4j --help 2>&1) || fail "./unfold4j --help without Maven failed: $out"
[[ "$out" != *"building"* ]] || fail "./unfold4j built although its jar was up to date: $out"
[[ "$out" == *"Usage"* ]] || fail "./unfold4j --help printed no usage: $out"
echo "check-launcher: up-to-date jar ran without Maven"

# 2. Stale: built with the wrapper.
touch -d '2000-01-01 00:00' "$jar"
out=$(PATH="$nomaven" ./unfold4j --help 2>&1) || fail "./unfold4j --help without Maven, jar stale, failed: $out"
[[ "$out" == *"building (sources changed since the last build): ./mvnw "* ]] || fail "no build with ./mvnw: $out"
[[ "$out" == *"Usage"* ]] || fail "./unfold4j --help printed no usage after building: $out"
echo "check-launcher: stale jar rebuilt with ./mvnw, then ran"
