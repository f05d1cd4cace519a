#!/usr/bin/env bash
# Measures the embedded llama.cpp model: ./bench/llama-bench.sh [model.gguf] [rounds]
# Without a model it writes and measures the tiny random test model (a regression guard).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
eval "$(sed -n '/^java_major()/,/^}/p' ./cai4j)" # the launcher's own JDK search
JAVA="$(find_java)" || { echo "no JDK 22 or newer found; set JAVA_HOME" >&2; exit 2; }
export JAVA_HOME="$(dirname "$(dirname "$JAVA")")"
./mvnw -q -B -pl core -DskipTests test-compile >&2
CP_FILE="$(mktemp)"
./mvnw -q -B -pl core dependency:build-classpath -Dmdep.outputFile="$CP_FILE" >&2
CP="core/target/classes:core/target/test-classes:$(cat "$CP_FILE")"
rm -f "$CP_FILE"
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$CP" bench/LlamaBench.java "$@"
