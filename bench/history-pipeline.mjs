#!/usr/bin/env node
/**
 * The history scan's own CPU outside detection, stage by stage, in this process only (git's CPU is not
 * counted: process.cpuUsage), so a change to the git readers is measured on a loaded machine (issue 15).
 *   node bench/history-pipeline.mjs REPO [--runs N] [--base DIR] [--stages enumerate,read,lane]
 * Stages, each over the whole history of REPO (all refs):
 *   enumerate  pass 1's enumeration: the history source's git log --raw parsed, distinct blobs listed
 *   read       every listed blob read through one `git cat-file --batch` (readBlobs), nothing done with it
 *   lane       one reading lane (BlobScanner): read, sniff, decode and detect every blob
 * Prints the best CPU of N runs per stage (ms). --base DIR: another build's dist, run alternately in the
 * same process (paired: a loaded machine slows both alike), with the ratio per stage.
 */
import { resolve, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const repoPath = args[0];
if (!repoPath || repoPath.startsWith('--')) {
  console.error('usage: node bench/history-pipeline.mjs REPO [--runs N] [--base DIR] [--stages enumerate,read,lane]');
  process.exit(2);
}
const flag = (n) => {
  const i = args.indexOf(n);
  return i < 0 ? undefined : args[i + 1];
};
const runs = Number(flag('--runs') ?? 3);
const stages = (flag('--stages') ?? 'enumerate,read,lane').split(',');
const dist = resolve(join(dirname(fileURLToPath(import.meta.url)), '../dist'));

async function build(dir) {
  const m = async (p) => import(join(dir, p));
  const { HistorySource } = await m('sources/git/history-source.js');
  const { readBlobs } = await m('sources/git/blobs.js');
  const { BlobScanner } = await m('engine/blob-scanner.js');
  const { loadBuiltinRules } = await m('rules/load.js');
  const { createDetector } = await m('detect/detector.js');
  const { GATE_MAX_FILE_SIZE } = await m('engine/scanner.js');
  return { dir, HistorySource, readBlobs, BlobScanner, detector: createDetector(loadBuiltinRules(), { pathExclusions: false }), maxSize: GATE_MAX_FILE_SIZE, best: {} };
}

async function listBlobs(s) {
  const src = new s.HistorySource({ path: repoPath, progress: false });
  await src.open();
  await src.start({ scanned: 0, bytes: 0 });
  const out = [];
  for await (const b of src.blobs()) out.push(b);
  src.stop(true);
  return { repo: src.repo, blobs: out };
}

const cpu = async (fn) => {
  const t0 = process.cpuUsage();
  const r = await fn();
  const t = process.cpuUsage(t0);
  return { ms: (t.user + t.system) / 1000, r };
};

const subjects = [await build(dist)];
if (flag('--base')) subjects.push(await build(resolve(flag('--base'))));
const { repo, blobs } = await listBlobs(subjects[0]);
let bytes = 0;
for (let r = 0; r < runs; r++) {
  for (const s of r % 2 ? [...subjects].reverse() : subjects) {
    const keep = (k, ms) => (s.best[k] = Math.min(s.best[k] ?? Infinity, ms));
    if (stages.includes('enumerate')) keep('enumerate', (await cpu(() => listBlobs(s))).ms);
    if (stages.includes('read')) {
      const { ms, r: n } = await cpu(async () => {
        let n = 0;
        for await (const o of s.readBlobs(repo, blobs.map((b) => ({ sha: b.sha, meta: b.path })), { maxSize: s.maxSize, sizesFirst: false, maxInFlightChecks: 512, reuseBodies: true })) n += o.size;
        return n;
      });
      bytes = n;
      keep('read', ms);
    }
    if (stages.includes('lane')) {
      const { ms } = await cpu(async () => {
        let results = 0;
        const scanner = new s.BlobScanner(s.detector, repo, s.maxSize, 0, (_id, t) => (results += t.results.length));
        for (let i = 0; i < blobs.length; i += 256) scanner.push({ id: i, blobs: blobs.slice(i, i + 256).map((b) => [b.sha, b.path]) });
        scanner.end();
        await scanner.done;
        return results;
      });
      keep('lane', ms);
    }
  }
}
console.log(`${repoPath}: ${blobs.length} blobs, ${(bytes / 1e6).toFixed(1)} MB; best CPU (this process) of ${runs} runs:`);
for (const k of stages) {
  const a = subjects[0].best[k];
  const b = subjects[1]?.best[k];
  console.log(`  ${k.padEnd(10)} ${a.toFixed(0).padStart(6)} ms${b === undefined ? '' : `   base ${b.toFixed(0).padStart(6)} ms   this/base ${(a / b).toFixed(2)}x`}`);
}
