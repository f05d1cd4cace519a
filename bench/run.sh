#!/usr/bin/env bash
# Builds the modules and runs the road benchmarks (bench/README.md) as a single-file Java program.
# Usage: bench/run.sh [rate|headers|overhead|versus|memory|prefix|batch|all] [N]
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(sed -n '/^java_major()/,/^}/p' ./cai4j)" # the launcher's own JDK search
JAVA="$(find_java)" || { echo "no JDK 22 or newer found; set JAVA_HOME" >&2; exit 2; }
export JAVA_HOME="$(dirname "$(dirname "$JAVA")")"
[ -n "${BENCH_NO_BUILD:-}" ] || ./mvnw -q -B -pl cli -am test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >&2
# the benchmarks call only the local test server: placeholder keys, never a real one
export OPENAI_API_KEY=bench-local ANTHROPIC_API_KEY=bench-local
CP="cli/target/classes:core/target/classes:core/target/test-classes:$(cat cli/target/bench-classpath.txt)"
exec "$JAVA_HOME/bin/java" -Xmx256m -XX:+UseSerialGC ${JAVA_OPTS:-} --enable-native-access=ALL-UNNAMED -cp "$CP" bench/RoadBench.java "$@"
