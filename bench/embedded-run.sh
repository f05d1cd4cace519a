#!/usr/bin/env bash
# The README's first command, `./cai4j run examples/helpful-assistant.md`, on the embedded model,
# with a random-weight model of the default model's shape (written once, about 0.9 GB), timed per
# stage, with the ledger's prompt tokens read and served from the KV cache per stage.
# Usage: bench/embedded-run.sh [model.gguf] [run-dir]     (bench/README.md, "The embedded run")
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# the launcher's own JDK search, so that there is one
eval "$(sed -n '/^java_major()/,/^}/p' ./cai4j)"
JAVA="$(find_java)" || { echo "no JDK 22 or newer found; set JAVA_HOME" >&2; exit 2; }
export JAVA_HOME="$(dirname "$(dirname "$JAVA")")"

MODEL="${1:-bench/target/random-1.5b-q4_0.gguf}"
RUN="${2:-bench/target/embedded-run}"
if [ ! -f "$MODEL" ]; then
  ./mvnw -q -B -pl core -DskipTests test-compile >&2
  "$JAVA" -cp core/target/test-classes cai4j.testmodel.ShapedGguf "$MODEL" >&2
fi
./cai4j --version >/dev/null # builds the jar outside the timing
rm -rf "$RUN"
LOG="$RUN.log"
mkdir -p "$(dirname "$RUN")"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $(date -u +%FT%TZ)" | tee "$LOG"
start=$(date +%s)
# every line of progress and every stage marker with the seconds since the start
./cai4j run examples/helpful-assistant.md --target "llama:$(realpath "$MODEL")" --run "$RUN" 2>&1 >"$RUN.out" \
  | while IFS= read -r line; do printf '%6d %s\n' $(( $(date +%s) - start )) "$line"; done | tee -a "$LOG" | grep --line-buffered '==' || true
end=$(date +%s)
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); wall $(( end - start )) s" | tee -a "$LOG"
echo "wall time per stage (s):"
grep ' == ' "$LOG" | awk -v end=$(( end - start )) '{ if (name) printf "  %-24s %6d\n", name, $1 - t; t = $1; $1 = ""; $2 = ""; name = substr($0, 3) } END { printf "  %-24s %6d\n", name, end - t }'
./cai4j ledger stats "$RUN" --stages
