/**
 * A pre-commit `scan --staged` at the top of its work tree starts three git processes: discovery (rev-parse),
 * the staged diff, and one `cat-file --batch` through which HEAD's config and then the staged blobs are read
 * (each process start costs a hook ~15 ms; HEAD's config used to cost an ls-tree and a cat-file of its own).
 * The config is still HEAD's, a symlink there is still refused, and the findings are those of the full CLI.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from '../support/cli.js';
import { cleanup, commit, git, keyLine, makeRepo, stage, write } from '../sources/git/helpers.js';

const temps: string[] = [];
afterAll(() => {
  temps.forEach((d) => rmSync(d, { recursive: true, force: true }));
  cleanup();
});

/** A `git` first on PATH that logs its arguments (one line per call) and runs the real one. */
function loggingGit(): { path: string; log: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ss-git-log-'));
  temps.push(dir);
  const real = spawnSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).stdout.trim();
  const log = join(dir, 'calls.log');
  writeFileSync(join(dir, 'git'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${real}' "$@"\n`);
  chmodSync(join(dir, 'git'), 0o755);
  return { path: `${dir}:${process.env.PATH}`, log };
}

function staged(repo: string, path: string, args: string[] = []) {
  const r = spawnSync(process.execPath, [BIN, 'scan', '--staged', '--no-color', ...args], { cwd: repo, encoding: 'utf8', env: { ...process.env, PATH: path, CI: 'true', NO_COLOR: '1' }, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The git subcommands a run started (the `-c` options every call carries left out). */
function calls(log: string): string[] {
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.replace(/(?:^| )-c \S+/g, '').trim().split(' ').find((w) => !w.startsWith('-'))!);
}

describe('scan --staged in a hook', () => {
  it('starts three git processes, HEAD holding a config or not, and reads HEAD\'s config (not the staged one)', () => {
    const r = makeRepo();
    commit(r, { 'README.md': 'hi\n', '.secret-sweep.yaml': 'allowlist:\n  paths:\n    - "vendor/**"\n' });
    // The staged config would allowlist everything: it is a finding, and the leak is still reported.
    stage(r, { 'vendor/keys.py': keyLine(31), 'app.py': keyLine(32), '.secret-sweep.yaml': 'allowlist:\n  paths:\n    - "**"\n' });
    const { path, log } = loggingGit();
    const res = staged(r, path);
    expect(res.code, res.stderr).toBe(1);
    expect(res.stdout).toMatch(/app\.py/);
    expect(res.stdout).not.toMatch(/vendor\/keys\.py/);
    expect(res.stdout).toMatch(/scan-config-changed/);
    expect(calls(log).sort()).toEqual(['cat-file', 'diff', 'rev-parse']);

    // No config at HEAD: the defaults, and still three processes.
    const bare = makeRepo();
    commit(bare, { 'README.md': 'hi\n' });
    stage(bare, { 'vendor/keys.py': keyLine(33) });
    rmSync(log);
    const plain = staged(bare, path);
    expect(plain.code, plain.stderr).toBe(1);
    expect(plain.stdout).toMatch(/vendor\/keys\.py/);
    expect(calls(log).sort()).toEqual(['cat-file', 'diff', 'rev-parse']);
  });

  // The three start from one `sh -c` (run.ts startGitsEarly): without sh, separate spawns, same result;
  // without git, the same one-line error as from a spawn.
  it('no sh on PATH: the same findings; no git on PATH: exit 2, "git is not installed"', () => {
    const r = makeRepo();
    commit(r, { 'README.md': 'hi\n' });
    stage(r, { 'app.py': keyLine(35), 'lib/b.py': keyLine(36) });
    const withSh = staged(r, process.env.PATH!);
    expect(withSh.code, withSh.stderr).toBe(1);
    const gitOnly = mkdtempSync(join(tmpdir(), 'ss-git-only-'));
    const shOnly = mkdtempSync(join(tmpdir(), 'ss-sh-only-'));
    temps.push(gitOnly, shOnly);
    const which = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim();
    symlinkSync(which('git'), join(gitOnly, 'git'));
    symlinkSync(which('sh'), join(shOnly, 'sh'));
    const noSh = staged(r, gitOnly);
    expect(noSh.code, noSh.stderr).toBe(1);
    expect(noSh.stdout).toBe(withSh.stdout);
    expect(noSh.stdout).toMatch(/lib\/b\.py/);
    const noGit = staged(r, shOnly);
    expect(noGit.code).toBe(2);
    expect(noGit.stderr.trim()).toBe('secret-sweep: git is not installed or not on PATH');
  });

  it('a config at HEAD that is a symlink is refused (exit 2, one line), as in a range gate', () => {
    const r = makeRepo();
    write(r, { 'cfg/allow.yaml': 'allowlist:\n  paths:\n    - "**"\n' });
    symlinkSync('cfg/allow.yaml', join(r, '.secret-sweep.yaml'));
    git(r, 'add', '-A');
    git(r, 'commit', '-q', '--no-verify', '-m', 'link');
    stage(r, { 'app.py': keyLine(34) });
    const res = staged(r, process.env.PATH!);
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split('\n')).toEqual([expect.stringMatching(/\.secret-sweep\.yaml at [0-9a-f]{12} is not a regular file \(mode 120000\)/)]);
  });

  it('HEAD\'s tree missing from the object database: exit 2, never a pass', () => {
    const r = makeRepo();
    commit(r, { 'README.md': 'hi\n' });
    stage(r, { 'app.py': 'x = 1\n' });
    const tree = git(r, 'rev-parse', 'HEAD^{tree}').trim();
    rmSync(join(r, '.git/objects', tree.slice(0, 2), tree.slice(2)));
    const res = staged(r, process.env.PATH!);
    expect(res.code, res.stdout).toBe(2);
    expect(res.stderr).toMatch(/secret-sweep: /);
  });
});
