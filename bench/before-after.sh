#!/usr/bin/env bash
# Runs a road benchmark (bench/run.sh's modes) alternately on kept-aside core classes ("before") and on
# this build ("after"), ROUNDS times, printing the load average before each run.
# Usage: bench/before-after.sh BEFORE_CORE_CLASSES [MODE] [N] [ROUNDS]
#   BEFORE_CORE_CLASSES: a copy of core/target/classes built from the commit to compare with
set -euo pipefail
cd "$(dirname "$0")/.."
BEFORE="${1:?give the folder of the core classes to compare with}"; MODE="${2:-overhead}"; N="${3:-20000}"; ROUNDS="${4:-2}"
[ -d "$BEFORE" ] || { echo "no such folder: $BEFORE" >&2; exit 2; }
eval "$(sed -n '/^java_major()/,/^}/p' ./cai4j)" # the launcher's own JDK search
JAVA="$(find_java)" || { echo "no JDK 22 or newer found; set JAVA_HOME" >&2; exit 2; }
[ -n "${BENCH_NO_BUILD:-}" ] || JAVA_HOME="$(dirname "$(dirname "$JAVA")")" ./mvnw -q -B -pl cli -am test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >&2
export OPENAI_API_KEY=bench-local ANTHROPIC_API_KEY=bench-local
REST="cli/target/classes:core/target/test-classes:$(cat cli/target/bench-classpath.txt)"
for round in $(seq "$ROUNDS"); do
  for side in before after; do
    if [ "$side" = before ]; then CORE="$BEFORE"; else CORE=core/target/classes; fi
    echo "== round $round, $side, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    "$JAVA" -Xmx256m -XX:+UseSerialGC ${JAVA_OPTS:-} --enable-native-access=ALL-UNNAMED -cp "$CORE:$REST" bench/RoadBench.java "$MODE" "$N" 2>/dev/null | grep -E "^$MODE|^overhead"
  done
done
