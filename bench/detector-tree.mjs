#!/usr/bin/env node
/**
 * The tree scan's per-file work without the I/O (bytes -> text -> detect, as a lane does for each file),
 * over every file of a folder held in memory, in one thread: what detector changes on the working-tree
 * path are measured with (issue 15), and a fast identity check.
 *   node bench/detector-tree.mjs DIR [--runs N] [--dist DIR] [--base DIR]
 * --base DIR: another build's dist (e.g. the branch point's, built in a temporary checkout with
 * node_modules linked) run in the same process, alternating with this one run by run (paired: a loaded
 * machine slows both alike); prints both best CPU times and their ratio, and exits 1 if the two find
 * different things. Warm figures (best of N): the JIT has compiled the hot loops, unlike a real scan.
 */
import { readFileSync, readdirSync, lstatSync } from 'node:fs';
import { resolve, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const dir = args[0];
if (!dir) { console.error('usage: node bench/detector-tree.mjs DIR [--runs N] [--dist DIR] [--base DIR]'); process.exit(2); }
const flag = (n) => { const i = args.indexOf(n); return i < 0 ? undefined : args[i + 1]; };
const runs = Number(flag('--runs') ?? 5);
const dist = resolve(flag('--dist') ?? join(dirname(fileURLToPath(import.meta.url)), '../dist'));

const files = [];
(function walk(d, rel) {
  for (const name of readdirSync(d).sort()) {
    if (name === '.git') continue;
    const abs = join(d, name);
    const st = lstatSync(abs);
    if (st.isDirectory()) walk(abs, rel ? `${rel}/${name}` : name);
    else if (st.isFile() && st.size <= 8 << 20) files.push([rel ? `${rel}/${name}` : name, readFileSync(abs)]);
  }
})(resolve(dir), '');

async function build(d) {
  const { loadBuiltinRules } = await import(join(d, 'rules/load.js'));
  const { createDetector } = await import(join(d, 'detect/detector.js'));
  const { bytesToText, skipReason } = await import(join(d, 'sources/decode-text.js'));
  return { name: d, detector: createDetector(loadBuiltinRules()), bytesToText, skipReason, best: Infinity, out: '' };
}
const subjects = [await build(dist)];
const baseDir = flag('--base');
if (baseDir) subjects.push(await build(resolve(baseDir)));
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
for (let r = 0; r < runs; r++) {
  for (const s of r % 2 ? [...subjects].reverse() : subjects) {
    const t0 = cpu();
    const out = [];
    for (const [path, bytes] of files) {
      if (s.skipReason(bytes)) continue;
      const text = s.bytesToText(bytes);
      for (const f of s.detector.detect({ text, provenance: { kind: 'file', path } })) {
        out.push(JSON.stringify([path, f.line, f.column, f.endLine, f.endColumn, f.rule, f.fingerprint, f.key, f.decodedFrom, f.suppressed, f.entropy]));
      }
    }
    s.best = Math.min(s.best, cpu() - t0);
    s.out = out.sort().join('\n');
  }
}
const mb = files.reduce((a, [, b]) => a + b.length, 0) / 1e6;
const [self, base] = subjects;
console.log(`${files.length} files, ${mb.toFixed(1)} MB, ${self.out ? self.out.split('\n').length : 0} findings; best CPU of ${runs}: ${self.best.toFixed(0)} ms (${(mb / (self.best / 1000)).toFixed(0)} MB/s)`);
if (base) {
  const same = base.out === self.out;
  console.log(`base ${base.name}: best CPU ${base.best.toFixed(0)} ms; this build / base = ${(self.best / base.best).toFixed(2)}x; findings ${same ? 'identical' : 'DIFFERENT'}`);
  if (!same) process.exitCode = 1;
}
