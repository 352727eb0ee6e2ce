#!/usr/bin/env node
// What do the rules added since a revision cost? Runs the detector over a corpus with the rules whose ids
// existed at BASE_REV and with all built-in rules, alternating, and prints the best CPU time of each
// (CPU time, best of N: the machine is shared, so wall time and single runs are noise).
// Usage: node bench/rule-set-cost.mjs BASE_REV [CORPUS_DIR] [RUNS]
//   (npm run build first; make a corpus with: node bench/gen-corpus.mjs /tmp/ss-corpus 20)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fg from 'fast-glob';
import { loadBuiltinRules } from '../dist/rules/load.js';
import { createDetector } from '../dist/detect/detector.js';

const [base, dir = '/tmp/ss-corpus', runs = '5'] = process.argv.slice(2);
if (!base) {
  console.error('usage: node bench/rule-set-cost.mjs BASE_REV [CORPUS_DIR] [RUNS]');
  process.exit(2);
}
const git = (...a) => execFileSync('git', a, { encoding: 'utf8' });
const baseIds = new Set();
for (const f of git('ls-tree', '--name-only', `${base}:rules`).split('\n').filter((n) => n.endsWith('.yaml'))) {
  for (const m of git('show', `${base}:rules/${f}`).matchAll(/^  - id: ([a-z0-9-]+)$/gm)) baseIds.add(m[1]);
}
const texts = fg.sync('**', { cwd: dir, onlyFiles: true }).sort().map((f) => [f, readFileSync(`${dir}/${f}`, 'utf8')]);
const all = loadBuiltinRules();
const before = all.filter((r) => baseIds.has(r.id));

function cpuMs(rules) {
  const d = createDetector(rules);
  const t0 = process.cpuUsage();
  for (const [path, text] of texts) d.detect({ text, provenance: { kind: 'file', path } });
  const u = process.cpuUsage(t0);
  return (u.user + u.system) / 1000;
}
cpuMs(all); // warm-up
let a = Infinity;
let b = Infinity;
for (let i = 0; i < Number(runs); i++) {
  a = Math.min(a, cpuMs(before));
  b = Math.min(b, cpuMs(all));
}
const mb = texts.reduce((n, [, t]) => n + t.length, 0) / 1048576;
console.log(`corpus ${mb.toFixed(1)} MB; rules at ${base}: ${before.length}, now: ${all.length}`);
console.log(`best CPU: ${a.toFixed(0)} ms → ${b.toFixed(0)} ms (${((b / a - 1) * 100).toFixed(1)}%)`);
