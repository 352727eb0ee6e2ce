#!/usr/bin/env bash
# Staged-scan latency (issue 4): a repository of 10,000 files (bench/gen-history-repo.mjs, one commit)
# with 3 files staged; wall time of `secret-sweep scan --staged` including Node start-up, beside
# `node -e 0`. Median of RUNS. Target: <= 250 ms.
#   RUNS=15 bench/staged.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-15}
OUT=bench/out
repo=$OUT/staged-10000
mkdir -p "$OUT"
if [ ! -f dist/scan/git-scan.js ]; then npm run build >/dev/null; fi
if [ ! -f "$OUT/staged-10000.ok" ]; then
  node bench/gen-history-repo.mjs "$repo" 1 10000 4 >&2
  touch "$OUT/staged-10000.ok"
fi
# Three staged edits (re-applied each run of this script; the index is what is scanned).
git -C "$repo" reset -q --hard
for f in $(git -C "$repo" ls-files | sed -n '10p;5000p;9990p'); do
  printf 'const added = compute(1, 2, 3);\n' >> "$repo/$f"
  git -C "$repo" add "$f"
done
echo "files: $(git -C "$repo" ls-files | wc -l), staged: $(git -C "$repo" diff --cached --name-only | wc -l)"

if node bin/secret-sweep.js scan --staged "$repo" >/dev/null 2>&1 || [ $? -eq 1 ]; then
  cmd="node bin/secret-sweep.js scan --staged $repo"
else
  cmd="node bench/git-scan-driver.mjs staged $repo /dev/null"
fi

median_ms() {
  local xs=()
  for _ in $(seq "$RUNS"); do
    local s e
    s=$(date +%s%N)
    bash -c "$1" >/dev/null 2>/tmp/staged-bench.err || [ $? -eq 1 ] || { echo "failed: $1: $(head -c 300 /tmp/staged-bench.err)" >&2; exit 2; }
    e=$(date +%s%N)
    xs+=($(( (e - s) / 1000000 )))
  done
  printf '%s\n' "${xs[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'
}
base=$(median_ms "node -e 0")
scan=$(median_ms "$cmd")
echo "node -e 0: ${base} ms   $cmd: ${scan} ms   (median of $RUNS; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
