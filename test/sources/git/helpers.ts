/**
 * Real git repositories in temp dirs for the git source tests. Fake secrets are built at run time
 * (this project scans itself: no credential-shaped literal may appear in a file).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const dirs: string[] = [];
let clock = 1_600_000_000;

export function tempDir(prefix = 'ss-git-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

export function cleanup(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

export function git(cwd: string, ...args: string[]): string {
  const date = `${clock++} +0000`;
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date, GIT_CONFIG_NOSYSTEM: '1', HOME: cwd, LC_ALL: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

export function makeRepo(opts: { bare?: boolean } = {}): string {
  const d = tempDir();
  git(d, 'init', '-q', '-b', 'main', ...(opts.bare ? ['--bare'] : []));
  git(d, 'config', 'user.name', 'Test Author');
  git(d, 'config', 'user.email', 'author@example.test');
  git(d, 'config', 'commit.gpgsign', 'false');
  return d;
}

/** Write files (null deletes), stage everything, commit; returns the commit sha. */
export function commit(repo: string, files: Record<string, string | Buffer | null>, msg = 'change'): string {
  stage(repo, files);
  git(repo, 'commit', '-q', '--allow-empty', '-m', msg);
  return git(repo, 'rev-parse', 'HEAD');
}

export function write(repo: string, files: Record<string, string | Buffer | null>): void {
  for (const [p, content] of Object.entries(files)) {
    const f = join(repo, p);
    if (content === null) rmSync(f, { force: true });
    else {
      mkdirSync(dirname(f), { recursive: true });
      writeFileSync(f, content);
    }
  }
}

export function stage(repo: string, files: Record<string, string | Buffer | null>): void {
  write(repo, files);
  git(repo, 'add', '-A');
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A fake AWS access key id, distinct per n, assembled at run time. */
export function fakeKey(n: number): string {
  const h = createHash('sha256').update(`fake-key-${n}`).digest();
  let s = '';
  for (let i = 0; i < 16; i++) s += B32[h[i]! % 32];
  return 'AK' + 'IA' + s;
}

/** A source line holding a fake key. */
export function keyLine(n: number): string {
  return `aws_access_key_id = "${fakeKey(n)}"\n`;
}
