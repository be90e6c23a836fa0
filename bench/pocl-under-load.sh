#!/usr/bin/env bash
# Runs bench/PoclUnderLoad.java RUNS times (default 20) against the classes in CLASSES (default
# target/classes), each in a fresh JVM WITHOUT libjsig preloaded and with a fresh, empty PoCL
# kernel cache, and counts the runs whose kernel builds failed, and the failed build attempts
# (clang prints "N error(s) generated." for each, whether or not a retry absorbed it). Extra
# arguments go to the JVM (e.g. -Xmx64m for a busy small heap); BACKENDS=N opens N backends one
# after the other in each run. native-notes.md, "PoCL and the JVM", has the numbers.
#
#   mvn -B -o -q compile && bench/pocl-under-load.sh -Xmx64m
set -u
here="$(cd "$(dirname "$0")" && pwd)"
classes="${CLASSES:-target/classes}"
runs="${RUNS:-20}"
backends="${BACKENDS:-1}"
jocl="$HOME/.m2/repository/org/jocl/jocl/2.0.5/jocl-2.0.5.jar"
failed=0 attempts=0
for ((i = 1; i <= runs; i++)); do
    cache="$(mktemp -d)"
    out="$(env -u LD_PRELOAD POCL_CACHE_DIR="$cache" java "$@" -cp "$classes:$jocl" "$here/PoclUnderLoad.java" "$backends" 2>&1)"
    rc=$?
    rm -rf "$cache"
    [[ $rc -ne 0 ]] && failed=$((failed + 1))
    broken=$(grep -c -E 'errors? generated' <<<"$out")
    attempts=$((attempts + broken))
    echo "run $i: exit $rc, $broken failed build attempts: $(grep -E '^(ok|FAILED)' <<<"$out" | tail -1 | cut -c1-160)"
done
echo "failed $failed of $runs runs ($attempts failed build attempts in all)"
