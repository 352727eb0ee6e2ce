// Round 7 of bypass attempts (docs/gate.md).
// - `--ci` on a GitLab push whose CI_COMMIT_BEFORE_SHA is set by hand (pipeline variables): `before` = the
//   head gave an empty range, `before` = the leaking commit (a clean commit on top) a range without it;
//   both passed. A push to a feature branch now scans its commits not on the default branch, and a push
//   range with no commits (the default branch, a tag) the whole history of the head.
import { describe, expect, it } from 'vitest';
import { githubToken } from '../support/fake-secrets.js';
import { commitAll, gateScan, git, githubEnv, repoWith } from '../support/gate-repo.js';
import { runCli } from '../support/cli.js';

const TOKEN = githubToken(7701);
const LINE = `token = "${TOKEN}"\n`;
const CLEAN = 'token = "from the vault"\n';

const gitlabPush = (before: string, head: string, more: Record<string, string>) => ({
  GITHUB_ACTIONS: '',
  GITLAB_CI: 'true',
  CI_PIPELINE_SOURCE: 'push',
  CI_COMMIT_BEFORE_SHA: before,
  CI_COMMIT_SHA: head,
  CI_DEFAULT_BRANCH: 'main',
  ...more,
});

describe('--ci on a push: a "before" set by hand leaves nothing out', { timeout: 120_000 }, () => {
  it('feature branch, CI_COMMIT_BEFORE_SHA = the head or = the leaking commit: the branch\'s commits not on main are scanned', () => {
    const { dir } = repoWith({}, { 'app.env': LINE });
    const leak = git(dir, 'rev-parse', 'HEAD');
    const head = commitAll(dir, { 'app.env': CLEAN }, 'clean on top');
    git(dir, 'update-ref', 'refs/remotes/origin/main', 'main');
    for (const before of [head, leak]) {
      const r = gateScan(dir, ['--ci', '--no-fetch'], gitlabPush(before, head, { CI_COMMIT_BRANCH: 'pr' }));
      expect(r.code, r.stderr).toBe(1);
      expect(r.findings).toContainEqual(expect.objectContaining({ file: 'app.env', commit: leak }));
    }
  });

  it('default branch or tag, CI_COMMIT_BEFORE_SHA = the head: the whole history is scanned', () => {
    const { dir } = repoWith({}, { 'app.env': LINE }, { 'app.env': CLEAN });
    git(dir, 'checkout', '-q', 'main');
    git(dir, 'merge', '-q', '--ff-only', 'pr');
    const head = git(dir, 'rev-parse', 'HEAD');
    git(dir, 'update-ref', 'refs/remotes/origin/main', 'main');
    for (const more of [{ CI_COMMIT_BRANCH: 'main' }, { CI_COMMIT_TAG: 'v1' }]) {
      const r = gateScan(dir, ['--ci', '--no-fetch'], gitlabPush(head, head, more));
      expect(r.code, r.stderr).toBe(1);
      expect(r.findings).toContainEqual(expect.objectContaining({ file: 'app.env' }));
    }
  });

  it('a genuine force-push back on a feature branch (GitHub): the branch is scanned again and passes, saying why', () => {
    const { dir } = repoWith({}, { 'a.txt': 'one\n' }, { 'a.txt': 'two\n' });
    const newer = git(dir, 'rev-parse', 'HEAD');
    const older = git(dir, 'rev-parse', 'HEAD~1');
    git(dir, 'reset', '-q', '--hard', older);
    git(dir, 'update-ref', 'refs/remotes/origin/main', 'main');
    const env = githubEnv('push', { before: newer, after: older, ref: 'refs/heads/pr', repository: { default_branch: 'main' } }, older);
    const r = runCli(['scan', dir, '--ci', '--no-fetch', '--no-color'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/scanning every commit of [0-9a-f]{12} not on origin\/main/);
    // The same on main itself (nothing to compare against): the whole history, clean.
    git(dir, 'checkout', '-q', 'main');
    const main = git(dir, 'rev-parse', 'HEAD');
    const onMain = runCli(['scan', dir, '--ci', '--no-fetch', '--no-color'], { cwd: dir, env: githubEnv('push', { before: newer, after: main, ref: 'refs/heads/main', repository: { default_branch: 'main' } }, main) });
    expect(onMain.code, onMain.stderr).toBe(0);
    expect(onMain.stdout).toMatch(/holds no commits .*scanning the whole history/);
  });
});
