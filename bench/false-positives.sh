#!/usr/bin/env bash
# False positives on real code that holds no secrets: this project's node_modules, Debian's Python
# standard library and, given its git directory, sympy's tree (HEAD checked out once under /tmp), each
# scanned once. Prints every finding (redacted) for a human judgement, and the rate per 50 MB, per corpus
# and in total (target: at most 1).
# Usage: bench/false-positives.sh [SYMPY_GIT_DIR]   e.g. /work/.mirror/sympy+sympy/repo (bare is fine)
set -uo pipefail
cd "$(dirname "$0")/.."
[ -f dist/bundle/cli.js ] || npm run build >/dev/null
dirs=(node_modules /usr/lib/python3.11)
if [ $# -ge 1 ]; then
  rev=$(git --git-dir="$1" rev-parse --short=12 HEAD) || { echo "not a git directory: $1" >&2; exit 2; }
  tree=/tmp/secret-sweep-fp-sympy-$rev
  if [ ! -f "$tree/.complete" ]; then
    rm -rf "$tree" && mkdir -p "$tree" && git --git-dir="$1" archive HEAD | tar -x -C "$tree" || { echo "cannot check out $1" >&2; exit 2; }
    touch "$tree/.complete"
  fi
  dirs+=("$tree")
fi
total_mb=0
all=0
for dir in "${dirs[@]}"; do
  [ -d "$dir" ] || continue
  mb=$(du -smL --apparent-size "$dir" | cut -f1)  # -L: node_modules is a symlink in worktrees
  out=$(node bin/secret-sweep.js scan "$dir" --no-gitignore --format jsonl 2>/tmp/secret-sweep-fp-bench.err)
  rc=$?
  # 0 clean, 1 findings; anything else is a failed scan, which must not read as "no false positives".
  if [ "$rc" -gt 1 ]; then echo "scan of $dir failed (exit $rc): $(head -1 /tmp/secret-sweep-fp-bench.err)" >&2; exit 2; fi
  # Lines with "suppressed":true are listed suppressions (inline allow markers), not findings.
  out=$(printf '%s\n' "$out" | grep -v '"suppressed":true')
  n=$(printf '%s' "$out" | grep -c '^{' || true)
  echo "== $dir: $mb MB, $n finding(s) = $(node -e "console.log(($n * 50 / Math.max($mb, 1)).toFixed(2))") per 50 MB"
  printf '%s\n' "$out" | grep '^{' | node -e '
    const rows = require("fs").readFileSync(0, "utf8").trim().split("\n").filter(Boolean).map(JSON.parse);
    for (const r of rows) console.log(`  ${r.rule}  ${r.file}:${r.line}  ${r.match}`);'
  total_mb=$((total_mb + mb))
  all=$((all + n))
done
node -e "console.log('total: ' + $all + ' finding(s) in ' + $total_mb + ' MB = ' + ($all * 50 / $total_mb).toFixed(2) + ' per 50 MB')"
