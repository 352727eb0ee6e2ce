#!/usr/bin/env bash
# Findings before and after an engine change, byte for byte: each CLI's sorted JSONL (bench/engine-goals.mjs
# --dump: stable fields, one run outside any timing) on psf/requests' full history, the sympy working tree
# (and its history with --history-sympy), the project's test/fixtures and a generated corpus, then diff.
#   bench/identical-findings.sh BEFORE_CLI [AFTER_CLI] --requests PATH --sympy PATH [--history-sympy]
# BEFORE_CLI / AFTER_CLI: a bin/secret-sweep.js (AFTER defaults to this checkout's). A checkout of the
# commit before the change: `git worktree add /tmp/before <commit> && (cd /tmp/before && ln -s
# "$PWD/node_modules" . && npm run build)`. Exit 0 when every corpus gives the same findings, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: bench/identical-findings.sh BEFORE_CLI [AFTER_CLI] --requests PATH --sympy PATH [--history-sympy]" >&2; exit 2; }
BEFORE=$(realpath "$1"); shift
AFTER=$PWD/bin/secret-sweep.js
if [ $# -ge 1 ] && [ "${1#--}" = "$1" ]; then AFTER=$(realpath "$1"); shift; fi
ONLY=history-requests,tree-sympy
ARGS=()
while [ $# -gt 0 ]; do
  case $1 in
    --history-sympy) ONLY=$ONLY,history-sympy; shift ;;
    --requests|--sympy) ARGS+=("$1" "$(realpath "$2")"); shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
node bench/gen-corpus.mjs "$out/corpus" 20 >/dev/null 2>&1 || true
TREES=(--dump-tree "fixtures=test/fixtures")
[ -d "$out/corpus" ] && TREES+=(--dump-tree "corpus=$out/corpus")
for side in before after; do
  cli=$BEFORE; [ $side = after ] && cli=$AFTER
  # --runs 0: no timing, only the dumps.
  node bench/engine-goals.mjs "${ARGS[@]}" --only "$ONLY" --runs 0 --cli "$cli" --dump "$out/$side" "${TREES[@]}" | grep '^dumped' | sed "s/^/$side: /"
done
if diff -r "$out/before" "$out/after" >/dev/null; then
  echo "identical findings: $(ls "$out/after" | tr '\n' ' ')"
else
  diff -r "$out/before" "$out/after" | head -40
  echo "FINDINGS DIFFER" >&2
  exit 1
fi
