// Bypass attempts through inline allow markers: a marker the change adds (`# gitleaks:allow` after its own
// secret) is an ignore written by the change under review. In --range and --ci it does not suppress the
// finding unless the base already held that secret under a marker, or the base config says
// `inline_allow: true` (src/scan/change-markers.ts). --staged and a folder scan keep honouring markers.
import { describe, expect, it } from 'vitest';
import { githubToken } from '../support/fake-secrets.js';
import { commitAll, gateScan, git, githubEnv, repoWith } from '../support/gate-repo.js';
import { runCli } from '../support/cli.js';

const TOKEN = githubToken(7601);
const OTHER = githubToken(7602);

const MARKED: Array<[string, string]> = [
  ['gitleaks:allow', `token = "${TOKEN}"  # gitleaks:allow\n`],
  ['pragma: allowlist secret', `token = "${TOKEN}"  # pragma: allowlist secret\n`],
  ['secret-sweep:allow on the line before', `# secret-sweep:allow\ntoken = "${TOKEN}"\n`],
  ['trufflehog:ignore', `token = "${TOKEN}"  # trufflehog:ignore\n`],
];

const reported = (r: ReturnType<typeof gateScan>, file = 'app.py') => {
  expect(r.code, r.stderr).toBe(1);
  expect(r.findings).toContainEqual(expect.objectContaining({ rule: 'github-pat-classic', file }));
};

describe('a marker the change adds does not suppress its finding in --range and --ci', () => {
  for (const [what, text] of MARKED) {
    it(what, () => {
      const { dir, base, head } = repoWith({}, { 'app.py': text });
      reported(gateScan(dir, ['--range', 'main..pr']));
      reported(gateScan(dir, ['--ci'], githubEnv('pull_request', { pull_request: { base: { sha: base }, head: { sha: head } } }, head)));
    });
  }

  it('the report says why, and no finding text carries the secret', () => {
    const { dir } = repoWith({}, { 'app.py': MARKED[0]![1] });
    const r = runCli(['scan', dir, '--range', 'main..pr', '--format', 'text', '--no-color'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain('inline allow marker added by the change is not trusted');
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });

  it('--ci with no base (whole history) and no default branch: no marker is trusted', () => {
    const { dir, head } = repoWith({}, { 'app.py': MARKED[0]![1] });
    reported(gateScan(dir, ['--ci'], githubEnv('push', { before: '0'.repeat(40), after: head }, head)));
  });

  it('a marker moved to another path is a new marker there', () => {
    const { dir } = repoWith({ 'old.py': MARKED[0]![1] }, { 'new.py': MARKED[0]![1] });
    reported(gateScan(dir, ['--range', 'main..pr']), 'new.py');
  });
});

describe('markers the gate still honours', () => {
  it('a marker the base already had stays honoured when the change edits the file; a new one beside it does not', () => {
    const { dir } = repoWith({ 'app.py': MARKED[0]![1] }, { 'app.py': `${MARKED[0]![1]}x = 1\n` });
    const r = gateScan(dir, ['--range', 'main..pr']);
    expect(r.code, r.stderr).toBe(0);
    commitAll(dir, { 'app.py': `${MARKED[0]![1]}x = 1\nother = "${OTHER}"  # gitleaks:allow\n` }, 'second marker');
    const r2 = gateScan(dir, ['--range', 'main..pr']);
    expect(r2.code, r2.stderr).toBe(1);
    expect(r2.findings.filter((f) => f.rule === 'github-pat-classic')).toEqual([expect.objectContaining({ file: 'app.py', line: 3 })]);
  });

  it('the base config\'s `inline_allow: true` trusts the change\'s markers (listed as suppressed)', () => {
    const { dir } = repoWith({ '.secret-sweep.yaml': 'inline_allow: true\n' }, { 'app.py': MARKED[0]![1] });
    expect(gateScan(dir, ['--range', 'main..pr']).code).toBe(0);
  });

  it('`inline_allow: true` added by the change itself is a config change, not a trust', () => {
    const { dir } = repoWith({}, { '.secret-sweep.yaml': 'inline_allow: true\n', 'app.py': MARKED[0]![1] });
    const r = gateScan(dir, ['--range', 'main..pr']);
    reported(r);
    expect(r.findings).toContainEqual(expect.objectContaining({ rule: 'scan-config-changed' }));
  });

  it('--staged (the developer\'s own commit) and a folder scan honour markers, as documented', () => {
    const { dir } = repoWith({}, { 'app.py': MARKED[0]![1] });
    expect(runCli(['scan', dir, '--format', 'json'], { cwd: dir }).code).toBe(0);
    git(dir, 'reset', '-q', '--soft', 'main');
    expect(gateScan(dir, ['--staged']).code).toBe(0);
  });
});
