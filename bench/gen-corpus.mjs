#!/usr/bin/env node
// Builds a deterministic corpus of real, mixed source text for throughput benchmarks:
// text files from this project's node_modules and Debian's Python standard library, copied in a fixed
// order (sorted paths) until the target size is reached (repeating with a round suffix if needed).
// Usage: node bench/gen-corpus.mjs OUT_DIR SIZE_MB
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join, dirname, extname } from 'node:path';
import { fileURLToPath } from 'node:url';

const [out = '/tmp/secret-sweep-bench/corpus', sizeMb = '200'] = process.argv.slice(2);
const target = Number(sizeMb) * 1024 * 1024;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const EXT = new Set(['.js', '.mjs', '.cjs', '.ts', '.py', '.json', '.md', '.yaml', '.yml', '.txt', '.cfg', '.ini', '.sh', '.html', '.css', '.c', '.h', '.toml']);

function walk(dir, acc) {
  let names;
  try { names = readdirSync(dir).sort(); } catch { return acc; }
  for (const n of names) {
    const p = join(dir, n);
    let st;
    try { st = statSync(p); } catch { continue; }
    if (st.isDirectory()) walk(p, acc);
    else if (st.isFile() && EXT.has(extname(n)) && st.size < 2_000_000) acc.push([p, st.size]);
  }
  return acc;
}

if (existsSync(join(out, '.complete')) && readFileSync(join(out, '.complete'), 'utf8') === String(target)) {
  console.log(`corpus ready: ${out}`);
  process.exit(0);
}
const sources = [...walk(join(root, 'node_modules'), []), ...walk('/usr/lib/python3.11', [])];
let written = 0;
let files = 0;
for (let round = 0; written < target; round++) {
  for (const [p] of sources) {
    if (written >= target) break;
    const buf = readFileSync(p);
    const rel = p.replace(/^\/+/, '').replace(/[^A-Za-z0-9._/-]/g, '_');
    const dest = join(out, `r${round}`, rel);
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, buf);
    written += buf.length;
    files++;
  }
  if (sources.length === 0) throw new Error('no source files found');
}
writeFileSync(join(out, '.complete'), String(target));
console.log(`corpus: ${out}: ${files} files, ${(written / 1048576).toFixed(1)} MB`);
