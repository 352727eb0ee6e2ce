/**
 * A command line that goes through yargs must not build what only yargs' help layout uses: string-width's
 * Intl.Segmenter (and its `\p{RGI_Emoji}` regex) cost half a `node -e 0` at load (scripts/bundle.mjs makes
 * them lazy). Help text, which measures its columns with them, still works.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ss-lazy-sw-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Preloaded into the CLI's process: counts the Intl.Segmenters made, reported on exit.
const preload = join(dir, 'count-segmenters.cjs');
writeFileSync(
  preload,
  `const Real = Intl.Segmenter; let made = 0;
Intl.Segmenter = class extends Real { constructor(...a) { super(...a); made++; } };
process.on('exit', () => process.stderr.write('segmenters made: ' + made + '\\n'));`,
);

function run(args: string[]): { code: number | null; stdout: string; made: number } {
  const r = spawnSync(process.execPath, ['--require', preload, BIN, ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 256 << 20, timeout: 60_000 });
  const m = /segmenters made: (\d+)/.exec(r.stderr);
  return { code: r.status, stdout: r.stdout, made: m ? Number(m[1]) : -1 };
}

describe('yargs start-up', () => {
  it('a scan parsed by yargs makes no Intl.Segmenter', () => {
    const empty = mkdtempSync(join(dir, 'empty-'));
    // -j is not one of the shapes the fast paths take (hook-argv.ts): this goes through yargs.
    const r = run(['scan', empty, '-j', '1', '--no-color']);
    expect(r.code).toBe(0);
    expect(r.made).toBe(0);
  }, 60_000);

  it('help still lays out its columns (it makes the segmenter when it measures text)', () => {
    const r = run(['scan', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--staged\s+Scan what is staged/);
    expect(r.made).toBeGreaterThan(0);
  }, 60_000);
});
