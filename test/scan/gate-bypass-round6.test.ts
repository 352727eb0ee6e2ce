// Round 6 of bypass attempts (docs/gate.md): each of these let a secret through a gate with exit 0.
// - a tag named like the range's base (`main`, `origin/main`) pointing at the head: git looks a name up as
//   a tag before a branch or a remote-tracking branch, so `--range origin/main..HEAD` became an empty range.
// - `--ci` on a merge request whose base sits inside the change, in a clone without `origin/<target>`
//   (GitLab fetches only the pipeline's ref): the base check found no target and trusted the range, and
//   the config lookup fetched the target only afterwards.
// - a vendor token (an AWS key id) under a key named like a certificate (`ca.crt:`, `tls.ca:`), or followed by
//   `@example.com` / `@x.test`: filters meant for values with nothing but their place to go on (a
//   base64 value under `ca.crt`, a typed password in a URL to a host that cannot exist) dropped it in
//   every mode. So did a marker of an encrypted value or a digest written before it (`ENC[AES256_GCM,data:AKIA…]`,
//   `vault:v1:AKIA…`, `integrity: AKIA…`), and 512 base64 characters either side (`AAAA…/AKIA…/AAAA…`,
//   "inside base64 data"): the token is there in plain text.
import { describe, expect, it } from 'vitest';
import { awsKeyId, githubToken } from '../support/fake-secrets.js';
import { commitAll, gateScan, git, repoWith } from '../support/gate-repo.js';

const TOKEN = githubToken(7601);
const LINE = `token = "${TOKEN}"\n`;

describe('a ref name that a tag can take over is refused, not resolved to the tag', { timeout: 120_000 }, () => {
  it('a tag `main` at the head turns `--range main..pr` into an empty range: exit 2 naming both refs', () => {
    const { dir } = repoWith({}, { 'app.env': LINE });
    git(dir, 'tag', 'main', 'pr');
    const r = gateScan(dir, ['--range', 'main..pr']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/the name "main" is ambiguous: refs\/tags\/main \([0-9a-f]{12}\), refs\/heads\/main/);
    // The full name says which one is meant.
    const full = gateScan(dir, ['--range', 'refs/heads/main..pr']);
    expect(full.code, full.stderr).toBe(1);
  });

  it('a tag `origin/main` at the head in a CI clone: `--range origin/main..HEAD` exits 2', () => {
    const { dir, base } = repoWith({}, { 'app.env': LINE });
    git(dir, 'update-ref', 'refs/remotes/origin/main', base);
    git(dir, 'tag', 'origin/main', 'HEAD');
    const r = gateScan(dir, ['--range', 'origin/main..HEAD']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('refs/remotes/origin/main');
  });

  it('a tag named like an abbreviated commit id is refused; a tag and a branch at the same commit are not', () => {
    const { dir, base, head } = repoWith({}, { 'app.env': LINE });
    const short = head.slice(0, 9);
    git(dir, 'tag', short, base);
    const r = gateScan(dir, ['--range', `main..${short}`]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('an abbreviated commit id');
    git(dir, 'tag', '-d', short);
    git(dir, 'tag', 'pr', 'pr'); // same commit as the branch: nothing to choose between
    const same = gateScan(dir, ['--range', 'main..pr']);
    expect(same.code, same.stderr).toBe(1);
  });
});

describe('--ci: a merge request base inside the change, origin/<target> not in the clone', { timeout: 120_000 }, () => {
  it('the target branch is fetched before the base is checked: exit 2, not a pass over the clean commit', () => {
    const { dir } = repoWith({}, { 'app.env': LINE });
    const leak = git(dir, 'rev-parse', 'HEAD');
    const head = commitAll(dir, { 'app.env': 'token = "from the vault"\n' }, 'clean on top');
    // The remote has main; the clone only the pipeline's commit (as GitLab's runner fetches it).
    git(dir, 'remote', 'add', 'origin', dir);
    const env = {
      GITHUB_ACTIONS: '',
      GITLAB_CI: 'true',
      CI_PIPELINE_SOURCE: 'merge_request_event',
      CI_MERGE_REQUEST_IID: '9',
      CI_MERGE_REQUEST_DIFF_BASE_SHA: leak,
      CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
      CI_DEFAULT_BRANCH: 'main',
      CI_COMMIT_SHA: head,
    };
    const r = gateScan(dir, ['--ci'], env);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/base [0-9a-f]{12} is not on origin\/main: 1 commit of the change/);
  });
});

describe('a vendor token keeps its format whatever key or host is written around it', { timeout: 120_000 }, () => {
  it('`ca.crt: AKIA…`, `AKIA…@example.com`, `ENC[AES256_GCM,data:AKIA…]`, `vault:v1:AKIA…`, `integrity: AKIA…`, AKIA… in 1 KB of base64: each found by --range', () => {
    const ids = [1, 2, 3, 4, 5, 6, 7, 8].map((i) => awsKeyId(7610 + i));
    const lines = [
      `ca.crt: ${ids[0]}`,
      `tls.ca: "${ids[1]}"`,
      `contact = ${ids[2]}@example.com`,
      `url = "https://u:${ids[3]}@s3.test/"`,
      `deploy: ENC[AES256_GCM,data:${ids[4]},iv:x,type:str]`,
      `token: vault:v1:${ids[5]}`,
      `integrity: ${ids[6]}`,
      `blob = "${'A'.repeat(600)}/${ids[7]}/${'A'.repeat(600)}"`,
    ];
    const { dir } = repoWith({}, { 'deploy.yaml': lines.join('\n') + '\n' });
    const r = gateScan(dir, ['--range', 'main..pr']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.findings.filter((f) => f.rule === 'aws-access-key-id').map((f) => f.line).sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
