#!/usr/bin/env node
/**
 * The migrate fault loop at full size (not in CI): `migrate --apply` against the local Secrets Manager
 * with throttling, 500s, dropped connections, lost answers, slow answers and expired credentials
 * injected, and SIGKILL at journal steps and at random moments, re-run until it exits 0; every run must
 * end in the clean run's final state (test/support/migrate-fault-loop.ts says what is checked). Prints
 * the runs, how many reached the correct final state, the faults injected per kind, the kills per kind
 * and the time.
 *
 *   node bench/migrate-faults.mjs                 # 200 runs, random seed (printed)
 *   node bench/migrate-faults.mjs 500             # 500 runs
 *   SWEEP_SEED=42 node bench/migrate-faults.mjs   # a given seed; SWEEP_FAULT_ONLY=<index> for one run
 *   node bench/migrate-faults.mjs --sweep         # and the crash sweep: every journal record of every
 *                                                 # layout as a kill point, without faults
 *
 * Runs test/hardening/migrate-faults.test.ts under vitest (the loop is TypeScript) with SWEEP_FAULT_RUNS.
 * Needs `npm run build` first; the CLI is copied to bench/out/migrate-faults-cli/ so that a rebuild in
 * this checkout while the loop runs cannot change the program under test. Other variables as in the test
 * (SWEEP_FAULT_PARALLEL, SWEEP_FAULT_LAYOUTS, SWEEP_KEEP_FAILED, SWEEP_FAULT_VERBOSE).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const runs = Number(args.find((a) => /^\d+$/.test(a)) ?? process.env.SWEEP_FAULT_RUNS ?? 200);
const sweep = args.includes('--sweep');
const seed = process.env.SWEEP_SEED ?? String(Math.floor(Math.random() * 2 ** 31));

if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
  console.error('run `npm run build` first');
  process.exit(2);
}
// A private copy of the CLI (bin, dist, rules), inside the checkout so node_modules still resolves.
const snap = join(ROOT, 'bench', 'out', 'migrate-faults-cli');
rmSync(snap, { recursive: true, force: true });
for (const d of ['bin', 'dist', 'rules']) cpSync(join(ROOT, d), join(snap, d), { recursive: true });

const tmp = mkdtempSync(join(tmpdir(), 'ss-fault-bench-'));
const summaryFile = join(tmp, 'summary.json');
const t0 = Date.now();
const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'test/hardening/migrate-faults.test.ts'], {
  cwd: ROOT,
  stdio: 'inherit',
  env: {
    ...process.env,
    SWEEP_SEED: seed,
    SWEEP_FAULT_RUNS: String(runs),
    SWEEP_FAULT_SUMMARY: summaryFile,
    SWEEP_FAULT_BIN: join(snap, 'bin', 'secret-sweep.js'),
    ...(sweep ? { SWEEP_FAULT_SWEEP: '1' } : {}),
  },
});
const wall = (Date.now() - t0) / 1000;

if (!existsSync(summaryFile)) {
  console.error(`migrate-faults: the loop wrote no figures (vitest exit ${r.status})`);
  rmSync(tmp, { recursive: true, force: true });
  process.exit(r.status || 1);
}
const s = JSON.parse(readFileSync(summaryFile, 'utf8'));
const sw = existsSync(`${summaryFile}.sweep`) ? JSON.parse(readFileSync(`${summaryFile}.sweep`, 'utf8')) : undefined;
rmSync(tmp, { recursive: true, force: true });
const kinds = Object.keys(s.injected);
console.log('');
if (sw) {
  console.log('migrate crash sweep (every crash point of every layout, no faults, one re-run)');
  console.log(`  runs                 ${sw.runs}`);
  console.log(`  correct final state  ${sw.correct} of ${sw.runs}${sw.failed.length ? `  (failed: ${sw.failed.map((f) => `run ${f.index}`).join(', ')})` : ''}`);
  console.log(`  temp files after a kill (then removed by the re-run): ${sw.tempsAfterKill}`);
  console.log(`  time                 ${(sw.ms / 1000).toFixed(1)} s`);
}
console.log('migrate fault loop');
console.log(`  seed                 ${s.seed}`);
console.log(`  runs                 ${s.runs}`);
console.log(`  correct final state  ${s.correct} of ${s.runs}${s.failed.length ? `  (failed: ${s.failed.map((f) => `run ${f.index} seed ${f.seed}`).join(', ')})` : ''}`);
console.log(`  faults injected      ${kinds.map((k) => `${k} ${s.injected[k]}`).join(', ')} (total ${kinds.reduce((n, k) => n + s.injected[k], 0)})`);
console.log(`  kills (SIGKILL)      ${Object.entries(s.kills).map(([k, v]) => `${k} ${v.happened} (of ${v.planned} planned)`).join(', ')}`);
console.log(`  attempts             ${s.attempts} (runs by attempts needed: ${Object.entries(s.attemptsToSuccess).map(([n, c]) => `${n}: ${c}`).join(', ')})`);
console.log(`  temp files after a stop (then removed by the re-run): ${s.tempsAfterKill}`);
console.log(`  time                 ${(s.ms / 1000).toFixed(1)} s (all of vitest${sw ? ', the sweep included' : ''}: ${wall.toFixed(1)} s)`);
process.exit(r.status ?? 1);
