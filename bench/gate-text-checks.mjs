#!/usr/bin/env node
/**
 * What the gate's extra look at text blobs costs (gate round 5: `hidesBinary`, a NUL past git's 8000-byte
 * sniff or a gzip signature anywhere), against detection of the same blobs. CPU time (process.cpuUsage),
 * best of N, on every blob of a repository's history that git calls text.
 *   node bench/gate-text-checks.mjs REPO [--runs N]
 */
import { execFileSync } from 'node:child_process';
import { resolve, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const repo = args[0];
if (!repo) { console.error('usage: node bench/gate-text-checks.mjs REPO [--runs N]'); process.exit(2); }
const runs = Number(args[args.indexOf('--runs') + 1] || 5);
const dist = join(dirname(fileURLToPath(import.meta.url)), '../dist');
const { hidesBinary } = await import(join(dist, 'sources/binary-text.js'));
const { skipReason } = await import(join(dist, 'sources/decode-text.js'));
const { loadBuiltinRules } = await import(join(dist, 'rules/load.js'));
const { createDetector } = await import(join(dist, 'detect/detector.js'));
const { detectBlob } = await import(join(dist, 'engine/detect-blob.js'));

const shas = [...new Set(execFileSync('git', ['-C', resolve(repo), 'rev-list', '--all', '--objects'], { maxBuffer: 1 << 30, encoding: 'utf8' }).split('\n').map((l) => l.split(' ')[0]).filter(Boolean))];
const all = execFileSync('git', ['-C', resolve(repo), 'cat-file', '--batch'], { input: shas.join('\n') + '\n', maxBuffer: 2 ** 31 });
const blobs = [];
for (let p = 0; p < all.length; ) {
  const nl = all.indexOf(10, p);
  const [sha, type, size] = all.toString('latin1', p, nl).split(' ');
  const data = all.subarray(nl + 1, nl + 1 + Number(size));
  p = nl + 2 + Number(size);
  if (type === 'blob' && skipReason(data) === undefined) blobs.push({ sha, data });
}
const bytes = blobs.reduce((n, b) => n + b.data.length, 0);
const cpu = (f) => { const t = process.cpuUsage(); f(); const d = process.cpuUsage(t); return (d.user + d.system) / 1e3; };
let hits = 0;
const check = Math.min(...Array.from({ length: runs }, () => cpu(() => { hits = 0; for (const b of blobs) if (hidesBinary(b.data)) hits++; })));
const detector = createDetector(await loadBuiltinRules(), { hardNegatives: false });
const detect = Math.min(...Array.from({ length: Math.max(1, Math.floor(runs / 2)) }, () => cpu(() => { for (const b of blobs) detectBlob(detector, { sha: b.sha, path: 'x', data: b.data }); })));
console.log(`${blobs.length} text blobs, ${(bytes / 1e6).toFixed(1)} MB; hidesBinary true for ${hits}`);
console.log(`hidesBinary: ${check.toFixed(1)} ms CPU (best of ${runs}); detection: ${detect.toFixed(0)} ms CPU; extra ${((100 * check) / detect).toFixed(2)}%`);
