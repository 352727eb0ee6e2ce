#!/usr/bin/env bash
# History scan benchmark (issue 4). Builds deterministic repositories under bench/out/ (once; git-ignored)
# with bench/gen-history-repo.mjs + git fast-import, repacks them like `git gc` would, then times in the
# same run, for each size:
#   (1) git cat-file --batch-all-objects --batch > /dev/null     (read floor)
#   (2) git log -p --all > /dev/null                              (what patch-based scanners pay to read)
#   (3) secret-sweep scan --history REPO --format jsonl --output /dev/null
# with /usr/bin/time for wall time and peak RSS. Targets: (3) <= 2x (1), (3) < (2), RSS flat across sizes.
#   SIZES="2500 5000" RUNS=3 bench/history.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"2500 5000"}
RUNS=${RUNS:-3}
OUT=bench/out
mkdir -p "$OUT"

if [ ! -f dist/engine/worker.js ]; then npm run build >/dev/null; fi

build_repo() {
  local n=$1 repo=$OUT/history-$1
  if [ ! -f "$OUT/history-$n.ok" ]; then
    echo "building $repo ($n commits)..." >&2
    node bench/gen-history-repo.mjs "$repo" "$n" >&2
    git -C "$repo" repack -a -d -f -q --window=10 --depth=50
    touch "$OUT/history-$n.ok"
  fi
}

# The CLI when it has --history; otherwise the same library call through bench/git-scan-driver.mjs.
scan_cmd() {
  local repo=$1
  if node bin/secret-sweep.js scan --history "$OUT/history-probe" --format jsonl --output /dev/null >/dev/null 2>&1 || [ $? -eq 1 ]; then
    echo "node bin/secret-sweep.js scan --history $repo --format jsonl --output /dev/null"
  else
    echo "node bench/git-scan-driver.mjs history $repo /dev/null"
  fi
}

# best-of-RUNS wall seconds and the peak RSS (KB) of that run; exit codes 0 and 1 both count as success
measure() {
  local best="" rss="" tf
  tf=$(mktemp)
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f '%e %M' -o "$tf" bash -c "$1" >/dev/null 2>"$tf.err" || [ $? -eq 1 ] || { echo "failed: $1: $(head -c 300 "$tf.err")" >&2; exit 2; }
    local line t m
    line=$(tail -1 "$tf")
    t=${line% *}
    m=${line#* }
    if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a < b)}'; then best=$t; rss=$m; fi
  done
  rm -f "$tf" "$tf.err"
  echo "$best $rss"
}

rm -rf "$OUT/history-probe"; git init -q "$OUT/history-probe"
printf '%-8s %-9s %-10s %-22s %-22s %-30s %s\n' commits blobMB packMB "(1) cat-file s" "(2) log -p s" "(3) scan --history s (RSS MB)" "ratio 3/1"
for n in $SIZES; do
  build_repo "$n"
  repo=$OUT/history-$n
  mb=$(git -C "$repo" cat-file --batch-all-objects --batch-check='%(objecttype) %(objectsize)' | awk '$1=="blob"{s+=$2} END{printf "%.0f", s/1048576}')
  pack=$(git -C "$repo" count-objects -v | awk '/size-pack/{printf "%.0f", $2/1024}')
  read -r t1 _ < <(measure "git -C $repo cat-file --batch-all-objects --batch > /dev/null")
  read -r t2 _ < <(measure "git -C $repo log -p --all > /dev/null")
  cmd=$(scan_cmd "$repo")
  read -r t3 r3 < <(measure "$cmd")
  printf '%-8s %-9s %-10s %-22s %-22s %-30s %s\n' "$n" "$mb" "$pack" "$t1" "$t2" "$t3 ($((r3 / 1024)))" "$(awk -v a="$t3" -v b="$t1" 'BEGIN{printf "%.2f", a/b}')"
done
echo "(3) ran: $(scan_cmd '<repo>')"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
