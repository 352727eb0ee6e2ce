// Bypass attempt on `--history` (every ref): a ref that names a blob or a tree directly (`git tag t <blob>`,
// an annotated tag of a tree) carries content no commit reaches; it is pushed and fetched with the ref, and
// the commit walk never read it (exit 0). Now the run stops (exit 2) naming the refs; --allow-skips goes on.
import { describe, expect, it } from 'vitest';
import { githubToken } from '../support/fake-secrets.js';
import { gateScan, git, githubEnv, repoWith } from '../support/gate-repo.js';
import { spawnSync } from 'node:child_process';

const TOKEN = githubToken(7701);

function hashObject(dir: string, text: string): string {
  const r = spawnSync('git', ['hash-object', '-w', '--stdin'], { cwd: dir, input: text, encoding: 'utf8' });
  return r.stdout.trim();
}

describe('--history with a ref to a blob or a tree', () => {
  it('a lightweight tag of a blob and an annotated tag of a tree: exit 2, one line naming them', () => {
    const { dir } = repoWith({});
    const blob = hashObject(dir, `token = "${TOKEN}"\n`);
    git(dir, 'tag', 'creds', blob);
    const r = gateScan(dir, ['--history']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(['secret-sweep: --history: a ref names a tree or blob, not a commit, and their content is not walked: refs/tags/creds (blob); --allow-skips scans the rest']);
    const treeSha = spawnSync('git', ['mktree'], { cwd: dir, input: `100644 blob ${blob}\tapp.py\n`, encoding: 'utf8' }).stdout.trim();
    git(dir, 'tag', '-a', '-m', 'a tree', 'snapshot', treeSha);
    const two = gateScan(dir, ['--history']);
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('2 refs name a tree or blob');
    expect(two.stderr).toContain('refs/tags/snapshot (tree)');
    const accepted = gateScan(dir, ['--history', '--allow-skips']);
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(accepted.stderr).toContain('warning: --history: 2 refs name a tree or blob');
  });

  it('tags of commits (lightweight, annotated, nested) are walked as before', () => {
    const { dir } = repoWith({}, { 'app.py': `token = "${TOKEN}"\n` });
    git(dir, 'tag', 'light');
    git(dir, 'tag', '-a', '-m', 'v1', 'v1');
    git(dir, 'tag', '-a', '-m', 'tag of a tag', 'v1-again', 'v1');
    const r = gateScan(dir, ['--history']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.findings).toContainEqual(expect.objectContaining({ file: 'app.py' }));
  });
});

describe('--ci on the push of a tag of a blob', () => {
  it('exit 2, one line saying the pushed object is a blob (no fetch advice)', () => {
    const { dir } = repoWith({});
    const blob = hashObject(dir, `token = "${TOKEN}"\n`);
    git(dir, 'tag', 'creds', blob);
    const r = gateScan(dir, ['--ci'], githubEnv('push', { ref: 'refs/tags/creds', before: '0'.repeat(40), after: blob }, blob));
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([`secret-sweep: --ci: ${blob.slice(0, 12)} is a blob, not a commit: there is no history to scan (a pushed tag of a blob or tree?)`]);
  });
});
