#!/usr/bin/env node
// What do the rule changes since a revision cost? Runs the detector over a corpus with the rules as they
// were at BASE_REV (the ids that existed then, with their regex, keywords and filters of then) and with all
// built-in rules now, alternating, and prints the best CPU time of each (CPU time, best of N: the machine
// is shared, so wall time and single runs are noise). A changed keyword list or regex counts too.
// Usage: node bench/rule-set-cost.mjs BASE_REV [CORPUS_DIR] [RUNS]
//   (npm run build first; make a corpus with: node bench/gen-corpus.mjs /tmp/ss-corpus 20)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fg from 'fast-glob';
import { parse } from 'yaml';
import { loadBuiltinRules } from '../dist/rules/load.js';
import { createDetector } from '../dist/detect/detector.js';

const [base, dir = '/tmp/ss-corpus', runs = '5'] = process.argv.slice(2);
if (!base) {
  console.error('usage: node bench/rule-set-cost.mjs BASE_REV [CORPUS_DIR] [RUNS]');
  process.exit(2);
}
const git = (...a) => execFileSync('git', a, { encoding: 'utf8' });
const baseRules = new Map(); // id → the rule as written at BASE_REV
for (const f of git('ls-tree', '--name-only', `${base}:rules`).split('\n').filter((n) => n.endsWith('.yaml'))) {
  for (const r of parse(git('show', `${base}:rules/${f}`))?.rules ?? []) baseRules.set(r.id, r);
}
const texts = fg.sync('**', { cwd: dir, onlyFiles: true }).sort().map((f) => [f, readFileSync(`${dir}/${f}`, 'utf8')]);
const all = loadBuiltinRules();
const before = all.filter((r) => baseRules.has(r.id)).map((r) => {
  const was = baseRules.get(r.id);
  return { ...r, regex: was.regex, keywords: (was.keywords ?? []).map((k) => String(k).toLowerCase()), entropy: was.entropy, allowlist: was.allowlist, multiline: was.multiline === true, validator: was.validator };
});
const changed = before.filter((r, i) => r.regex !== all.find((x) => x.id === r.id).regex || r.keywords.join() !== all.find((x) => x.id === r.id).keywords.join()).length;

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
console.log(`corpus ${mb.toFixed(1)} MB; rules at ${base}: ${before.length} (${changed} with another regex or keywords now), now: ${all.length}`);
console.log(`best CPU: ${a.toFixed(0)} ms → ${b.toFixed(0)} ms (${((b / a - 1) * 100).toFixed(1)}%)`);
