import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, statSync, writeFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { awsKeyId, awsSecretKey, githubToken, password, stripeKey } from '../support/fake-secrets.js';

const secrets = {
  key: awsKeyId(101),
  secret: awsSecretKey(102),
  gh: githubToken(103),
  stripe: stripeKey(104),
  pw: password(105),
};
const all = Object.values(secrets);

function leakyRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ss-cli-'));
  mkdirSync(join(dir, 'etl'));
  writeFileSync(
    join(dir, 'etl', 'load.py'),
    [
      'import boto3',
      'import psycopg2',
      '',
      `s3 = boto3.client("s3", aws_access_key_id="${secrets.key}",`,
      `                  aws_secret_access_key="${secrets.secret}")`,
      `conn = psycopg2.connect(host="db.internal", user="etl", password="${secrets.pw}")`,
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, '.env'), `GITHUB_TOKEN=${secrets.gh}\nSTRIPE_SECRET_KEY=${secrets.stripe}\n`);
  writeFileSync(join(dir, 'README.md'), '# demo\nNothing to see.\n');
  return dir;
}

function noPlaintext(text: string) {
  for (const s of all) expect(text.includes(s), 'a secret leaked into output').toBe(false);
}

let repo: string;
beforeAll(() => {
  repo = leakyRepo();
});

describe('scan (end to end, built binary)', () => {
  it('finds the leaks, exits 1 and prints them redacted', () => {
    const r = runCli(['scan', repo]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('etl/load.py');
    expect(r.stdout).toContain('.env');
    noPlaintext(r.stdout + r.stderr);
  });

  for (const format of ['json', 'jsonl', 'sarif', 'junit', 'gitlab', 'text']) {
    it(`--format ${format}: redacted, and --show-secrets shows plaintext`, () => {
      const r = runCli(['scan', repo, '--format', format]);
      expect(r.code).toBe(1);
      noPlaintext(r.stdout + r.stderr);
      const shown = runCli(['scan', repo, '--format', format, '--show-secrets']);
      expect(shown.code).toBe(1);
      expect(shown.stdout).toContain(secrets.gh);
    });
  }

  it('jsonl carries the contract keys', () => {
    const r = runCli(['scan', repo, '--format', 'jsonl']);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const rules = rows.map((x) => x.rule);
    expect(rules).toEqual(expect.arrayContaining(['aws-access-key-id', 'aws-secret-access-key', 'github-pat-classic', 'stripe-secret-key']));
    for (const row of rows) {
      for (const k of ['rule', 'file', 'line', 'column', 'endLine', 'fingerprint', 'match']) expect(row).toHaveProperty(k);
    }
    const gh = rows.find((x) => x.rule === 'github-pat-classic');
    expect(gh.file).toBe('.env');
    expect(gh.line).toBe(1);
    expect(gh.column).toBe('GITHUB_TOKEN='.length + 1);
  });

  it('--output writes the report with mode 0600', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ss-out-')), 'report.sarif');
    const r = runCli(['scan', repo, '--format', 'sarif', '--output', out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    noPlaintext(readFileSync(out, 'utf8'));
    expect(JSON.parse(readFileSync(out, 'utf8')).version).toBe('2.1.0');
  });

  it('a clean folder exits 0', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-clean-'));
    writeFileSync(join(dir, 'app.py'), 'import os\npassword = os.environ["DB_PASSWORD"]\n');
    const r = runCli(['scan', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/no leaks found/);
  });

  it('reads standard input with -', () => {
    const r = runCli(['scan', '-', '--format', 'jsonl'], { input: `token: ${secrets.gh}\n` });
    expect(r.code).toBe(1);
    const row = JSON.parse(r.stdout.trim());
    expect(row.file).toBe('-');
    expect(row.rule).toBe('github-pat-classic');
  });

  it('baseline: accepted findings are not reported again, new ones are', () => {
    const dir = leakyRepo();
    const base = join(dir, '.secret-sweep-baseline');
    expect(runCli(['baseline', dir, '--output', base]).code).toBe(0);
    const text = readFileSync(base, 'utf8');
    noPlaintext(text);
    const lines = text.trim().split('\n').filter((l) => !l.startsWith('#'));
    expect([...lines].sort()).toEqual(lines);
    expect(runCli(['scan', dir, '--baseline', base]).code).toBe(0);
    writeFileSync(join(dir, 'new.py'), `API_TOKEN = "${githubToken(106)}"\n`);
    const r = runCli(['scan', dir, '--baseline', base, '--format', 'jsonl']);
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n').map((l) => JSON.parse(l).file)).toEqual(['new.py']);
  });

  it('skips binary, oversized and symlinked files and says so', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-skip-'));
    writeFileSync(join(dir, 'blob.bin'), Buffer.concat([Buffer.from([0, 1, 2, 0]), Buffer.from(`k=${secrets.gh}`)]));
    writeFileSync(join(dir, 'big.txt'), `k=${secrets.gh}\n` + 'x'.repeat(5000));
    writeFileSync(join(dir, 'small.txt'), 'hello\n');
    symlinkSync('/etc/passwd', join(dir, 'link'));
    const r = runCli(['scan', dir, '--max-file-size', '1000']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/binary/);
    expect(r.stdout).toMatch(/too-large|too large/);
  });

  it('in a git work tree: tracked files always, untracked ignored ones only with --no-gitignore', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-git-'));
    const git = (...a: string[]) => execFileSync('git', a, { cwd: dir, stdio: 'pipe' });
    git('init', '-q');
    writeFileSync(join(dir, '.gitignore'), '*.secret\n');
    writeFileSync(join(dir, 'tracked.secret'), `T=${githubToken(107)}\n`);
    git('add', '-f', 'tracked.secret', '.gitignore');
    writeFileSync(join(dir, 'untracked.secret'), `T=${githubToken(108)}\n`);
    const files = (args: string[]) => runCli(['scan', dir, '--format', 'jsonl', ...args]).stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l).file).sort();
    expect(files([])).toEqual(['tracked.secret']);
    expect(files(['--no-gitignore'])).toEqual(['tracked.secret', 'untracked.secret']);
  });

  it('a large git tree (workers started before the listing): the in-process findings; unused workers or an error end the run as usual', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-large-'));
    const git = (...a: string[]) => execFileSync('git', a, { cwd: dir, stdio: 'pipe' });
    git('init', '-q');
    mkdirSync(join(dir, 'src'));
    // 450 files: an index large enough to start workers early (run-source.ts startTreeWorkersEarly).
    for (let i = 0; i < 450; i++) writeFileSync(join(dir, 'src', `module_${i}.py`), i % 75 === 0 ? `TOKEN = "${githubToken(700 + i)}"\n` : `x = ${i}\n`);
    writeFileSync(join(dir, 'top.env'), `GITHUB_TOKEN=${githubToken(699)}\n`);
    git('add', '-A');
    const scan = (args: string[]) => {
      const r = runCli(['scan', dir, '--format', 'jsonl', ...args]);
      return { code: r.code, stderr: r.stderr, found: r.stdout.trim().split('\n').filter(Boolean).map((l) => `${JSON.parse(l).file}:${JSON.parse(l).fingerprint}`) };
    };
    const one = scan(['--jobs', '1']);
    expect(one.code).toBe(1);
    expect(one.found).toHaveLength(7);
    expect(scan(['--jobs', '2'])).toEqual(one);
    // Listed files too few for workers after all: the early ones are ended, and the run exits.
    const few = scan(['--jobs', '2', '--exclude', 'src/**']);
    expect(few.code).toBe(1);
    expect(few.found).toEqual(one.found.filter((f) => f.startsWith('top.env:')));
    // An error after they started: one line, exit 2 (not a run kept alive by them).
    writeFileSync(join(dir, 'bad.yaml'), 'rulez: []\n');
    const bad = scan(['--jobs', '2', '--config', join(dir, 'bad.yaml')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('errors: one line on stderr, exit 2, no stack trace', () => {
    const missing = runCli(['scan', '/nonexistent/folder']);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('/nonexistent/folder');
    // A credential pasted where the path goes is not repeated in the error (here and in git modes).
    for (const mode of [[], ['--staged'], ['--history']]) {
      const pasted = runCli(['scan', secrets.key, ...mode]);
      expect(pasted.code).toBe(2);
      expect(pasted.stderr).toMatch(/no such file or folder/);
      expect(pasted.stderr).not.toContain(secrets.key.slice(0, 8));
    }

    const usage = runCli(['scan', repo, '--no-such-flag']);
    expect(usage.code).toBe(2);

    const fmt = runCli(['scan', repo, '--format', 'xml']);
    expect(fmt.code).toBe(2);

    const dir = mkdtempSync(join(tmpdir(), 'ss-badcfg-'));
    writeFileSync(join(dir, '.secret-sweep.yaml'), 'allowlist:\n  paths: [a]\nrulez: []\n');
    const cfg = runCli(['scan', dir]);
    expect(cfg.code).toBe(2);
    expect(cfg.stderr.trim().split('\n')).toHaveLength(1);
    expect(cfg.stderr).toMatch(/\.secret-sweep\.yaml:3: unknown key `rulez`/);
    expect(cfg.stderr).not.toMatch(/\n\s+at /);

    const base = runCli(['scan', repo, '--baseline', join(dir, 'missing-baseline')]);
    expect(base.code).toBe(2);
    expect(base.stderr).toContain('missing-baseline');
  });

  it('the config allowlists paths and disables rules', () => {
    const dir = leakyRepo();
    // The Stripe key sits under a secret's name, so the generic rule reports it too: both are disabled.
    writeFileSync(join(dir, '.secret-sweep.yaml'), 'allowlist:\n  paths: [etl/]\ndisable: [stripe-secret-key, generic-password-assignment]\n');
    const r = runCli(['scan', dir, '--format', 'jsonl']);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((x) => x.rule)).toEqual(['github-pat-classic']);
  });
});

describe('rules command', () => {
  it('list prints one rule per line, id first', () => {
    const r = runCli(['rules', 'list']);
    expect(r.code).toBe(0);
    const ids = r.stdout.trim().split('\n').map((l) => l.split('\t')[0]);
    expect(ids).toContain('github-pat-classic');
    expect(new Set(ids).size).toBe(ids.length);
  });
  it('explain shows a rule', () => {
    const r = runCli(['rules', 'explain', 'github-pat-classic']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('validator:  github-crc32');
  });
  it('test exits 1 on a failing example and names it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-rt-'));
    const f = join(dir, 'mine.yaml');
    writeFileSync(f, "rules:\n  - id: mine\n    description: d\n    regex: 'zz_([0-9]{8})'\n    keywords: [zz_]\n    references: [https://example.test]\n    examples: ['a = zz_1234']\n");
    const r = runCli(['rules', 'test', f]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/mine: example #1 is not found/);
  });
});
