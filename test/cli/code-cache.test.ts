/**
 * `scan --staged` loads its one-file entry (dist/bundle/hook.cjs) through V8's code cache (bin/precompiled.js).
 * The cache is only a shortcut: a run with it reports exactly what a run without it does, and a damaged
 * cache, or one made for another bundle, is not used (V8 checks only the text's length: a damaged cache
 * crashed the process or ran wrong code) but replaced. Each case runs a private copy of the CLI, so that
 * damaging its cache cannot touch another test's runs.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, commit, keyLine, makeRepo, stage } from '../sources/git/helpers.js';

const ROOT = join(__dirname, '..', '..');
const temps: string[] = [];
afterAll(() => {
  temps.forEach((d) => rmSync(d, { recursive: true, force: true }));
  cleanup();
});

/** bin/, dist/ and package.json of this checkout in a folder of their own, node_modules linked. */
function privateCli(): { bin: string; cache: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ss-code-cache-'));
  temps.push(dir);
  for (const d of ['bin', 'dist']) cpSync(join(ROOT, d), join(dir, d), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  const cache = join(dir, 'dist/bundle/hook.cjs.v8-cache');
  rmSync(cache, { force: true });
  return { bin: join(dir, 'bin/secret-sweep.js'), cache };
}

function run(bin: string, cwd: string) {
  const r = spawnSync(process.execPath, [bin, 'scan', '--staged', '--no-color'], { cwd, encoding: 'utf8', env: { ...process.env, CI: 'true', NO_COLOR: '1' }, timeout: 120_000 });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** A repository with a staged leak: the run reports it (exit 1). */
function leakyRepo(): string {
  const r = makeRepo();
  commit(r, { 'README.md': 'hi\n' });
  stage(r, { 'settings.py': keyLine(91), 'clean.py': 'x = 1\n' });
  return r;
}

describe('the code cache of the pre-commit entry', () => {
  it('is written after a scan and used by the next run, which reports the same', () => {
    const { bin, cache } = privateCli();
    const repo = leakyRepo();
    const first = run(bin, repo);
    expect(first.code, first.stderr).toBe(1);
    expect(first.stdout).toMatch(/settings\.py/);
    expect(existsSync(cache)).toBe(true);
    const made = readFileSync(cache);
    const second = run(bin, repo);
    expect(second).toEqual(first);
    // Used, so not made again.
    expect(readFileSync(cache).equals(made)).toBe(true);
  });

  it('damaged anywhere, is not used (V8 checksums it): the same report, and a good cache replaces it', () => {
    const { bin, cache } = privateCli();
    const repo = leakyRepo();
    const want = run(bin, repo);
    expect(want.code, want.stderr).toBe(1);
    const good = readFileSync(cache);
    const key = good.indexOf(0x0a) + 1;
    for (const at of [key + 64, key + 4096, Math.floor(good.length / 3), Math.floor(good.length / 2), good.length - 4096, good.length - 8]) {
      const damaged = Buffer.from(good);
      damaged.fill(0xff, at, at + 4);
      writeFileSync(cache, damaged);
      expect(run(bin, repo), `bytes ${at}..${at + 4} damaged`).toEqual(want);
      const remade = readFileSync(cache);
      expect(remade.equals(damaged), `bytes ${at}..${at + 4} damaged`).toBe(false);
      // The new cache is good: the next run uses it.
      expect(run(bin, repo)).toEqual(want);
      expect(readFileSync(cache).equals(remade)).toBe(true);
    }
    // Cut short.
    writeFileSync(cache, good.subarray(0, good.length >> 1));
    expect(run(bin, repo)).toEqual(want);
  });

  it('made for another bundle or another Node, is not used but replaced', () => {
    const { bin, cache } = privateCli();
    const repo = leakyRepo();
    const want = run(bin, repo);
    const good = readFileSync(cache);
    const keyEnd = good.indexOf(0x0a);
    const [name, node, arch] = good.toString('latin1', 0, keyEnd).split(' ');
    expect(name).toMatch(/^[0-9a-f]{64}$/);
    expect(node).toBe(process.version);
    for (const key of [`${'0'.repeat(64)} ${node} ${arch}`, `${name} v1.0.0 ${arch}`]) {
      const other = Buffer.concat([Buffer.from(key, 'latin1'), good.subarray(keyEnd)]);
      writeFileSync(cache, other);
      expect(run(bin, repo)).toEqual(want);
      expect(readFileSync(cache).subarray(0, keyEnd).toString('latin1')).toBe(`${name} ${node} ${arch}`);
    }
  });

  it('of the scan entry (dist/bundle/scan.cjs, a folder\'s `scan`) is written after a scan and used by the next run, which reports the same', () => {
    const { bin } = privateCli();
    const cache = join(bin, '../../dist/bundle/scan.cjs.v8-cache');
    rmSync(cache, { force: true });
    const repo = leakyRepo();
    const scan = () => {
      const r = spawnSync(process.execPath, [bin, 'scan', '.', '--no-color'], { cwd: repo, encoding: 'utf8', env: { ...process.env, CI: 'true', NO_COLOR: '1' }, timeout: 120_000 });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    const first = scan();
    expect(first.code, first.stderr).toBe(1);
    expect(first.stdout).toMatch(/settings\.py/);
    const made = readFileSync(cache);
    expect(scan()).toEqual(first);
    expect(readFileSync(cache).equals(made)).toBe(true);
  });

  it('is named on the bundle\'s first line by the bundle\'s content, and not packed', () => {
    for (const entry of ['hook.cjs', 'scan.cjs']) {
      const text = readFileSync(join(ROOT, 'dist/bundle', entry), 'utf8');
      const m = /^\/\/ bundle ([0-9a-f]{64})\n/.exec(text);
      expect(m, entry).not.toBeNull();
      expect(createHash('sha256').update(text.slice(m![0].length)).digest('hex'), entry).toBe(m![1]);
    }
    const files = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] }).files;
    expect(files).toContain('!dist/bundle/*.v8-cache');
  });
});
