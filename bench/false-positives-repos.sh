#!/usr/bin/env bash
# False positives on realistic public repositories, working tree and full history: a sibling of
# false-positives.sh for many repositories at once. Each argument is a git directory (a bare mirror is
# fine, e.g. /work/.mirror/rails+rails/repo). For each one:
#   tree:    HEAD's files extracted once into the work folder (blobs a snapshot lacks, files of 4 MiB and
#            more, are left out: `git archive` would stop at the first), scanned with --no-gitignore;
#   history: a bare clone (hard links, no checkout), scanned with --history --allow-skips.
# These repositories hold some real test secrets (fixture private keys, demo passwords): the rates are an
# upper bound on false positives; judge the listed findings (redacted, never the value). History scans are
# a gate mode: judgements by path (lock files, bundles, tests) are off there, as in CI.
# Prints every finding (rule, file:line, commit, redacted match) and a table: corpus, tree MB, tree
# findings, per 50 MB, commits, history MB read, history findings, per 50 MB.
# Usage: bench/false-positives-repos.sh [--work DIR] [--cli PATH] [--tree-only] GIT_DIR...
#   --work DIR   where trees, clones and JSONL reports go (default: a new folder under $TMPDIR; reused when
#                given, so a second run with another --cli compares builds on the same checkouts)
#   --cli PATH   the secret-sweep entry point to measure (default: this checkout's bin/secret-sweep.js)
#   e.g. bench/false-positives-repos.sh --work /var/tmp/fp /work/.mirror/{rails+rails,fastapi+fastapi}/repo
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
cli=$root/bin/secret-sweep.js
work=
history=1
repos=()
while [ $# -gt 0 ]; do
  case "$1" in
    --work) work=${2:?--work wants a folder}; shift 2 ;;
    --cli) cli=${2:?--cli wants a path}; shift 2 ;;
    --tree-only) history=0; shift ;;
    -*) echo "unknown option: $1" >&2; exit 2 ;;
    *) repos+=("$1"); shift ;;
  esac
done
[ ${#repos[@]} -gt 0 ] || { echo "usage: $0 [--work DIR] [--cli PATH] [--tree-only] GIT_DIR..." >&2; exit 2; }
[ -f "$cli" ] || { echo "no such CLI: $cli" >&2; exit 2; }
[ "$cli" != "$root/bin/secret-sweep.js" ] || [ -f dist/bundle/cli.js ] || npm run build >/dev/null
[ -n "$work" ] || work=$(mktemp -d "${TMPDIR:-/tmp}/secret-sweep-fp-repos-XXXXXX")
mkdir -p "$work/trees" "$work/clones" "$work/out"
tag=$(printf '%s' "$cli" | cksum | cut -d' ' -f1)

# HEAD's files whose blobs are present, written under $2 (symlinks and submodules skipped).
extract() { # git_dir dest
  python3 - "$1" "$2" <<'PY'
import os, subprocess, sys
git, dest = sys.argv[1], sys.argv[2]
ls = subprocess.run(['git', '--git-dir', git, 'ls-tree', '-r', '-z', 'HEAD'], capture_output=True, check=True).stdout
entries = []
for rec in filter(None, ls.split(b'\0')):
    meta, path = rec.split(b'\t', 1)
    mode, typ, sha = meta.split()
    if typ == b'blob' and mode not in (b'120000', b'160000'):
        entries.append((sha, os.fsdecode(path)))
cat = subprocess.Popen(['git', '--git-dir', git, 'cat-file', '--batch'], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
for sha, path in entries:
    cat.stdin.write(sha + b'\n'); cat.stdin.flush()
    head = cat.stdout.readline().split()
    if head[-1] == b'missing': continue
    data = cat.stdout.read(int(head[2])); cat.stdout.read(1)
    out = os.path.join(dest, path)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, 'wb') as f: f.write(data)
cat.stdin.close(); cat.wait()
PY
}

# Findings of one JSONL report (suppressed ones left out): count, then one redacted line each.
list() { # jsonl
  grep -v '"suppressed":true' "$1" | grep '^{' | node -e '
    const rows = require("fs").readFileSync(0, "utf8").trim().split("\n").filter(Boolean).map(JSON.parse);
    console.log(rows.length);
    for (const r of rows) console.log(`    ${r.rule}  ${r.file}:${r.line}${r.commit ? "  " + r.commit.slice(0, 10) : ""}  ${r.match}`);'
}
rate() { node -e "console.log(($1 * 50 / Math.max($2, 1)).toFixed(1))"; }

table=()
for src in "${repos[@]}"; do
  git --git-dir="$src" rev-parse -q --verify HEAD >/dev/null 2>&1 || { echo "not a git directory with a HEAD: $src" >&2; exit 2; }
  name=$(basename "$(dirname "$src")"); [ "$name" != . ] && [ "$(basename "$src")" = repo ] || name=$(basename "$src" .git)
  tree=$work/trees/$name
  if [ ! -f "$tree/.complete-$(git --git-dir="$src" rev-parse HEAD)" ]; then
    rm -rf "$tree" && mkdir -p "$tree" && extract "$src" "$tree" && touch "$tree/.complete-$(git --git-dir="$src" rev-parse HEAD)" || { echo "cannot extract $src" >&2; exit 2; }
  fi
  mb=$(du -sm --apparent-size "$tree" | cut -f1)
  node "$cli" scan "$tree" --no-gitignore --format jsonl -o "$work/out/$tag-tree-$name.jsonl" 2>"$work/out/$tag-tree-$name.err"
  rc=$?
  [ "$rc" -le 1 ] || { echo "tree scan of $name failed (exit $rc): $(head -1 "$work/out/$tag-tree-$name.err")" >&2; exit 2; }
  out=$(list "$work/out/$tag-tree-$name.jsonl"); n=$(head -1 <<<"$out")
  echo "== $name tree: $mb MB, $n finding(s)"; tail -n +2 <<<"$out"
  row=$(printf '%-44s %7s %6s %7s' "$name" "$mb" "$n" "$(rate "$n" "$mb")")
  if [ "$history" = 1 ]; then
    clone=$work/clones/$name.git
    [ -d "$clone" ] || git clone -q --bare "$src" "$clone" || { echo "cannot clone $src" >&2; exit 2; }
    commits=$(git --git-dir="$clone" rev-list --all | wc -l)
    node "$cli" scan --history --allow-skips "$clone" --format jsonl -o "$work/out/$tag-hist-$name.jsonl" 2>"$work/out/$tag-hist-$name.err"
    rc=$?
    [ "$rc" -le 1 ] || { echo "history scan of $name failed (exit $rc): $(head -1 "$work/out/$tag-hist-$name.err")" >&2; exit 2; }
    # The summary line says how much history was read ("… files scanned, 739.0 MB)").
    hmb=$(grep -o 'files scanned, [0-9.]* [kKMG]\?B' "$work/out/$tag-hist-$name.err" | head -1 | node -e '
      const m = /([\d.]+) ([kKMG]?)B/.exec(require("fs").readFileSync(0, "utf8")); if (!m) { console.log(0); process.exit(); }
      console.log(Math.round(Number(m[1]) * { "": 1 / 2 ** 20, k: 1 / 1024, K: 1 / 1024, M: 1, G: 1024 }[m[2]]));')
    out=$(list "$work/out/$tag-hist-$name.jsonl"); hn=$(head -1 <<<"$out")
    echo "== $name history: $commits commits, $hmb MB read, $hn finding(s)"; tail -n +2 <<<"$out"
    row+=$(printf ' %8s %8s %6s %7s' "$commits" "$hmb" "$hn" "$(rate "$hn" "$hmb")")
  fi
  table+=("$row")
done
printf '\n%-44s %7s %6s %7s' corpus treeMB found per50
[ "$history" = 1 ] && printf ' %8s %8s %6s %7s' commits histMB found per50
printf '\n'
printf '%s\n' "${table[@]}"
echo "reports: $work/out"
