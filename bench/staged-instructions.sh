#!/usr/bin/env bash
# `scan --staged` start-up cost in instructions (valgrind callgrind, all threads of the node process; git
# subprocesses counted apart: their cost is mostly process start-up, which instructions do not show, so
# their number is printed too), beside `node -e 0`. Instruction counts hardly depend on machine load, unlike
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
# One run first: after a build the hook's code cache (bin/precompiled.js) is written by the first run, which
# compiles from source; counted, it read ~90M instructions too many.
(cd "$REPO" && node "$CLI" scan --staged . >/dev/null 2>&1) || true
base=$(count node -e 0)
scan=$(count node "$CLI" scan --staged .)
awk -v b="$base" -v s="$scan" 'BEGIN { printf "node -e 0: %.0fM instructions   scan --staged: %.0fM   ratio %.2fx\n", b / 1e6, s / 1e6, s / b }'
# The processes a run starts: one `sh -c` (run.ts startGitsEarly) that becomes cat-file, its two background
# subshells and the git each runs (each log file but the first is one child process; valgrind's own
# messages go to the log files, not to the pipes node reads).
logs=$(mktemp -d)
(cd "$REPO" && valgrind --tool=callgrind --trace-children=yes --callgrind-out-file=/dev/null --log-file="$logs/vg.%p" node "$CLI" scan --staged . >/dev/null 2>&1) || true
cat "$logs"/vg.* | sed -n 's/.*Collected : \([0-9]*\).*/\1/p' | awk -v node="$scan" '{ s += $1; n++ } END { printf "child processes (sh, git): %d   their instructions: %.0fM\n", n - 1, (s - node) / 1e6 }'
rm -rf "$logs"
# Page faults (minor, the scan's git children included; least of 5 runs each): on a virtual machine each
# first touch of a page costs microseconds that no instruction count shows (a fresh 4.4 MB buffer filled:
# ~1,090 faults, 15-20 ms at load 8 on the 2-core bench machine), so they explain much of the wall-time gap.
faults() {
  local best=
  for _ in 1 2 3 4 5; do
    local f
    f=$( (cd "$REPO" && /usr/bin/time -f %R "$@" 2>&1 >/dev/null) | tail -1)
    if [ -z "$best" ] || [ "$f" -lt "$best" ]; then best=$f; fi
  done
  echo "$best"
}
if [ -x /usr/bin/time ]; then
  fb=$(faults node -e 0)
  fs=$(faults node "$CLI" scan --staged .)
  awk -v b="$fb" -v s="$fs" 'BEGIN { printf "page faults: node -e 0: %d   scan --staged: %d (+%d)\n", b, s, s - b }'
fi
