// The documented pre-commit framework setup, for real: `repo:` pointing at (a snapshot of) this repository,
// `pre-commit install-hooks` (which runs `npm install`, `npm pack` and `npm install -g <tarball>` in its
// clone: the tarball name is read from `npm pack`'s stdout), then `git commit`: a leak is blocked, a clean
// change goes through. Slow (a full `npm install` of the project from the npm cache/registry, ~1-3 min).
//
// Network: only the npm registry (npm's cache first); re2's addon from this checkout (npm-install.ts).
// Node is not downloaded: pre-commit uses the system node when `node` and `npm` are on PATH.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { githubToken } from '../support/fake-secrets.js';
import { re2Mirror } from '../support/npm-install.js';
import { commit, git, headSubject, hookEnv, makeRepo, sh } from './helpers.js';

const PROJECT = fileURLToPath(new URL('../..', import.meta.url));
const hasPreCommit = spawnSync('pre-commit', ['--version']).status === 0;
const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** This checkout's files as git sees them (tracked and untracked, not ignored), committed in a temp repo. */
function snapshotProject(): { dir: string; rev: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ss-pc-repo-'));
  temps.push(dir);
  const files = spawnSync('git', ['ls-files', '-z', '-co', '--exclude-standard'], { cwd: PROJECT, encoding: 'utf8' }).stdout.split('\0').filter(Boolean);
  for (const f of files) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    try {
      copyFileSync(join(PROJECT, f), join(dir, f));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e; // deleted, not yet committed
    }
  }
  git(dir, 'init', '-q', '-b', 'pre-commit-test');
  git(dir, 'add', '-A');
  git(dir, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-q', '--no-verify', '-m', 'snapshot');
  return { dir, rev: git(dir, 'rev-parse', 'HEAD') };
}

describe('pre-commit framework, repo: install', () => {
  it.skipIf(!hasPreCommit)('installs from a repo: URL and blocks a leaking commit', () => {
    const { dir: project, rev } = snapshotProject();
    const home = mkdtempSync(join(tmpdir(), 'ss-pc-home-'));
    temps.push(home);
    const env = { PRE_COMMIT_HOME: home, npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', ...re2Mirror(temps) };

    const repo = makeRepo('ss-pc-user-');
    temps.push(repo);
    writeFileSync(join(repo, '.pre-commit-config.yaml'), `repos:\n  - repo: ${project}\n    rev: ${rev}\n    hooks:\n      - id: secret-sweep\n`);
    git(repo, 'add', '.pre-commit-config.yaml');
    git(repo, 'commit', '-q', '--no-verify', '-m', 'pre-commit config');

    const r = spawnSync('pre-commit', ['install-hooks'], { cwd: repo, encoding: 'utf8', env: { ...process.env, ...hookEnv(), ...env }, timeout: 540_000 });
    const installed = { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error ? `\n${r.error.message}` : ''}` };
    expect(installed.code, installed.stdout + installed.stderr).toBe(0);
    expect(sh(repo, 'pre-commit', ['install'], env).code).toBe(0);

    const token = githubToken(771);
    const blocked = commit(repo, { 'settings.py': `API_TOKEN = "${token}"\n` }, env);
    const out = blocked.stdout + blocked.stderr;
    expect(blocked.code, out).not.toBe(0);
    expect(out).toContain('settings.py');
    expect(out.includes(token), 'the secret leaked into the hook output').toBe(false);
    expect(headSubject(repo)).toBe('pre-commit config');
    git(repo, 'reset', '-q', '--hard', 'HEAD');

    const clean = commit(repo, { 'app.py': 'import os\nTOKEN = os.environ["API_TOKEN"]\n' }, env);
    expect(clean.code, clean.stdout + clean.stderr).toBe(0);
    expect(headSubject(repo)).toBe('add app.py');
  }, 600_000);
});
