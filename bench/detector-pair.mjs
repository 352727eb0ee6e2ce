#!/usr/bin/env node
/**
 * Two builds of the detector over the same blobs, in one process, runs alternating (A B, B A, ...): a
 * paired CPU-time comparison that a loaded shared machine does not skew one way (round 2 of the gate
 * red team measured its decode changes with it).
 *   node bench/detector-pair.mjs REPO --base DIST [--runs N] [--dist DIST] [--head]
 * --base: the other build's dist/ (e.g. `git worktree` of the base commit, built); --dist: this one's.
 * Blobs as in detector-blobs.mjs (every blob of history at its first path), objects missing from a partial
 * clone left out. Prints each run's CPU time and findings count, the best of each and their ratio.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { resolve, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const repo = args[0];
if (!repo) { console.error('usage: node bench/detector-pair.mjs REPO --base DIST [--runs N] [--dist DIST] [--head]'); process.exit(2); }
const flag = (n) => { const i = args.indexOf(n); return i < 0 ? undefined : args[i + 1]; };
const runs = Number(flag('--runs') ?? 3);
const dist = resolve(flag('--dist') ?? join(dirname(fileURLToPath(import.meta.url)), '../dist'));
const { loadBuiltinRules } = await import(join(dist, 'rules/load.js'));
const { createDetector } = await import(join(dist, 'detect/detector.js'));
const { detectBlob } = await import(join(dist, 'engine/detect-blob.js'));
const { skipReason } = await import(join(dist, 'sources/decode-text.js'));

const paths = new Map();
const head = args.includes('--head');
const listing = head ? ['ls-tree', '-r', 'HEAD'] : ['rev-list', '--all', '--objects', '--missing=allow-any'];
for (const line of execFileSync('git', ['-C', repo, ...listing], { maxBuffer: 1 << 30, encoding: 'utf8' }).split('\n')) {
  const m = head ? /^\d+ blob ([0-9a-f]+)\t(.*)$/.exec(line) : /^([0-9a-f]+) (.*)$/.exec(line);
  if (m && !paths.has(m[1])) paths.set(m[1], m[2]);
}
const all = head
  ? execFileSync('git', ['-C', repo, 'cat-file', '--batch'], { input: [...paths.keys()].join('\n') + '\n', maxBuffer: 2 ** 31 })
  : execFileSync('git', ['-C', repo, 'cat-file', '--batch'], { input: [...paths.keys()].join('\n') + '\n', maxBuffer: 2 ** 31 });
const blobs = [];
let bytes = 0;
for (let p = 0; p < all.length; ) {
  const nl = all.indexOf(10, p);
  const [sha, type, size] = all.subarray(p, nl).toString().split(' ');
  if (type === 'missing') { p = nl + 1; continue; }
  const data = all.subarray(nl + 1, nl + 1 + Number(size));
  p = nl + 2 + Number(size);
  if (type !== 'blob' || !paths.has(sha) || data.length > 100 << 20 || skipReason(data)) continue;
  blobs.push({ sha, path: paths.get(sha), data });
  bytes += data.length;
}

const other = flag('--base') ? resolve(flag('--base')) : undefined;
if (!other) { console.error('usage: node bench/detector-pair.mjs REPO --base DIST [--runs N] [--dist DIST]'); process.exit(2); }
const B = { createDetector: (await import(join(other, 'detect/detector.js'))).createDetector, detectBlob: (await import(join(other, 'engine/detect-blob.js'))).detectBlob, rules: (await import(join(other, 'rules/load.js'))).loadBuiltinRules() };
const N = { createDetector, detectBlob, rules: loadBuiltinRules() };
const dets = { base: [B, B.createDetector(B.rules)], new: [N, N.createDetector(N.rules)] };
const best = { base: Infinity, new: Infinity }; const counts = {};
const sub = process.env.SUB ? blobs.filter((b) => new RegExp(process.env.SUB).test(b.path)) : blobs;
for (let r = 0; r < runs; r++) for (const k of r % 2 ? ['new', 'base'] : ['base', 'new']) {
  const [m, d] = dets[k]; let n = 0;
  const t0 = process.cpuUsage();
  for (const b of sub) { const res = m.detectBlob(d, b, 0); if (res) n += res.findings.length; }
  const t = process.cpuUsage(t0); const s = (t.user + t.system) / 1e6;
  best[k] = Math.min(best[k], s); counts[k] = n;
  console.log(k, s.toFixed(2), n);
}
console.log(sub.length, 'blobs; best', best, counts, 'ratio', (best.new / best.base).toFixed(3));
