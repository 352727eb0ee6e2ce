// Bypass attempts through configuration the change brings: in --staged the staged change (or an untracked
// file beside it) is the change under review, so the config is HEAD's and .gitleaksignore is not read, as
// in --range/--ci. Files that look like config but are not read by the gate stay harmless (regressions).
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { githubToken } from '../support/fake-secrets.js';
import { commitAll, gateScan, git, repoWith, write } from '../support/gate-repo.js';

const TOKEN = githubToken(7401);
const LEAK = { 'app.py': `token = "${TOKEN}"\n` };
const ALLOW_ALL = 'allowlist:\n  paths: ["**"]\n';

/** Stage the leak (and `with`), leave `beside` in the work tree unstaged; scan --staged. */
function staged(withFiles: Record<string, string>, beside: Record<string, string> = {}, base: Record<string, string> = {}) {
  const { dir } = repoWith(base);
  write(dir, { ...LEAK, ...withFiles });
  git(dir, 'add', '-A');
  write(dir, beside);
  return gateScan(dir, ['--staged']);
}

const leakFound = (r: ReturnType<typeof gateScan>) => {
  expect(r.code, r.stderr).toBe(1);
  expect(r.findings).toContainEqual(expect.objectContaining({ rule: 'github-pat-classic', file: 'app.py' }));
};

describe('--staged: the change does not configure its own scan', () => {
  it('an untracked .secret-sweep.yaml that allowlists everything is not read', () => leakFound(staged({}, { '.secret-sweep.yaml': ALLOW_ALL })));

  it('an untracked .gitleaks.toml that allowlists everything is not read', () =>
    leakFound(staged({}, { '.gitleaks.toml': "[allowlist]\npaths = ['''.*''']\n" })));

  it('a staged .secret-sweep.yaml is not applied, and its change is a finding', () => {
    const r = staged({ '.secret-sweep.yaml': ALLOW_ALL });
    leakFound(r);
    expect(r.findings).toContainEqual(expect.objectContaining({ rule: 'scan-config-changed', file: '.secret-sweep.yaml' }));
  });

  it('a staged rename of the committed config (moved out of the way) is a finding too', () => {
    const { dir } = repoWith({ '.secret-sweep.yaml': 'allowlist:\n  paths: [fixtures/]\n' });
    write(dir, LEAK);
    git(dir, 'add', '-A');
    git(dir, 'mv', '.secret-sweep.yaml', 'old-config.yaml');
    const r = gateScan(dir, ['--staged']);
    leakFound(r);
    expect(r.findings).toContainEqual(expect.objectContaining({ rule: 'scan-config-changed', file: '.secret-sweep.yaml' }));
  });

  it('a staged edit that widens the committed config: HEAD\'s version applies', () => {
    const r = staged({ '.secret-sweep.yaml': ALLOW_ALL }, {}, { '.secret-sweep.yaml': 'allowlist:\n  paths: [fixtures/]\n' });
    leakFound(r);
    expect(r.findings).toContainEqual(expect.objectContaining({ rule: 'scan-config-changed' }));
  });

  it('a .gitleaksignore listing the leak (staged or not) is not read', () => {
    for (const where of ['staged', 'beside'] as const) {
      const ignore = { '.gitleaksignore': 'app.py:github-pat-classic:1\n' };
      const r = where === 'staged' ? staged(ignore) : staged({}, ignore);
      leakFound(r);
      expect(r.stderr).toContain('.gitleaksignore not read');
    }
  });

  it('the committed config still applies (its allowlist is honoured)', () => {
    const { dir } = repoWith({ '.secret-sweep.yaml': 'allowlist:\n  paths: ["fixtures/**"]\n' });
    write(dir, { 'fixtures/app.py': LEAK['app.py'] });
    git(dir, 'add', '-A');
    expect(gateScan(dir, ['--staged']).code).toBe(0);
  });

  it('--trust-head-config reads the work tree config, and says so', () => {
    const { dir } = repoWith({});
    write(dir, { ...LEAK });
    git(dir, 'add', '-A');
    write(dir, { '.secret-sweep.yaml': ALLOW_ALL });
    const r = gateScan(dir, ['--staged', '--trust-head-config']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('--trust-head-config');
  });
});

describe('config-looking files the range gate does not read', () => {
  const cases: Array<[string, Record<string, string>]> = [
    ['a .secret-sweep.yaml in a subfolder', { 'sub/.secret-sweep.yaml': ALLOW_ALL, 'sub/app.py': LEAK['app.py'] }],
    ['.gitattributes marking it -diff, binary, vendored, lfs, export-ignore', { '.gitattributes': '*.py -diff binary linguist-vendored linguist-generated filter=lfs export-ignore\n', ...LEAK }],
    ['.gitignore matching it (force-added)', { '.gitignore': '*.py\n', ...LEAK }],
    ['a .secrets.baseline listing it', { '.secrets.baseline': JSON.stringify({ results: { 'app.py': [{ type: 'GitHub Token', line_number: 1, is_secret: false }] } }), ...LEAK }],
  ];
  for (const [what, files] of cases) {
    it(what, () => {
      const { dir } = repoWith({});
      write(dir, files);
      git(dir, 'add', '-f', '-A');
      git(dir, 'commit', '-q', '--no-verify', '-m', 'leak');
      const file = Object.keys(files).find((f) => f.endsWith('app.py'))!;
      for (const args of [['--range', 'main..pr'], ['--history']]) {
        const r = gateScan(dir, args);
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(1);
        expect(r.findings).toContainEqual(expect.objectContaining({ file }));
      }
      git(dir, 'reset', '-q', '--soft', 'main');
      const s = gateScan(dir, ['--staged']);
      expect(s.code, s.stderr).toBe(1);
    });
  }

  it('a .secret-sweep.yaml that is a symlink: added by the change, a finding; in the base, refused (exit 2)', () => {
    const { dir } = repoWith({ 'cfg/allow.yaml': ALLOW_ALL });
    symlinkSync('cfg/allow.yaml', join(dir, '.secret-sweep.yaml'));
    commitAll(dir, LEAK, 'leak behind a symlinked config');
    const r = gateScan(dir, ['--range', 'main..pr']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.findings).toContainEqual(expect.objectContaining({ file: 'app.py' }));
    expect(r.findings).toContainEqual(expect.objectContaining({ rule: 'scan-config-changed', file: '.secret-sweep.yaml' }));
    // Named with --config, the link is read as it is now, and the change that made it a link is a finding.
    const explicit = gateScan(dir, ['--range', 'main..pr', '--config', join(dir, '.secret-sweep.yaml')]);
    expect(explicit.code, explicit.stderr).toBe(1);
    expect(explicit.findings).toContainEqual(expect.objectContaining({ rule: 'scan-config-changed', file: '.secret-sweep.yaml' }));
    commitAll(dir, { 'more.txt': 'x\n' }, 'more');
    const fromLink = gateScan(dir, ['--range', 'pr~1..pr']);
    expect(fromLink.code).toBe(2);
    expect(fromLink.stderr).toContain('not a regular file');
  });
});
