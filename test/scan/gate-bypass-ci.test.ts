// Bypass attempts through what `scan --ci` is told: a pull/merge request whose base names one of the
// change's own commits, or the head itself (an empty range). The commits before such a base would go
// unscanned while the run passes; the gate refuses instead (exit 2, src/scan/ci-base-check.ts).
import { describe, expect, it } from 'vitest';
import { githubToken } from '../support/fake-secrets.js';
import { commitAll, gateScan, git, githubEnv, repoWith } from '../support/gate-repo.js';

const TOKEN = githubToken(7201);

/** main, then pr: a leaking commit and a clean one on top; origin/main as a CI clone has it. */
function leakThenClean(withOrigin = true) {
  const { dir, base } = repoWith({}, { 'app.py': `token = "${TOKEN}"\n` });
  const leak = git(dir, 'rev-parse', 'HEAD');
  const head = commitAll(dir, { 'docs.md': 'later\n' }, 'clean on top');
  if (withOrigin) git(dir, 'update-ref', 'refs/remotes/origin/main', base);
  return { dir, base, leak, head };
}

const pr = (base: string, head: string, ref?: string) => githubEnv('pull_request', { pull_request: { base: { sha: base, ...(ref ? { ref } : {}) }, head: { sha: head } } }, head);
const gitlabMr = (base: string, head: string) => ({
  GITHUB_ACTIONS: '',
  GITLAB_CI: 'true',
  CI_PIPELINE_SOURCE: 'merge_request_event',
  CI_MERGE_REQUEST_IID: '9',
  CI_MERGE_REQUEST_DIFF_BASE_SHA: base,
  CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
  CI_COMMIT_SHA: head,
});

describe('--ci: a request base inside the change is refused', () => {
  it('GitHub pull_request whose base.sha is the leaking commit: exit 2, naming the commits left out', () => {
    const { dir, leak, head } = leakThenClean();
    const r = gateScan(dir, ['--ci', '--no-fetch'], { ...pr(leak, head), GITHUB_BASE_REF: 'main' });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/base [0-9a-f]{12} is not on origin\/main: 1 commit of the change/);
  });

  it('GitHub pull_request whose base.sha is the head (empty range): exit 2', () => {
    const { dir, head } = leakThenClean();
    const r = gateScan(dir, ['--ci', '--no-fetch'], pr(head, head, 'main'));
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/2 commits of the change/);
  });

  it('an empty range with no target branch in the clone to show the head adds nothing: exit 2', () => {
    const { dir, head } = leakThenClean(false);
    const r = gateScan(dir, ['--ci', '--no-fetch'], pr(head, head));
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('holds no commits');
  });

  it('GitLab merge request whose CI_MERGE_REQUEST_DIFF_BASE_SHA is the leaking commit or the head: exit 2', () => {
    const { dir, leak, head } = leakThenClean();
    for (const b of [leak, head]) {
      const r = gateScan(dir, ['--ci', '--no-fetch'], gitlabMr(b, head));
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('is not on origin/main');
    }
  });

  it('the real base still scans the whole change (exit 1, the leak reported)', () => {
    const { dir, base, head } = leakThenClean();
    for (const env of [{ ...pr(base, head), GITHUB_BASE_REF: 'main' }, gitlabMr(base, head)]) {
      const r = gateScan(dir, ['--ci', '--no-fetch'], env);
      expect(r.code, r.stderr).toBe(1);
      expect(r.findings).toContainEqual(expect.objectContaining({ file: 'app.py' }));
    }
  });

  it('a request whose target moved on after the base (base still on it): no refusal', () => {
    const { dir, base, head } = leakThenClean(false);
    git(dir, 'checkout', '-q', 'main');
    const moved = commitAll(dir, { 'main.txt': 'main moves on\n' }, 'main moves on');
    git(dir, 'checkout', '-q', 'pr');
    git(dir, 'update-ref', 'refs/remotes/origin/main', moved);
    const r = gateScan(dir, ['--ci', '--no-fetch'], pr(base, head, 'main'));
    expect(r.code, r.stderr).toBe(1);
  });
});

describe('--ci with no base commit (a new branch): the checked-out config is the change\'s own', () => {
  const ZERO = '0'.repeat(40);
  /** A branch pushed for the first time, bringing a config that allowlists everything and a leak. */
  function newBranch() {
    const { dir } = repoWith({ '.secret-sweep.yaml': 'allowlist:\n  paths: [fixtures/]\n' }, { '.secret-sweep.yaml': 'allowlist:\n  paths: ["**"]\n', 'app.py': `token = "${TOKEN}"\n` });
    return { dir, head: git(dir, 'rev-parse', 'HEAD') };
  }
  const push = (head: string) => githubEnv('push', { before: ZERO, after: head, repository: { default_branch: 'main' } }, head);
  const gitlabPush = (head: string) => ({ GITHUB_ACTIONS: '', GITLAB_CI: 'true', CI_PIPELINE_SOURCE: 'push', CI_COMMIT_BEFORE_SHA: ZERO, CI_COMMIT_SHA: head, CI_DEFAULT_BRANCH: 'main' });

  it('GitHub push creating a branch, default branch in the clone: its config applies, the change to it is a finding', () => {
    const { dir, head } = newBranch();
    git(dir, 'update-ref', 'refs/remotes/origin/main', 'main');
    for (const env of [push(head), gitlabPush(head)]) {
      const r = gateScan(dir, ['--ci', '--no-fetch'], env);
      expect(r.code, r.stderr).toBe(1);
      expect(r.findings).toContainEqual(expect.objectContaining({ file: 'app.py' }));
      expect(r.findings).toContainEqual(expect.objectContaining({ rule: 'scan-config-changed', file: '.secret-sweep.yaml' }));
    }
  });

  it('no default branch in the clone: the built-in defaults apply, not the checkout\'s config', () => {
    const { dir, head } = newBranch();
    for (const env of [push(head), gitlabPush(head)]) {
      const r = gateScan(dir, ['--ci', '--no-fetch'], env);
      expect(r.code, r.stderr).toBe(1);
      expect(r.findings).toContainEqual(expect.objectContaining({ file: 'app.py' }));
    }
  });
});
