#!/usr/bin/env bash
# `scan --staged` start-up cost in instructions (valgrind callgrind, all threads of the node process; git
# subprocesses not counted), beside `node -e 0`. Instruction counts hardly depend on machine load, unlike
# wall time on a shared machine: the figure to compare before and after a start-up change (issue 15's
# goal is stated in wall time: bench/engine-goals.mjs --only staged, bench/staged.sh).
#   bench/staged-instructions.sh [REPO]   (default: bench/staged.sh's 10,000-file repository, 3 files staged)
# --cli PATH (env CLI) measures another checkout's bin/secret-sweep.js. Needs valgrind (apt-get install valgrind).
set -euo pipefail
cd "$(dirname "$0")/.."
CLI=${CLI:-$PWD/bin/secret-sweep.js}
REPO=${1:-}
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install -y valgrind)" >&2; exit 2; }
if [ -z "$REPO" ]; then
  RUNS=1 bash bench/staged.sh >/dev/null
  REPO=bench/out/staged-10000
fi
count() {
  local out
  out=$(mktemp)
  (cd "$REPO" && valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>"$out" >/dev/null) || [ $? -eq 1 ] || { cat "$out" >&2; exit 2; }
  sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$out"
  rm -f "$out"
}
base=$(count node -e 0)
scan=$(count node "$CLI" scan --staged .)
awk -v b="$base" -v s="$scan" 'BEGIN { printf "node -e 0: %.0fM instructions   scan --staged: %.0fM   ratio %.2fx\n", b / 1e6, s / 1e6, s / b }'
