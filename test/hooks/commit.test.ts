// Real `git commit`s through each kind of installed hook: a leak is blocked (exit 1, redacted, with the
// way forward), a clean change and an allowlisted line go through, an existing hook keeps running, and
// after uninstall the hook is gone. The hooks call this checkout's binary through SECRET_SWEEP_BIN.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { githubToken } from '../support/fake-secrets.js';
import { fileURLToPath } from 'node:url';
import { BIN, commit, git, headSubject, hook, makeRepo, sh, unstageAll } from './helpers.js';

const token = githubToken(501);
const leaky = () => ({ 'settings.py': `API_TOKEN = "${token}"\n` });
const clean = () => ({ 'app.py': 'import os\nTOKEN = os.environ["API_TOKEN"]\n' });
const allowed = () => ({ 'fixture.py': `TOKEN = "${githubToken(502)}"  # secret-sweep:allow\n` });

/** Commit the leak; it must be blocked: HEAD does not move, findings redacted, the way forward printed. */
function expectBlocked(repo: string, r?: ReturnType<typeof commit>) {
  const head = git(repo, 'rev-parse', 'HEAD');
  r ??= commit(repo, leaky());
  const out = r.stdout + r.stderr;
  expect(r.code, out).not.toBe(0);
  expect(git(repo, 'rev-parse', 'HEAD')).toBe(head);
  expect(out).toContain('settings.py');
  expect(out.includes(token), 'the secret leaked into the hook output').toBe(false);
  expect(out).toContain('commit blocked');
  expect(out).toContain('secret-sweep:allow');
  expect(out).toContain('secret-sweep baseline');
  expect(out).toContain('git commit --no-verify');
}

function expectCommitted(repo: string, r: ReturnType<typeof commit>, subject: string) {
  expect(r.code, r.stdout + r.stderr).toBe(0);
  expect(headSubject(repo)).toBe(subject);
}

const hasPreCommit = spawnSync('pre-commit', ['--version']).status === 0;

describe('plain git hook', () => {
  it('blocks a leak, passes clean and allowlisted changes', () => {
    const repo = makeRepo();
    expect(hook(repo, 'install', '--git').code).toBe(0);
    const blocked = commit(repo, leaky());
    expect(headSubject(repo)).toBe('initial');
    expectBlocked(repo, blocked);
    expect(blocked.stderr).not.toMatch(/scan failed/);
    unstageAll(repo);
    expectCommitted(repo, commit(repo, clean()), 'add app.py');
    expectCommitted(repo, commit(repo, allowed()), 'add fixture.py');
  });

  it('keeps the existing hook running (chained), and uninstall leaves only it', () => {
    const repo = makeRepo();
    const file = join(repo, '.git', 'hooks', 'pre-commit');
    writeFileSync(file, '#!/bin/sh\necho "user-hook-ran" >&2\nexit 0\n', { mode: 0o755 });
    hook(repo, 'install', '--git');
    const ok = commit(repo, clean());
    expectCommitted(repo, ok, 'add app.py');
    expect(ok.stderr).toContain('user-hook-ran');
    expectBlocked(repo);
    unstageAll(repo);
    hook(repo, 'uninstall');
    const after = commit(repo, leaky());
    expectCommitted(repo, after, 'add settings.py');
    expect(after.stderr).toContain('user-hook-ran');
  });

  it('a failing existing hook still fails the commit after install', () => {
    const repo = makeRepo();
    writeFileSync(join(repo, '.git', 'hooks', 'pre-commit'), '#!/bin/sh\necho "lint failed" >&2\nexit 3\n', { mode: 0o755 });
    hook(repo, 'install', '--git');
    const r = commit(repo, clean());
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('lint failed');
  });

  it('--force chaining of a non-shell hook runs it after the scan', () => {
    const repo = makeRepo();
    writeFileSync(join(repo, '.git', 'hooks', 'pre-commit'), `#!${process.execPath}\nprocess.stderr.write("node-hook-ran\\n");\n`, { mode: 0o755 });
    expect(hook(repo, 'install', '--git', '--force').code).toBe(0);
    const ok = commit(repo, clean());
    expectCommitted(repo, ok, 'add app.py');
    expect(ok.stderr).toContain('node-hook-ran');
    expectBlocked(repo);
  });

  it('uses the baseline file when there is one', () => {
    const repo = makeRepo();
    hook(repo, 'install', '--git');
    expectBlocked(repo);
    // Accept what is staged now, as the guidance says.
    const b = sh(repo, process.execPath, [BIN, 'baseline', '--staged', '-o', '.secret-sweep-baseline']);
    expect(b.code, b.stderr).toBe(0);
    git(repo, 'add', '.secret-sweep-baseline');
    expectCommitted(repo, sh(repo, 'git', ['commit', '-m', 'accepted']), 'accepted');
  });

  it('without secret-sweep anywhere, the hook fails closed and says why', () => {
    const repo = makeRepo();
    hook(repo, 'install', '--git');
    const bare = mkdtempSync(join(tmpdir(), 'ss-nopath-'));
    const r = commit(repo, clean(), { SECRET_SWEEP_BIN: '', PATH: `${bare}:/usr/bin:/bin` });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/secret-sweep: not found/);
    expect(r.stderr).toContain('--no-verify');
  });
});

describe('husky', () => {
  it('with husky active (its own installer), blocks a leak and keeps the existing husky hook', () => {
    const repo = makeRepo();
    // husky 9 as `npm install` runs it: core.hooksPath=.husky/_ and the generated wrappers.
    const husky = fileURLToPath(new URL('../../node_modules/husky/bin.js', import.meta.url));
    const h = sh(repo, process.execPath, [husky]);
    expect(h.code, h.stderr + h.stdout).toBe(0);
    mkdirSync(join(repo, '.husky'), { recursive: true });
    writeFileSync(join(repo, '.husky', 'pre-commit'), 'echo "husky-user-hook" >&2\n');
    const r = hook(repo, 'install');
    expect(r.stdout).toMatch(/using husky/);
    expectBlocked(repo);
    unstageAll(repo);
    const ok = commit(repo, clean());
    expectCommitted(repo, ok, 'add app.py');
    expect(ok.stderr).toContain('husky-user-hook');
    expectCommitted(repo, commit(repo, allowed()), 'add fixture.py');
    hook(repo, 'uninstall');
    expectCommitted(repo, commit(repo, leaky()), 'add settings.py');
  });
});

describe('pre-commit framework', () => {
  it.skipIf(!hasPreCommit)('with the pre-commit tool: blocks a leak, passes clean and allowlisted changes', () => {
    const repo = makeRepo();
    const env = { PRE_COMMIT_HOME: mkdtempSync(join(tmpdir(), 'ss-pc-home-')) };
    expect(hook(repo, 'install', '--pre-commit').code).toBe(0);
    git(repo, 'add', '.pre-commit-config.yaml');
    git(repo, 'commit', '-q', '--no-verify', '-m', 'pre-commit config');
    const inst = sh(repo, 'pre-commit', ['install'], env);
    expect(inst.code, inst.stderr + inst.stdout).toBe(0);
    const blocked = commit(repo, leaky(), env);
    expect(blocked.code).not.toBe(0);
    const out = blocked.stdout + blocked.stderr;
    expect(out).toContain('settings.py');
    expect(out).toContain('commit blocked');
    expect(out.includes(token)).toBe(false);
    expect(headSubject(repo)).toBe('pre-commit config');
    unstageAll(repo);
    const ok = commit(repo, clean(), env);
    expectCommitted(repo, ok, 'add app.py');
    // One staged scan per commit: without `stages`, pre-commit ran it at the commit-msg stage too.
    expect((ok.stdout + ok.stderr).split('credentials in staged changes').length - 1, ok.stdout + ok.stderr).toBe(1);
    expect(ok.stdout + ok.stderr).toContain('credentials in the commit message');
    expectCommitted(repo, commit(repo, allowed(), env), 'add fixture.py');
    // A commit that stages only a symlink (its target text a token): pre-commit's `types: [file]` matches
    // no staged file and skipped the hook ("no files to check"); always_run runs it (round 8).
    symlinkSync(`tokens/${githubToken(503)}`, join(repo, 'link'));
    git(repo, 'add', 'link');
    const link = sh(repo, 'git', ['commit', '-m', 'add link'], env);
    expect(link.code, link.stdout + link.stderr).not.toBe(0);
    expect(link.stdout + link.stderr).toContain('link');
    expect(headSubject(repo)).toBe('add fixture.py');
    // The commit-msg stage (the config `hook install` created lists it in default_install_hook_types, so
    // `pre-commit install` wired it): a token in the message blocks the commit (round 10).
    git(repo, 'rm', '-q', '--cached', 'link');
    writeFileSync(join(repo, 'notes.txt'), 'clean\n');
    git(repo, 'add', 'notes.txt');
    const msg = sh(repo, 'git', ['commit', '-m', `notes, deploy key ${githubToken(504)}`], env);
    expect(msg.code, msg.stdout + msg.stderr).not.toBe(0);
    expect(msg.stdout + msg.stderr).toContain('(commit message)');
    expect(headSubject(repo)).toBe('add fixture.py');
  });

  it('the configured entry, run as pre-commit runs it (sh -c SNIPPET), blocks and passes', async () => {
    const repo = makeRepo();
    expect(hook(repo, 'install', '--pre-commit').code).toBe(0);
    const { parseDocument } = await import('yaml');
    const { readFileSync } = await import('node:fs');
    const cfg = parseDocument(readFileSync(join(repo, '.pre-commit-config.yaml'), 'utf8')).toJS() as {
      repos: Array<{ hooks: Array<{ entry: string; args: string[]; pass_filenames: boolean }> }>;
    };
    const h = cfg.repos[0]!.hooks[0]!;
    expect(h.pass_filenames).toBe(false);
    const run = () => sh(repo, h.entry, h.args);
    writeFileSync(join(repo, 'settings.py'), leaky()['settings.py']);
    git(repo, 'add', 'settings.py');
    const blocked = run();
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain('commit blocked');
    expect((blocked.stdout + blocked.stderr).includes(token)).toBe(false);
    unstageAll(repo);
    writeFileSync(join(repo, 'app.py'), clean()['app.py']);
    git(repo, 'add', 'app.py');
    expect(run().code).toBe(0);
  });
});
