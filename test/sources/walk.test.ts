/**
 * The folder walk outside git (walk.ts): nested .gitignore files at any depth, and work that grows with
 * the number of entries, not with the cube of the nesting depth (2,000 nested folders took 23 s).
 * The depth check compares a deep chain with a flat folder of as many directories, walked in the same
 * process, so machine load cancels out; absolute figures are in bench/deep-folders.mjs.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { walkFolder } from '../../src/sources/walk.js';

const work = mkdtempSync(join(tmpdir(), 'sweep-walk-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function deepChain(root: string, depth: number): string {
  let dir = root;
  for (let i = 0; i < depth; i++) dir = join(dir, 'd');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'deep.txt'), 'x\n');
  return dir;
}

describe('walkFolder', () => {
  it('applies nested .gitignore files at depth, the deepest opinion winning', () => {
    const root = join(work, 'nested');
    const leaf = deepChain(root, 30);
    writeFileSync(join(root, '.gitignore'), '*.log\nsecret/\n');
    writeFileSync(join(leaf, 'a.log'), 'x\n');
    writeFileSync(join(leaf, 'keep.log'), 'x\n');
    writeFileSync(join(leaf, '.gitignore'), '!keep.log\n');
    mkdirSync(join(leaf, 'secret'));
    writeFileSync(join(leaf, 'secret', 'b.txt'), 'x\n');
    const mid = join(root, ...Array(10).fill('d'));
    writeFileSync(join(mid, '.gitignore'), 'deep.txt\n');
    const rel = 'd/'.repeat(30);
    expect(walkFolder(root, true).files.sort()).toEqual(['.gitignore', `${rel}.gitignore`, `${rel}keep.log`, `d/`.repeat(10) + '.gitignore'].sort());
    expect(walkFolder(root, false).files).toHaveLength(7);
  });

  it('a deep chain of folders costs about what as many folders side by side cost', () => {
    const n = 1500;
    const deep = join(work, 'deep');
    deepChain(deep, n);
    writeFileSync(join(deep, '.gitignore'), '*.log\n');
    const flat = join(work, 'flat');
    for (let i = 0; i < n; i++) mkdirSync(join(flat, `d${i}`), { recursive: true });
    writeFileSync(join(flat, '.gitignore'), '*.log\n');
    const time = (root: string) => {
      const t0 = performance.now();
      walkFolder(root, true);
      return performance.now() - t0;
    };
    time(flat); // warm up
    const flatMs = Math.min(time(flat), time(flat));
    const deepMs = Math.min(time(deep), time(deep));
    expect(walkFolder(deep, true).files).toContain(`${'d/'.repeat(n)}deep.txt`);
    // Cubic before: 1,500 levels took several seconds against tens of milliseconds flat.
    expect(deepMs).toBeLessThan(15 * flatMs + 300);
  }, 120_000);
});
