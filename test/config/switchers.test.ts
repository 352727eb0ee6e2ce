// Teams moving from gitleaks, detect-secrets, trufflehog or secretlint keep their files and markers:
// `.gitleaksignore` (gitleaks rule ids), GITLEAKS_CONFIG, a detect-secrets `.secrets.baseline` as --baseline,
// `trufflehog:ignore`, `secretlint-disable-line`, `secretlint-disable-next-line`. Through the built CLI.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { githubToken } from '../support/fake-secrets.js';
import { git, makeRepo } from '../hooks/helpers.js';

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ss-switch-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const scan = (dir: string, ...args: string[]) => runCli(['scan', '.', '--no-color', ...args], { cwd: dir });
const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

describe('.gitleaksignore', () => {
  const token = githubToken(901);
  const other = githubToken(902);
  const files = { 'config.py': `# settings\nTOKEN = "${token}"\nOTHER = "${other}"\n` };

  it('file:rule:line entries with gitleaks rule ids suppress that finding only, and say where', () => {
    const dir = folder({ ...files, '.gitleaksignore': '# accepted\nconfig.py:github-pat:2\n' });
    const r = scan(dir, '--format', 'jsonl');
    expect(r.code, r.stderr).toBe(1);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { line: number; suppressed?: string });
    expect(rows.filter((f) => !f.suppressed).map((f) => f.line)).toEqual([3]);
    expect(rows.find((f) => f.line === 2)?.suppressed).toBeTruthy();
    expect(scan(dir).stdout).toMatch(/config\.py:2:\d+\s+github-pat-classic\s+listed in \.gitleaksignore:2/);
    const clean = scan(folder({ ...files, '.gitleaksignore': 'config.py:github-pat:2\nconfig.py:github-pat-classic:3\n' }));
    expect(clean.code, clean.stdout + clean.stderr).toBe(0);
  });

  it('commit:file:rule:line entries apply to that commit in --history', () => {
    const repo = makeRepo('ss-switch-git-');
    writeFileSync(join(repo, 'config.py'), files['config.py']);
    git(repo, 'add', 'config.py');
    git(repo, 'commit', '-q', '--no-verify', '-m', 'leak');
    const sha = git(repo, 'rev-parse', 'HEAD');
    writeFileSync(join(repo, '.gitleaksignore'), `${sha}:config.py:github-pat:2\n${sha}:config.py:github-pat:3\n`);
    expect(runCli(['scan', '.', '--history', '--no-color'], { cwd: repo }).code).toBe(0);
    writeFileSync(join(repo, '.gitleaksignore'), `${'0'.repeat(40)}:config.py:github-pat:2\n${sha}:config.py:github-pat:3\n`);
    expect(runCli(['scan', '.', '--history', '--no-color'], { cwd: repo }).code).toBe(1);
  });

  it('a malformed line is a one-line error naming the file and line', () => {
    const r = scan(folder({ ...files, '.gitleaksignore': 'config.py:github-pat:2\nnot an entry\n' }));
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^secret-sweep: \.gitleaksignore:2: not a gitleaks fingerprint/);
  });
});

describe('gitleaks config files', () => {
  const TOML = `[[rules]]\nid = "northwind-token"\ndescription = "Northwind token"\nregex = '''nwt_[a-z0-9]{24}'''\nkeywords = ["nwt_"]\n`;
  const value = 'nwt_' + 'q7x2k9m4p1z8w3v6b5n0r2t4';

  it('GITLEAKS_CONFIG names the gitleaks config, as gitleaks reads it', () => {
    const cfgDir = folder({ 'team.toml': TOML });
    const dir = folder({ 'a.txt': `key ${value}\n` });
    expect(scan(dir).code).toBe(0);
    const r = runCli(['scan', '.', '--no-color'], { cwd: dir, env: { GITLEAKS_CONFIG: join(cfgDir, 'team.toml') } });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('northwind-token');
    const missing = runCli(['scan', '.'], { cwd: dir, env: { GITLEAKS_CONFIG: join(cfgDir, 'nope.toml') } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('GITLEAKS_CONFIG');
  });

  it('a .gitleaks.toml next to a .secret-sweep.yaml is not read, and stderr says so', () => {
    const dir = folder({ '.gitleaks.toml': TOML, '.secret-sweep.yaml': 'disable: []\n', 'a.txt': 'nothing here\n' });
    const r = scan(dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: \.gitleaks\.toml not read: \.secret-sweep\.yaml is the config/);
  });
});

describe('detect-secrets .secrets.baseline', () => {
  const token = githubToken(903);
  const fresh = githubToken(904);
  const baseline = (hashes: string[]) =>
    JSON.stringify({ version: '1.5.0', plugins_used: [], filters_used: [], results: { 'config.py': hashes.map((h, i) => ({ type: 'GitHub Token', filename: 'config.py', hashed_secret: h, is_verified: false, line_number: i + 1 })) }, generated_at: '2024-01-01T00:00:00Z' }, null, 2) + '\n';

  it('--baseline .secrets.baseline accepts the secrets whose SHA-1 it lists, reports the others', () => {
    const dir = folder({ 'config.py': `TOKEN = "${token}"\n`, '.secrets.baseline': baseline([sha1(token)]) });
    const r = scan(dir, '--baseline', '.secrets.baseline');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    writeFileSync(join(dir, 'new.py'), `NEW = "${fresh}"\n`);
    const again = scan(dir, '--baseline', '.secrets.baseline', '--format', 'jsonl');
    expect(again.code, again.stderr).toBe(1);
    const found = again.stdout.trim().split('\n').map((l) => JSON.parse(l) as { file: string });
    expect(found.map((f) => f.file)).toEqual(['new.py']);
  });

  it("the baseline's own hashed_secret values are never reported", () => {
    const hashes = [sha1(token), sha1(fresh), sha1('password123'), sha1('another')];
    const r = scan(folder({ '.secrets.baseline': baseline(hashes) }));
    expect(r.code, r.stdout).toBe(0);
  });
});

describe('trufflehog and secretlint inline markers', () => {
  it('trufflehog:ignore and secretlint-disable-line on the line, secretlint-disable-next-line on the line before', () => {
    const dir = folder({
      'a.py': `A = "${githubToken(905)}"  # trufflehog:ignore\n`,
      'b.js': `const b = "${githubToken(906)}"; // secretlint-disable-line\n`,
      'c.js': `// secretlint-disable-next-line\nconst c = "${githubToken(907)}";\n`,
    });
    const r = scan(dir);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('trufflehog:ignore');
    expect(r.stdout).toContain('secretlint-disable-next-line');
    // The marker covers its own line / the next line only.
    const far = folder({ 'd.js': `// secretlint-disable-next-line\n\nconst d = "${githubToken(908)}";\n` });
    expect(scan(far).code).toBe(1);
  });
});

describe("README's configuration example", () => {
  it('loads as written (its own rule example passes at load) and its rule finds a key of that form', () => {
    const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
    const block = /### Configuration[^\n]*\n[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toContain('acme-api-key');
    const key = 'acme_' + 'w8r3t6y1u4i9o2p7a5s0d3f8g6h1j4k2';
    const r = scan(folder({ '.secret-sweep.yaml': block!, 'app.py': `ACME = "${key}"\n` }), '--format', 'jsonl');
    expect(r.code, r.stderr).toBe(1);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { file: string; rule: string });
    expect(rows.map((f) => `${f.file} ${f.rule}`)).toContain('app.py acme-api-key');
  });
});
