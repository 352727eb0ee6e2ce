#!/usr/bin/env node
// Which rules cost the most? Runs each built-in rule alone over a sample of the corpus and prints the
// slowest, so a rule with a too-common keyword or a whole-file multiline regex is easy to spot.
// Usage: node bench/rule-cost.mjs [CORPUS_DIR] [SAMPLE_MB]
import { readFileSync } from 'node:fs';
import fg from 'fast-glob';
import { loadBuiltinRules } from '../dist/rules/load.js';
import { createDetector } from '../dist/detect/detector.js';

const [dir = '/tmp/secret-sweep-bench/corpus', mb = '20'] = process.argv.slice(2);
const files = fg.sync('**', { cwd: dir, onlyFiles: true }).sort();
const texts = [];
let size = 0;
for (const f of files) {
  if (size > Number(mb) * 1048576) break;
  const t = readFileSync(`${dir}/${f}`, 'utf8');
  texts.push([f, t]);
  size += t.length;
}
const rows = [];
for (const rule of loadBuiltinRules()) {
  const d = createDetector([rule]);
  const t0 = performance.now();
  let n = 0;
  for (const [path, text] of texts) n += d.detect({ text, provenance: { kind: 'file', path } }).length;
  rows.push([performance.now() - t0, rule.id, n, rule.multiline ? 'multiline' : '']);
}
rows.sort((a, b) => b[0] - a[0]);
console.log(`sample: ${(size / 1048576).toFixed(1)} MB, ${texts.length} files`);
for (const [ms, id, n, ml] of rows.slice(0, 25)) console.log(`${ms.toFixed(0).padStart(6)} ms  ${id.padEnd(40)} ${String(n).padStart(4)} findings ${ml}`);
