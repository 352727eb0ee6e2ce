#!/usr/bin/env node
// Precision / recall / F1 of the built CLI on the labelled corpus (bench/lib/labelled.mjs): realistic
// files with real-format fake credentials and hard negatives, generated at run time into a temp folder.
//
// Usage: node bench/accuracy.mjs [--seed N] [--repos N] [--keep]
//   (build first: npm run build). Prints F1=... on its own line; exits 0 whatever the score.
// Secrets never reach the output: misses and false positives show a 4-character prefix only.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatReport, generateCorpus, score } from './lib/labelled.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const seed = opt('--seed', 20240611);
const repos = opt('--repos', 3);
const keep = args.includes('--keep');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'secret-sweep.js');

const t0 = Date.now();
const { files, labels } = generateCorpus({ seed, repos });
const dir = mkdtempSync(join(tmpdir(), 'secret-sweep-accuracy-'));
for (const f of files) {
  const p = join(dir, f.path);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, f.text, { mode: 0o600 });
}
const genMs = Date.now() - t0;

const t1 = Date.now();
// --show-secrets: the plaintext is needed to match findings to labels; it stays inside this process.
const run = spawnSync(process.execPath, [bin, 'scan', dir, '--format', 'jsonl', '--show-secrets', '--no-color'], { encoding: 'utf8', maxBuffer: 256 << 20 });
const scanMs = Date.now() - t1;
if (run.status !== 0 && run.status !== 1) {
  console.error(`scan failed (exit ${run.status}): ${(run.stderr || '').split('\n')[0]}`);
  console.log('F1=0');
  if (!keep) rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}
const findings = run.stdout
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l))
  .filter((f) => f.suppressed !== true) // listed suppressions (inline allow markers) are not findings
  .map((r) => ({ rule: r.rule, file: r.file, line: r.line, endLine: r.endLine, secret: r.match }));

const res = score(labels, findings);
console.log(`corpus: ${files.length} files in ${repos} repos (seed ${seed}), generated in ${genMs} ms; scan ${scanMs} ms; ${findings.length} findings`);
console.log(formatReport(res));
if (keep) console.log(`\ncorpus kept at ${dir}`);
else rmSync(dir, { recursive: true, force: true });
