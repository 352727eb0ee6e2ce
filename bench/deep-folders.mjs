#!/usr/bin/env node
// Folder walk outside git against nesting depth: `node bench/deep-folders.mjs [depth...]` (default 500 1000 2000).
// Builds a chain of N nested folders with a root .gitignore and one file at the bottom, then times
// `secret-sweep scan` on it. Before walk.ts built each folder's .gitignore list from its parent's, the
// walk was cubic in the depth: 1,000 levels 3.3 s, 2,000 levels 23 s.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/secret-sweep.js', import.meta.url));
const depths = process.argv.slice(2).map(Number).filter((n) => n > 0);
for (const depth of depths.length ? depths : [500, 1000, 2000]) {
  const root = mkdtempSync(join(tmpdir(), 'sweep-bench-deep-'));
  try {
    let dir = root;
    for (let i = 0; i < depth; i++) dir = join(dir, 'd');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'f.txt'), 'x\n');
    writeFileSync(join(root, '.gitignore'), '*.log\n');
    const t0 = performance.now();
    execFileSync(process.execPath, [BIN, 'scan', root], { stdio: 'ignore' });
    console.log(`${depth} nested folders: ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
