// Round 4 of bypass attempts (docs/gate.md): each of these let a secret through a gate with exit 0.
// - --staged compared git's added-line numbers (lines end at LF) with the detector's (a lone CR ends a
//   line too), and kept a finding only when its FIRST line was added: a token on a CR-only line, and a PEM
//   body filled in under an unchanged BEGIN line, were dropped; a file renamed out of an allowlisted path
//   was "not changed" and not read at all.
// - a range gate matched `allowlist.commits` entries as prefixes: a commit id can be made to start with a
//   short prefix (vary the message until the hash fits), so the change's own leaking commit matched.
// - --ci read the config at the base the platform names: a GitLab merge request's diff base is the merge
//   base (an old commit of the target, whose config may have been laxer), a push's is the branch's own
//   previous push (whose config the pusher wrote).
import { createHash, generateKeyPairSync } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { githubToken } from '../support/fake-secrets.js';
import { GIT_ENV, commitAll, gateScan, git, githubEnv, repoWith, write } from '../support/gate-repo.js';

const TOKEN = githubToken(7401);
const OTHER = githubToken(7402);

describe('--staged reports what the commit adds, however its lines end', { timeout: 120_000 }, () => {
  it('a token on a line ended by a lone CR (one line to git, the third to the detector)', () => {
    const { dir } = repoWith({});
    write(dir, { 'settings.cfg': `a = 1\rb = 2\rtoken = "${TOKEN}"\n` });
    git(dir, 'add', 'settings.cfg');
    const r = gateScan(dir, ['--staged']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.findings).toContainEqual(expect.objectContaining({ rule: 'github-pat-classic', file: 'settings.cfg', line: 3 }));
  });

  it('a CR-only file edited in the middle: the edited line is reported, the old ones are not', () => {
    const { dir } = repoWith({ 'old.cfg': `x = 1\ry = 2\rz = 3\n` });
    write(dir, { 'old.cfg': `x = 1\ry = 2\rz = 3\ntoken = "${TOKEN}"\rw = 4\n` });
    git(dir, 'add', 'old.cfg');
    const r = gateScan(dir, ['--staged']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.findings).toContainEqual(expect.objectContaining({ file: 'old.cfg', line: 4 }));
  });

  it('a private key whose body is filled in under an unchanged BEGIN line', () => {
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const [begin, ...rest] = pem.trimEnd().split('\n');
    const end = rest.pop()!;
    const { dir } = repoWith({ 'deploy/key.pem': `${begin}\n(paste the key here)\n${end}\n` });
    write(dir, { 'deploy/key.pem': pem });
    git(dir, 'add', 'deploy/key.pem');
    const r = gateScan(dir, ['--staged']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.findings).toContainEqual(expect.objectContaining({ file: 'deploy/key.pem', line: 1 }));
    expect(JSON.stringify(r.findings)).not.toContain(rest[0]);
  });

  it('a file renamed out of an allowlisted path, as it is or edited', () => {
    const { dir } = repoWith({ '.secret-sweep.yaml': 'allowlist:\n  paths:\n    - fixtures/\n', 'fixtures/creds.txt': `token = "${TOKEN}"\n` });
    git(dir, 'mv', 'fixtures/creds.txt', 'app.txt');
    const moved = gateScan(dir, ['--staged']);
    expect(moved.code, moved.stderr).toBe(1);
    expect(moved.findings).toContainEqual(expect.objectContaining({ file: 'app.txt', line: 1 }));
    write(dir, { 'app.txt': `token = "${TOKEN}"\nmore = 1\n` });
    git(dir, 'add', 'app.txt');
    const edited = gateScan(dir, ['--staged']);
    expect(edited.code, edited.stderr).toBe(1);
    expect(edited.findings).toContainEqual(expect.objectContaining({ file: 'app.txt', line: 1 }));
  });

  it('a rename between scanned paths is still not re-reported, and unchanged lines of an edit stay quiet', () => {
    const { dir } = repoWith({ 'a.txt': 'plain = 1\n' });
    git(dir, 'mv', 'a.txt', 'b.txt');
    expect(gateScan(dir, ['--staged']).code).toBe(0);
  });
});

/** A commit of the index on HEAD whose id starts with `prefix` (the message varied until it does). */
function commitWithPrefix(dir: string, prefix: string): string {
  const tree = git(dir, 'write-tree');
  const parent = git(dir, 'rev-parse', 'HEAD');
  const head = `tree ${tree}\nparent ${parent}\nauthor A <a@example.invalid> 1700000000 +0000\ncommitter A <a@example.invalid> 1700000000 +0000\n\ntidy up\n\n`;
  for (let i = 0; ; i++) {
    const body = `${head}${i}\n`;
    const sha = createHash('sha1').update(`commit ${Buffer.byteLength(body)}\0${body}`).digest('hex');
    if (!sha.startsWith(prefix)) continue;
    const r = spawnSync('git', ['hash-object', '-t', 'commit', '-w', '--stdin'], { cwd: dir, input: body, encoding: 'utf8', env: { ...process.env, ...GIT_ENV } });
    expect(r.stdout.trim()).toBe(sha);
    git(dir, 'reset', '-q', '--hard', sha);
    return sha;
  }
}

describe('allowlist.commits in a range gate', { timeout: 120_000 }, () => {
  const toml = (commit: string) => `[extend]\nuseDefault = true\n[allowlist]\ncommits = ["${commit}"]\n`;

  it('a short entry is a prefix the change can make its own commit start with: not honoured, said in a note', () => {
    const { dir } = repoWith({ '.gitleaks.toml': toml('0ab1') });
    write(dir, { 'app.txt': `token = "${TOKEN}"\n` });
    git(dir, 'add', 'app.txt');
    const sha = commitWithPrefix(dir, '0ab1');
    const r = gateScan(dir, ['--range', 'main..pr']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.findings).toContainEqual(expect.objectContaining({ file: 'app.txt', commit: sha }));
    const text = runCli(['scan', dir, '--range', 'main..pr', '--no-color'], { cwd: dir });
    expect(text.stdout + text.stderr).toMatch(/allowlist\.commits: 1 entry is not a full commit id/);
  });

  it('a full commit id is still honoured exactly (the base accepted that commit)', () => {
    const { dir } = repoWith({});
    const accepted = commitAll(dir, { 'app.txt': `token = "${TOKEN}"\n` }, 'the test token');
    git(dir, 'checkout', '-q', 'main');
    commitAll(dir, { '.gitleaks.toml': toml(accepted) }, 'accept the test token commit');
    git(dir, 'checkout', '-q', 'pr');
    git(dir, 'merge', '-q', '--no-edit', 'main');
    commitAll(dir, { 'other.txt': `token = "${OTHER}"\n` }, 'a new one');
    const r = gateScan(dir, ['--range', 'main..pr']);
    expect(r.code, r.stderr).toBe(1);
    // (the merge of main brings the config in: a config change in the range, reported as such)
    expect(r.findings.filter((f) => f.rule !== 'scan-config-changed').map((f) => f.file)).toEqual(['other.txt']);
  });
});

describe('--ci reads the config of the target or default branch, not of a base the change picks', { timeout: 120_000 }, () => {
  const LAX = 'allowlist:\n  paths:\n    - legacy/\n';
  const STRICT = 'allowlist:\n  paths:\n    - docs/\n';

  it('GitLab merge request from an old commit of main whose config allowlisted a folder: its diff base is that merge base', () => {
    const { dir } = repoWith({ '.secret-sweep.yaml': LAX });
    const old = git(dir, 'rev-parse', 'main');
    git(dir, 'checkout', '-q', 'main');
    commitAll(dir, { '.secret-sweep.yaml': STRICT }, 'stop allowlisting legacy/');
    git(dir, 'update-ref', 'refs/remotes/origin/main', 'main');
    git(dir, 'checkout', '-q', 'pr');
    const head = commitAll(dir, { 'legacy/creds.txt': `token = "${TOKEN}"\n` }, 'leak');
    const env = { GITHUB_ACTIONS: '', GITLAB_CI: 'true', CI_PIPELINE_SOURCE: 'merge_request_event', CI_MERGE_REQUEST_IID: '4', CI_MERGE_REQUEST_DIFF_BASE_SHA: old, CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main', CI_DEFAULT_BRANCH: 'main', CI_COMMIT_SHA: head };
    const r = gateScan(dir, ['--ci', '--no-fetch'], env);
    expect(r.code, r.stderr).toBe(1);
    expect(r.findings).toContainEqual(expect.objectContaining({ file: 'legacy/creds.txt' }));
    const text = runCli(['scan', dir, '--ci', '--no-fetch', '--no-color'], { cwd: dir, env });
    expect(text.stdout).toMatch(/the config is read from origin\/main/);
  });

  it('a push to a feature branch whose previous push allowlisted a folder (GitHub and GitLab)', () => {
    const { dir } = repoWith({ '.secret-sweep.yaml': STRICT }, { '.secret-sweep.yaml': LAX });
    const before = git(dir, 'rev-parse', 'HEAD');
    const after = commitAll(dir, { 'legacy/creds.txt': `token = "${TOKEN}"\n` }, 'leak');
    git(dir, 'update-ref', 'refs/remotes/origin/main', 'main');
    const github = githubEnv('push', { before, after, ref: 'refs/heads/pr', repository: { default_branch: 'main' } }, after);
    const gitlab = { GITHUB_ACTIONS: '', GITLAB_CI: 'true', CI_PIPELINE_SOURCE: 'push', CI_COMMIT_BEFORE_SHA: before, CI_COMMIT_SHA: after, CI_COMMIT_BRANCH: 'pr', CI_DEFAULT_BRANCH: 'main' };
    for (const env of [github, gitlab]) {
      const r = gateScan(dir, ['--ci', '--no-fetch'], env);
      expect(r.code, r.stderr).toBe(1);
      expect(r.findings).toContainEqual(expect.objectContaining({ file: 'legacy/creds.txt' }));
    }
  });

  it('a push to the default branch keeps its base\'s config (the branch\'s own previous tip)', () => {
    const { dir } = repoWith({ '.secret-sweep.yaml': LAX });
    git(dir, 'checkout', '-q', 'main');
    const before = git(dir, 'rev-parse', 'HEAD');
    const after = commitAll(dir, { 'legacy/creds.txt': `token = "${TOKEN}"\n` }, 'allowlisted on purpose');
    git(dir, 'update-ref', 'refs/remotes/origin/main', 'main');
    const r = gateScan(dir, ['--ci', '--no-fetch'], githubEnv('push', { before, after, ref: 'refs/heads/main', repository: { default_branch: 'main' } }, after));
    expect(r.code, r.stderr).toBe(0);
  });
});
