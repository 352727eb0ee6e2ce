#!/usr/bin/env bash
# Working-tree throughput and start-up cost.
#  1. builds a deterministic >= 200 MB corpus of real mixed source (bench/gen-corpus.mjs),
#  2. times `secret-sweep scan` over it (default jobs and -j 1) and ripgrep over the same corpus with the
#     rules' keywords (the read-everything floor a prefilter-only tool pays),
#  3. times `secret-sweep scan` of a folder with one small file against `node -e 0` (start-up cost).
# Usage: bench/worktree.sh [SIZE_MB]   (needs hyperfine and ripgrep: installed from Debian if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${1:-200}
WORK=${BENCH_DIR:-/tmp/secret-sweep-bench}
CORPUS="$WORK/corpus"
for tool in rg:ripgrep hyperfine:hyperfine; do
  command -v "${tool%%:*}" >/dev/null || { apt-get update -qq && apt-get install -y -qq "${tool##*:}" >/dev/null; }
done
[ -f dist/bundle/cli.js ] || npm run build >/dev/null
node bench/gen-corpus.mjs "$CORPUS" "$SIZE"
BYTES=$(du -sb --exclude=.complete "$CORPUS" | cut -f1)
MB=$(node -e "console.log(($BYTES/1048576).toFixed(1))")
node bin/secret-sweep.js rules list >/dev/null
KW="$WORK/keywords.txt"
node -e '
  import("./dist/rules/load.js").then(({ loadBuiltinRules }) => {
    const kws = [...new Set(loadBuiltinRules().flatMap((r) => r.keywords))];
    require("fs").writeFileSync(process.argv[1], kws.join("\n") + "\n");
    console.log(`${loadBuiltinRules().length} rules, ${kws.length} keywords`);
  });' "$KW"
echo "corpus: $MB MB in $(find "$CORPUS" -type f | wc -l) files; cores: $(nproc)"
sync
hyperfine --style basic -w 1 -r 3 -i \
  -n "secret-sweep scan (default jobs)" "node bin/secret-sweep.js scan $CORPUS --no-gitignore --format jsonl -o /dev/null" \
  -n "secret-sweep scan -j 1" "node bin/secret-sweep.js scan $CORPUS --no-gitignore --format jsonl -o /dev/null -j 1" \
  -n "rg -i -F -f keywords (count)" "rg --no-ignore -i -F -f $KW -c $CORPUS" \
  --export-json "$WORK/worktree.json" >/dev/null
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).results;
  for (const x of r) console.log(`${x.command.padEnd(36)} ${x.median.toFixed(2)} s  ${(Number(process.argv[2]) / x.median).toFixed(1)} MB/s`);
' "$WORK/worktree.json" "$MB"
SMALL="$WORK/small"; mkdir -p "$SMALL"; printf 'import os\nprint(os.getcwd())\n' > "$SMALL/app.py"
hyperfine --style basic -N -w 3 -r 20 -i -n "node -e 0" "node -e 0" -n "scan one small file" "node bin/secret-sweep.js scan $SMALL" \
  --export-json "$WORK/startup.json" >/dev/null
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).results;
  for (const x of r) console.log(`${x.command.padEnd(36)} median ${(x.median * 1000).toFixed(0)} ms`);
' "$WORK/startup.json"
