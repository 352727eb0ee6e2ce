#!/usr/bin/env node
/**
 * The detector alone over every blob of a repository's history, in one thread (no git in the timing):
 * what detector changes are measured with, and a fast identity check (issue 15).
 *   node bench/detector-blobs.mjs REPO [--head] [--runs N] [--jsonl OUT] [--dist DIR] [--base DIR]
 * --head: only the blobs of HEAD's tree (the working tree's content) instead of every blob of history.
 * Blobs are read once into memory with `git cat-file`, each at the path it was first seen at (rev-list
 * --objects), then run through detectBlob (the history scan's per-blob step: byte prefilter, windows,
 * detection) N times; prints the best CPU time and MB/s. --jsonl writes the sorted findings.
 * --base DIR: another build's dist (e.g. the branch point's, built in a temporary checkout) run in the same
 * process, alternating with this one run by run (paired: a loaded machine slows both alike); prints both
 * best CPU times and their ratio, and exits 1 if the two find different things.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { resolve, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const repo = args[0];
if (!repo) { console.error('usage: node bench/detector-blobs.mjs REPO [--runs N] [--jsonl OUT] [--dist DIR] [--base DIR]'); process.exit(2); }
const flag = (n) => { const i = args.indexOf(n); return i < 0 ? undefined : args[i + 1]; };
const runs = Number(flag('--runs') ?? 3);
const dist = resolve(flag('--dist') ?? join(dirname(fileURLToPath(import.meta.url)), '../dist'));
const { skipReason } = await import(join(dist, 'sources/decode-text.js'));

const paths = new Map();
const head = args.includes('--head');
const listing = head ? ['ls-tree', '-r', 'HEAD'] : ['rev-list', '--all', '--objects'];
for (const line of execFileSync('git', ['-C', repo, ...listing], { maxBuffer: 1 << 30, encoding: 'utf8' }).split('\n')) {
  const m = head ? /^\d+ blob ([0-9a-f]+)\t(.*)$/.exec(line) : /^([0-9a-f]+) (.*)$/.exec(line);
  if (m && !paths.has(m[1])) paths.set(m[1], m[2]);
}
const all = head
  ? execFileSync('git', ['-C', repo, 'cat-file', '--batch'], { input: [...paths.keys()].join('\n') + '\n', maxBuffer: 2 ** 31 })
  : execFileSync('git', ['-C', repo, 'cat-file', '--batch-all-objects', '--batch'], { maxBuffer: 2 ** 31 });
const blobs = [];
let bytes = 0;
for (let p = 0; p < all.length; ) {
  const nl = all.indexOf(10, p);
  const [sha, type, size] = all.subarray(p, nl).toString().split(' ');
  const data = all.subarray(nl + 1, nl + 1 + Number(size));
  p = nl + 2 + Number(size);
  if (type !== 'blob' || !paths.has(sha) || data.length > 100 << 20 || skipReason(data)) continue;
  blobs.push({ sha, path: paths.get(sha), data });
  bytes += data.length;
}
async function build(dir) {
  const { loadBuiltinRules } = await import(join(dir, 'rules/load.js'));
  const { createDetector } = await import(join(dir, 'detect/detector.js'));
  const { detectBlob } = await import(join(dir, 'engine/detect-blob.js'));
  return { detector: createDetector(loadBuiltinRules()), detectBlob, best: Infinity, out: [] };
}
const subjects = [await build(dist)];
const baseDir = flag('--base');
if (baseDir) subjects.push(await build(resolve(baseDir)));
for (let r = 0; r < runs; r++) {
  for (const s of subjects) {
    const out = [];
    const t0 = process.cpuUsage();
    for (const b of blobs) {
      const res = s.detectBlob(s.detector, b, 0);
      if (res) for (const f of res.findings) out.push({ ...f, blob: b.sha });
    }
    const t = process.cpuUsage(t0);
    s.best = Math.min(s.best, (t.user + t.system) / 1e6);
    s.out = out;
  }
}
const [{ best, out }] = subjects;
console.log(`${blobs.length} blobs, ${(bytes / 1e6).toFixed(1)} MB, ${out.length} findings; best CPU of ${runs}: ${best.toFixed(2)} s (${(bytes / 1e6 / best).toFixed(0)} MB/s)`);
const rowsOf = (found) => found.map((f) => JSON.stringify({ file: f.file, sha: f.blob ?? f.provenance?.blob, line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn, rule: f.rule, fingerprint: f.fingerprint, key: f.key, decodedFrom: f.decodedFrom, suppressed: f.suppressed, entropy: f.entropy, start: f.start, end: f.end })).sort();
let differ = false;
if (baseDir) {
  const b = subjects[1];
  differ = rowsOf(b.out).join('\n') !== rowsOf(out).join('\n');
  console.log(`base ${baseDir}: best CPU ${b.best.toFixed(2)} s; this build / base = ${(best / b.best).toFixed(2)}x; findings ${differ ? 'DIFFER' : 'identical'}`);
}
const jsonl = flag('--jsonl');
if (jsonl) writeFileSync(jsonl, rowsOf(out).join('\n') + '\n');
if (differ) process.exitCode = 1;
