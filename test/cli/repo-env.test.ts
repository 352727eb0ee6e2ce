/**
 * Which repository is scanned: GIT_DIR / GIT_WORK_TREE in the environment that move a scan to another
 * repository are named on stderr; a repository git refuses (owned by another user: safe.directory)
 * stops git modes with git's reason and makes a folder scan warn, never a silent plain-folder walk.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const work = mkdtempSync(join(tmpdir(), 'sweep-repo-env-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function git(cwd: string, args: string[], env: Record<string, string> = {}): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', ...env } });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

function repoWith(name: string, file: string): string {
  const dir = join(work, name);
  mkdirSync(dir);
  git(dir, ['init', '-q', '-b', 'main']);
  writeFileSync(join(dir, file), `${name}\n`);
  git(dir, ['add', '-A']);
  git(dir, ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', name]);
  return dir;
}

let a: string;
let b: string;
beforeAll(() => {
  a = repoWith('a', 'in-a.txt');
  b = repoWith('b', 'in-b.txt');
});

describe('GIT_DIR / GIT_WORK_TREE', () => {
  for (const mode of [[], ['--history'], ['--staged']]) {
    it(`GIT_DIR naming another repository is said on stderr (${mode.join(' ') || 'tree'})`, () => {
      const r = runCli(['scan', ...mode, '.'], { cwd: a, env: { GIT_DIR: join(b, '.git') } });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`scanning the repository at ${join(b, '.git')}`);
      expect(r.stderr).toContain(`GIT_DIR=${join(b, '.git')} in the environment`);
    });
  }

  it('GIT_WORK_TREE naming another folder is said on stderr', () => {
    const r = runCli(['scan', '.'], { cwd: a, env: { GIT_WORK_TREE: b } });
    expect(r.stderr).toContain(`with work tree ${b}`);
    expect(r.stderr).toContain('GIT_WORK_TREE=');
  });

  it('GIT_DIR naming no repository: exit 2 in git modes, a warning in a folder scan', () => {
    const missing = join(work, 'no-such-git-dir');
    const g = runCli(['scan', '--range', 'HEAD~1..HEAD', '.'], { cwd: a, env: { GIT_DIR: missing } });
    expect(g.code).toBe(2);
    expect(g.stderr).toMatch(/^secret-sweep: GIT_DIR=.*no-such-git-dir in the environment: not a git repository/);
    const t = runCli(['scan', '.'], { cwd: a, env: { GIT_DIR: missing } });
    expect(t.stderr).toMatch(/warning: GIT_DIR=.*in the environment/);
  });

  it('GIT_DIR naming the repository PATH is in (a hook in a linked worktree) says nothing', () => {
    const wt = join(work, 'a-wt');
    git(a, ['worktree', 'add', '-q', wt]);
    const gitDir = git(wt, ['rev-parse', '--absolute-git-dir']);
    const r = runCli(['scan', '--staged', '.'], { cwd: wt, env: { GIT_DIR: gitDir } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
  });
});

describe("a repository git refuses (another user's: safe.directory)", () => {
  const root = process.getuid?.() === 0;
  it.skipIf(!root)('git modes exit 2 with git\'s reason; a folder scan warns and names it', () => {
    const dir = repoWith('owned-by-nobody', 'x.txt');
    const chown = spawnSync('chown', ['-R', 'nobody', dir]);
    expect(chown.status).toBe(0);
    const g = runCli(['scan', '--history', dir], { env: { GIT_CONFIG_GLOBAL: '/dev/null' } });
    expect(g.code).toBe(2);
    expect(g.stderr).toMatch(/dubious ownership.*safe\.directory/);
    const t = runCli(['scan', dir], { env: { GIT_CONFIG_GLOBAL: '/dev/null' } });
    expect(t.code).toBe(0);
    expect(t.stderr).toContain(`warning: ${dir}: git refuses this repository (detected dubious ownership`);
  });
});
