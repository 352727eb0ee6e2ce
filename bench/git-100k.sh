#!/usr/bin/env bash
# A history of 100,000 small commits (the hardening issue's "time and memory reported").
#
#   bench/git-100k.sh                       # 100000 commits, 200 files of ~1 kB, one file edited per commit
#   COMMITS=20000 bench/git-100k.sh         # smaller
#   OUT=$TMPDIR/sweep-bench bench/git-100k.sh
#
# Builds the repository once (deterministic: bench/gen-history-repo.mjs through git fast-import, then
# repacked like `git gc` would) under $OUT (default bench/out, git-ignored), then runs
#   secret-sweep scan --history REPO --format json --output REPORT
# under /usr/bin/time -v and prints wall time, peak RSS, commits, blobs (in the repository and scanned),
# findings, and for scale and as ground truth, measured in the same run: git's read floor (cat-file of
# every object) and `git log -p -c --all`, whose added lines (merges' own changes included, as combined
# diffs) give the distinct planted keys the scan must find (the generator plants one every 400th commit;
# an edit in the same commit can overwrite it before it lands).
set -euo pipefail
cd "$(dirname "$0")/.."
COMMITS=${COMMITS:-100000}
FILES=${FILES:-200}
KB=${KB:-1}
EDITS=${EDITS:-1}
OUT=${OUT:-bench/out}
repo=$OUT/git-small-$COMMITS-$FILES-$KB-$EDITS
report=$OUT/git-small-$COMMITS.json
mkdir -p "$OUT"

if [ ! -f dist/bundle/cli.js ] && [ ! -f dist/cli/main.js ]; then npm run build >/dev/null; fi

if [ ! -f "$repo.ok" ]; then
  echo "building $repo ($COMMITS commits, $FILES files of ~$KB kB, $EDITS edit(s) per commit)..." >&2
  t0=$(date +%s)
  node bench/gen-history-repo.mjs "$repo" "$COMMITS" "$FILES" "$KB" "$EDITS" >&2
  git -C "$repo" repack -a -d -f -q --window=10 --depth=50
  touch "$repo.ok"
  echo "built in $(( $(date +%s) - t0 )) s" >&2
fi

read -r blobs blobMB < <(git -C "$repo" cat-file --batch-all-objects --batch-check='%(objecttype) %(objectsize)' |
  awk '$1=="blob"{n++; s+=$2} END{printf "%d %.1f\n", n, s/1048576}')
commits=$(git -C "$repo" rev-list --all --count)
packMB=$(git -C "$repo" count-objects -v | awk '/size-pack/{printf "%.1f", $2/1024}')

tf=$(mktemp)
/usr/bin/time -f '%e' -o "$tf" git -C "$repo" cat-file --batch-all-objects --batch >/dev/null
floor=$(tail -1 "$tf")
keys=$(mktemp)
/usr/bin/time -f '%e' -o "$tf" git -C "$repo" log -p -c --all --format= >"$keys.patch"
logp=$(tail -1 "$tf")
expected=$(grep -E '^(\+|[ +]\+)' "$keys.patch" | grep -oE "$(printf 'AK%s' 'IA')[A-Z2-7]{16}" | sort -u | wc -l)
rm -f "$keys" "$keys.patch"

code=0
/usr/bin/time -v -o "$tf" node bin/secret-sweep.js scan --history "$repo" --format json --output "$report" || code=$?
if [ "$code" -gt 1 ]; then echo "scan failed (exit $code)" >&2; cat "$tf" >&2; exit 2; fi
wall=$(awk -F': ' '/Elapsed \(wall clock\)/{print $2}' "$tf")
rssKB=$(awk -F': ' '/Maximum resident set size/{print $2}' "$tf")
cpu=$(awk -F': ' '/Percent of CPU/{print $2}' "$tf")
rm -f "$tf"
read -r findings scanned scannedMB < <(node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(r.findings.length, r.stats.files, (r.stats.bytes / 1048576).toFixed(1));' "$report")

echo "repository:  $repo"
echo "commits:     $commits"
echo "blobs:       $blobs in the repository ($blobMB MB), pack $packMB MB"
echo "scanned:     $scanned distinct blobs, $scannedMB MB"
echo "findings:    $findings (expected $expected: the distinct keys added in git log -p -c)"
echo "scan wall:   $wall (m:ss), CPU $cpu"
echo "peak RSS:    $(( rssKB / 1024 )) MB"
echo "git floor:   cat-file --batch-all-objects --batch in ${floor} s; git log -p -c --all in ${logp} s"
echo "exit code:   $code"
echo "machine:     $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), git $(git --version | cut -d' ' -f3), node $(node --version)"
[ "$findings" -eq "$expected" ] || { echo "unexpected number of findings" >&2; exit 1; }
