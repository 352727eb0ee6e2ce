// Bypass attempts through a shallow clone with the hand-written gates (`--range`, `--history`): CI checkouts
// fetch one commit (GitHub) or 20 (GitLab). A range whose commits sit past the shallow boundary looked as if
// the oldest commit present added its tree, so a secret added and removed inside the change passed (exit 0).
// Now the run stops (exit 2) with one line saying what to fetch; --allow-skips scans what is there.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { githubToken } from '../support/fake-secrets.js';
import { commitAll, gateScan, git, repoWith } from '../support/gate-repo.js';

const TOKEN = githubToken(7601);

/** `main` (base) and `pr`: a leak added then removed, then a clean commit; and a depth-1 clone of `pr`. */
function shallowPr(): { src: string; clone: string } {
  const { dir: src } = repoWith({}, { 'app.py': `token = "${TOKEN}"\n` });
  git(src, 'rm', '-q', 'app.py');
  git(src, 'commit', '-q', '-m', 'remove it again');
  commitAll(src, { 'notes.txt': 'clean\n' }, 'clean');
  const clone = join(mkdtempSync(join(tmpdir(), 'ss-bypass-shallow-')), 'checkout');
  git(tmpdir(), 'clone', '-q', '--no-local', '--depth', '1', '--branch', 'pr', `file://${src}`, clone);
  // What a CI script does before `--range origin/main..HEAD`: the target branch, also one commit deep.
  git(clone, 'fetch', '-q', '--depth', '1', 'origin', '+refs/heads/main:refs/remotes/origin/main');
  return { src, clone };
}

const oneLine = (stderr: string) => stderr.trim().split('\n');

describe('--range in a shallow clone', () => {
  it('the range crosses the shallow boundary: exit 2, one line naming the range and how to fetch it', () => {
    const { clone } = shallowPr();
    const r = gateScan(clone, ['--range', 'origin/main..HEAD']);
    expect(r.code, r.stderr).toBe(2);
    const lines = oneLine(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^secret-sweep: --range: the history between origin\/main and HEAD is cut off \(shallow clone\): fetch the history first \(`git fetch --unshallow`.*fetch-depth: 0/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // The operator may accept it: a warning, and what is there is scanned (here: nothing left to find).
    const accepted = gateScan(clone, ['--range', 'origin/main..HEAD', '--allow-skips']);
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(accepted.stderr).toContain('warning: --range: the history between origin/main and HEAD is cut off');
    // Fetched in full, the range is scanned and the leak added and removed inside it is found.
    git(clone, 'fetch', '-q', '--unshallow', 'origin');
    const full = gateScan(clone, ['--range', 'origin/main..HEAD']);
    expect(full.code, full.stderr).toBe(1);
    expect(full.findings).toContainEqual(expect.objectContaining({ rule: 'github-pat-classic', file: 'app.py' }));
  });

  it('the base commit is not in the clone: exit 2 naming it, with the hint (not only "unknown revision")', () => {
    const { src, clone } = shallowPr();
    const base = git(src, 'rev-parse', 'pr~2'); // the leaking commit: fetched with neither branch
    const r = gateScan(clone, ['--range', `${base}..HEAD`, '--allow-skips']);
    expect(r.code, r.stderr).toBe(2);
    expect(oneLine(r.stderr)).toEqual([`secret-sweep: --range: the range's base ${base.slice(0, 12)} is not in this clone: fetch the history first (\`git fetch --unshallow\`; actions/checkout \`fetch-depth: 0\`; GitLab \`GIT_DEPTH: 0\`)`]);
  });

  it('a range the shallow clone holds in full is scanned as usual', () => {
    const { clone } = shallowPr();
    git(clone, 'fetch', '-q', '--deepen', '3', 'origin');
    const r = gateScan(clone, ['--range', 'origin/main..HEAD']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.findings).toContainEqual(expect.objectContaining({ file: 'app.py' }));
  });
});

describe('--history in a shallow clone', () => {
  it('exit 2 naming the boundary; --allow-skips scans what is there, with a warning', () => {
    const { clone } = shallowPr();
    const r = gateScan(clone, ['--history']);
    expect(r.code, r.stderr).toBe(2);
    expect(oneLine(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/--history: this is a shallow clone, the history before [0-9a-f]{12}( \(and 1 more\))? is not in it: fetch the history first/);
    const accepted = gateScan(clone, ['--history', '--allow-skips']);
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(accepted.stderr).toContain('warning: --history: this is a shallow clone');
  });
});
