#!/usr/bin/env bash
# False positives on real code that holds no secrets: this project's node_modules, Debian's Python
# standard library and, given its git directory, sympy's tree (HEAD checked out once under /tmp), each
# scanned once. Prints every finding (redacted) for a human judgement, and the rate per 50 MB, per corpus
# and in total (target: at most 1).
# Optional corpora (--corpus NAME=DIR, repeatable): real repositories in other languages (Java/Kotlin,
# Go with vendor/, PHP, Python), each a git directory (a bare mirror is fine: HEAD is checked out once
# under /tmp, never into this repository) or a plain folder. Unlike the three above, these hold a few
# real test secrets (fixture private keys, bcrypt hashes, public demo keys): judge each finding; the
# rules summary per corpus shows where findings come from.
# --only-corpora skips the three secret-free corpora (a per-repository run). Ends with a table: corpus, MB,
# findings, findings per 50 MB.
# Many repositories at once, working tree and full history: bench/false-positives-repos.sh GIT_DIR...
# Usage: bench/false-positives.sh [--only-corpora] [SYMPY_GIT_DIR] [--corpus NAME=DIR]...
#   e.g. bench/false-positives.sh /work/.mirror/sympy+sympy/repo \
#          --corpus loki=/work/.mirror/grafana+loki/repo --corpus laravel=/work/.mirror/laravel+framework/repo
set -uo pipefail
cd "$(dirname "$0")/.."
[ -f dist/bundle/cli.js ] || npm run build >/dev/null

# A git directory's HEAD as a folder under /tmp (checked out once, reused while HEAD is the same).
checkout() { # name git_dir
  local rev tree
  rev=$(git --git-dir="$2" rev-parse --short=12 HEAD 2>/dev/null) || { echo "not a git directory: $2" >&2; return 2; }
  tree=/tmp/secret-sweep-fp-$1-$rev
  if [ ! -f "$tree/.complete" ]; then
    rm -rf "$tree" && mkdir -p "$tree" && git --git-dir="$2" archive HEAD | tar -x -C "$tree" || { echo "cannot check out $2 (a mirror missing its large blobs cannot be archived: pass a clone folder instead)" >&2; return 2; }
    touch "$tree/.complete"
  fi
  echo "$tree"
}

dirs=(node_modules /usr/lib/python3.11)
names=(node_modules python3.11-stdlib)
while [ $# -gt 0 ]; do
  case "$1" in
    --only-corpora) dirs=(); names=(); shift ;;
    --corpus)
      spec=${2:-}; name=${spec%%=*}; src=${spec#*=}
      if [ -z "$spec" ] || [ "$name" = "$spec" ] || ! [[ "$name" =~ ^[A-Za-z0-9._+-]+$ ]]; then echo "--corpus wants NAME=DIR (got '$spec')" >&2; exit 2; fi
      if git --git-dir="$src" rev-parse -q HEAD >/dev/null 2>&1; then tree=$(checkout "$name" "$src") || exit 2
      elif [ -d "$src" ]; then tree=$src
      else echo "no such corpus folder or git directory: $src" >&2; exit 2; fi
      dirs+=("$tree"); names+=("$name"); shift 2 ;;
    *)
      tree=$(checkout sympy "$1") || exit 2
      dirs+=("$tree"); names+=(sympy); shift ;;
  esac
done

total_mb=0
all=0
table=()
for i in "${!dirs[@]}"; do
  dir=${dirs[$i]}
  [ -d "$dir" ] || continue
  mb=$(du -smL --apparent-size --exclude=.git "$dir" | cut -f1)  # -L: node_modules is a symlink in worktrees
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
    const byRule = {};
    for (const r of rows) byRule[r.rule] = (byRule[r.rule] ?? 0) + 1;
    if (rows.length) console.log("  by rule: " + Object.entries(byRule).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(", "));
    for (const r of rows) console.log(`  ${r.rule}  ${r.file}:${r.line}  ${r.match}`);'
  total_mb=$((total_mb + mb))
  all=$((all + n))
  table+=("$(printf '%-28s %7s %9s %9s' "${names[$i]}" "$mb" "$n" "$(node -e "console.log(($n * 50 / Math.max($mb, 1)).toFixed(1))")")")
done
printf '\n%-28s %7s %9s %9s\n' corpus MB findings per50MB
printf '%s\n' "${table[@]}"
[ "$total_mb" -gt 0 ] || exit 0
node -e "console.log('total: ' + $all + ' finding(s) in ' + $total_mb + ' MB = ' + ($all * 50 / $total_mb).toFixed(2) + ' per 50 MB')"
