#!/usr/bin/env bash
# Time the installed pre-commit hook adds to `git commit`.
#  1. builds a repository of FILES (default 10,000) small source files in one commit (deterministic),
#  2. installs the hook with `secret-sweep hook install --git` (calling this checkout's bin/secret-sweep.js),
#  3. stages changes to 3 files and times `git commit` with the hook and with --no-verify (same index each
#     run: hyperfine's --prepare soft-resets to the base commit), median of RUNS runs each,
#  4. prints both medians and the difference (target: <= 300 ms added), the CPU time added (a cross-check
#     that hardly depends on machine load), and `scan --staged` alone and `node -e 0` for attribution.
# Usage: bench/hook.sh [FILES] [RUNS]   (needs hyperfine: installed from Debian if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
FILES=${1:-10000}
RUNS=${2:-15}
WORK=${BENCH_DIR:-/tmp/secret-sweep-bench}
REPO="$WORK/hook-repo-$FILES"
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }
[ -f dist/bundle/cli.js ] || npm run build >/dev/null

if [ ! -f "$REPO/.git/bench-complete" ]; then
  rm -rf "$REPO"; mkdir -p "$REPO"
  git -C "$REPO" init -q -b main
  node -e '
    const fs = require("fs"), path = require("path");
    const [dir, n] = [process.argv[1], Number(process.argv[2])];
    for (let i = 0; i < n; i++) {
      const d = path.join(dir, "src", "pkg" + String(i % 100).padStart(2, "0"));
      fs.mkdirSync(d, { recursive: true });
      const lines = [];
      for (let j = 0; j < 30; j++) lines.push(`export function f${i}_${j}(x) { return x * ${j} + ${i}; } // module ${i} line ${j}`);
      fs.writeFileSync(path.join(d, `mod${i}.js`), lines.join("\n") + "\n");
    }' "$REPO" "$FILES"
  git -C "$REPO" add -A
  git -C "$REPO" -c user.name=bench -c user.email=bench@example.invalid commit -q -m "corpus"
  touch "$REPO/.git/bench-complete"
fi
cd "$REPO"
git config user.name bench; git config user.email bench@example.invalid; git config commit.gpgsign false
BASE=$(git rev-list --max-parents=0 HEAD | tail -1)
git reset -q --hard "$BASE"
node "$ROOT/bin/secret-sweep.js" hook uninstall --git >/dev/null
node "$ROOT/bin/secret-sweep.js" hook install --git --command "node $ROOT/bin/secret-sweep.js" >/dev/null
# Three staged files: a few added lines each (one with a config-looking assignment, nothing secret).
for i in 1 $((FILES / 2)) $((FILES - 1)); do
  f=src/pkg$(printf %02d $((i % 100)))/mod$i.js
  printf 'export const settings%s = { retries: 3, region: "eu-west-1", timeoutMs: 2500 };\n' "$i" >> "$f"
  git add "$f"
done
echo "repo: $(git ls-files | wc -l) files, $(git diff --cached --name-only | wc -l) staged; cores: $(nproc); $(node --version); $(git --version)"
# The hook must pass on this change (a blocked commit would time the failure path).
git commit -q -m probe >/dev/null 2>&1 || { echo "the hook blocked or failed the probe commit:"; git commit -m probe; exit 1; }
OUT="$WORK/hook.json"
hyperfine --style basic -N -w 2 -r "$RUNS" \
  --prepare "git reset -q --soft $BASE" \
  -n "git commit (hook)" "git commit -q -m bench" \
  -n "git commit --no-verify" "git commit -q --no-verify -m bench" \
  -n "scan --staged alone" "node $ROOT/bin/secret-sweep.js scan --staged" \
  -n "node -e 0 (start-up floor)" "node -e 0" \
  --export-json "$OUT" >/dev/null
git reset -q --soft "$BASE"
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).results;
  const ms = (s) => (s * 1000).toFixed(0) + " ms";
  const [withHook, without] = r;
  for (const x of r) console.log(`${x.command.padEnd(26)} median ${ms(x.median)}  (min ${ms(x.min)}, max ${ms(x.max)}, ${x.times.length} runs)`);
  const added = withHook.median - without.median;
  console.log(`added by the hook (median difference): ${ms(added)}  target <= 300 ms: ${added <= 0.3 ? "met" : "NOT met"}`);
  // CPU time hardly depends on what else the machine is doing: a cross-check when wall time is noisy.
  const cpu = (x) => x.user + x.system;
  console.log(`CPU time (user+sys, mean) added: ${ms(cpu(withHook) - cpu(without))}; load average now: ${require("os").loadavg()[0].toFixed(2)} on ${require("os").cpus().length} cores`);
' "$OUT"
