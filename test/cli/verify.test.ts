/**
 * `scan --verify` end to end: the built CLI over a folder (and a git history) holding live and dead
 * credentials, each verifier redirected by its test variable to a fake issuer on 127.0.0.1.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runAsync } from '../support/cli.js';
import { closedPort, startFakeIssuer, type FakeIssuer } from '../support/fake-issuers.js';
import { githubToken, password, stripeKey } from '../support/fake-secrets.js';
import { endpointVariable } from '../../src/verify/http.js';

const live = { gh: githubToken(1801), stripe: stripeKey(1802) };
const dead = { gh: githubToken(1803), stripe: stripeKey(1804) };
const pw = password(1805);
const all = [...Object.values(live), ...Object.values(dead), pw];

let github: FakeIssuer;
let stripe: FakeIssuer;
let env: Record<string, string>;

function repo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ss-verify-'));
  writeFileSync(join(dir, '.env'), `GITHUB_TOKEN=${live.gh}\nSTRIPE_SECRET_KEY=${live.stripe}\n`);
  writeFileSync(join(dir, 'old.env'), `GITHUB_TOKEN=${dead.gh}\nSTRIPE_SECRET_KEY=${dead.stripe}\n`);
  writeFileSync(join(dir, 'db.py'), `conn = psycopg2.connect(host="db.internal", user="etl", password="${pw}")\n`);
  return dir;
}

const scan = (dir: string, args: string[], extraEnv: Record<string, string> = {}) =>
  runAsync(process.execPath, [BIN, 'scan', dir, '--no-color', ...args], { cwd: dir, env: { ...env, ...extraEnv }, killAfterMs: 60_000 });

function noPlaintext(text: string) {
  for (const s of all) expect(text.includes(s), 'a secret leaked into output').toBe(false);
}

beforeAll(async () => {
  github = await startFakeIssuer('github');
  stripe = await startFakeIssuer('stripe');
  github.live.add(live.gh);
  stripe.live.add(live.stripe);
  env = { [endpointVariable('github')]: github.url, [endpointVariable('stripe')]: stripe.url };
});
afterAll(async () => {
  await github.close();
  await stripe.close();
});

describe('scan --verify', () => {
  it('jsonl: live and invalid with identity, no-verifier findings unknown; documented requests; exit 1', async () => {
    const dir = repo();
    const before = github.requests.length;
    const r = await scan(dir, ['--verify', '--format', 'jsonl']);
    expect(r.code).toBe(1);
    noPlaintext(r.stdout + r.stderr);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const by = (file: string, rule: string) => lines.find((l) => l.file === file && l.rule === rule);
    expect(by('.env', 'github-pat-classic')).toMatchObject({ verification: 'live', verifier: 'github', identity: { login: 'octo-fake', scopes: 'repo, read:org' } });
    expect(by('.env', 'stripe-secret-key')).toMatchObject({ verification: 'live', verifier: 'stripe', identity: { account: 'acct_1FakeAccount' } });
    expect(by('old.env', 'github-pat-classic')).toMatchObject({ verification: 'invalid', verifier: 'github', verificationReason: 'HTTP 401 (bad credentials)' });
    expect(by('old.env', 'stripe-secret-key')).toMatchObject({ verification: 'invalid', verifier: 'stripe' });
    const other = lines.find((l) => l.file === 'db.py');
    expect(other).toMatchObject({ verification: 'unknown', verificationReason: 'no verifier for this rule' });
    expect(other.verifier).toBeUndefined();
    expect(github.requests.length - before).toBe(2);
    expect(github.misshapen).toEqual([]);
    expect(stripe.misshapen).toEqual([]);
  });

  it('every format carries the verification; text and json count it', async () => {
    const dir = repo();
    const out: Record<string, string> = {};
    for (const format of ['text', 'json', 'sarif', 'gitlab', 'junit']) {
      const r = await scan(dir, ['--verify', '--format', format]);
      expect(r.code).toBe(1);
      noPlaintext(r.stdout + r.stderr);
      out[format] = r.stdout;
    }
    expect(out.text).toMatch(/\.env:1:\d+ +github-pat-classic[\s\S]*?verification: live \(github: login=octo-fake, id=583231, type=User, scopes=repo, read:org\)/);
    expect(out.text).toMatch(/old\.env:1:\d+ +github-pat-classic[\s\S]*?verification: invalid \(github; HTTP 401 \(bad credentials\)\)/);
    expect(out.text).toMatch(/note: verification: 2 live, 2 invalid, 1 unknown \(1 without a verifier; \d+ ms\)/);
    const json = JSON.parse(out.json!);
    expect(json.stats.verification).toEqual({ live: 2, invalid: 2, unknown: 1 });
    const sarif = JSON.parse(out.sarif!).runs[0].results;
    expect(sarif.find((r: { properties: { verification: string; identity?: { login?: string } } }) => r.properties.identity?.login === 'octo-fake').properties.verification).toBe('live');
    const gitlab = JSON.parse(out.gitlab!).vulnerabilities;
    const liveVuln = gitlab.find((v: { details: { verification?: { value: string } } }) => v.details.verification?.value.startsWith('live (github'));
    expect(liveVuln.severity).toBe('Critical');
    expect(out.junit).toContain('verification: invalid (stripe; HTTP 401 (invalid API key))');
  });

  it('--only-verified lists the live ones only (exit 1), and exits 0 when none is live', async () => {
    const dir = repo();
    const r = await scan(dir, ['--only-verified', '--format', 'jsonl']);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.file, l.rule, l.verification])).toEqual([['.env', 'github-pat-classic', 'live'], ['.env', 'stripe-secret-key', 'live']]);
    const deadOnly = mkdtempSync(join(tmpdir(), 'ss-verify-'));
    writeFileSync(join(deadOnly, 'old.env'), `GITHUB_TOKEN=${dead.gh}\n`);
    const r2 = await scan(deadOnly, ['--only-verified']);
    expect(r2.code).toBe(0);
    expect(r2.stdout).toContain('--only-verified: 1 finding not verified live not listed');
  });

  it('connection refused: unknown, never invalid', async () => {
    const port = await closedPort();
    const r = await scan(repo(), ['--verify', '--format', 'jsonl'], { [endpointVariable('github')]: `http://127.0.0.1:${port}` });
    const gh = r.stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.verifier === 'github');
    expect(gh.map((l) => [l.verification, l.verificationReason])).toEqual([['unknown', 'connection refused'], ['unknown', 'connection refused']]);
  });

  it('without --verify nothing is sent and no finding carries a verification', async () => {
    const before = github.requests.length + stripe.requests.length;
    const r = await scan(repo(), ['--format', 'jsonl']);
    expect(r.code).toBe(1);
    expect(github.requests.length + stripe.requests.length).toBe(before);
    expect(r.stdout).not.toContain('verification');
  });

  it('--staged --verify is refused (exit 2, one line)', async () => {
    const dir = repo();
    execFileSync('git', ['init', '-q', dir]);
    const r = await scan(dir, ['--staged', '--verify']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('--verify is not available with --staged');
  });

  it('a redirect to a host other than loopback is refused before any call (exit 2)', async () => {
    const r = await scan(repo(), ['--verify'], { [endpointVariable('github')]: 'https://collector.example.net' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('SECRET_SWEEP_VERIFY_ENDPOINT_GITHUB must be an http(s) URL on 127.0.0.1');
  });

  it('--history --verify reads the secret from the commit that introduced it (file since deleted)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-verify-git-'));
    const git = (...a: string[]) => execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...a]);
    git('init', '-q');
    writeFileSync(join(dir, '.env'), `\n\nGITHUB_TOKEN=${live.gh}\n`);
    git('add', '.env');
    git('commit', '-qm', 'add');
    git('rm', '-q', '.env');
    git('commit', '-qm', 'remove');
    const r = await scan(dir, ['--history', '--verify', '--format', 'jsonl']);
    expect(r.code).toBe(1);
    const [line] = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(line).toMatchObject({ rule: 'github-pat-classic', presentAtHead: false, verification: 'live', identity: { login: 'octo-fake' } });
  });

  it('migrate --verify: the report lists the live value first, in a "rotate first" section', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-verify-mig-'));
    const git = (...a: string[]) => execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...a]);
    git('init', '-q');
    writeFileSync(join(dir, 'app.py'), `import os\nOLD_TOKEN = "${dead.gh}"\nGITHUB_TOKEN = "${live.gh}"\n`);
    git('add', '-A');
    git('commit', '-qm', 'init');
    const r = await runAsync(process.execPath, [BIN, 'migrate', dir, '--app', 'api', '--env', 'prod', '--backend', 'dotenv', '--verify', '--apply', '--yes'], { cwd: dir, env, killAfterMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('--verify: 1 of 2 committed value(s) verified live by their issuer; the report lists them first');
    const report = JSON.parse(readFileSync(join(dir, 'secret-sweep-migration.json'), 'utf8'));
    expect(report.rotateFirst).toEqual([expect.objectContaining({ where: 'app.py:3', rule: 'github-pat-classic', verification: 'live (github: login=octo-fake, id=583231, type=User, scopes=repo, read:org)' })]);
    expect(report.secrets[0].values[0].verification).toMatch(/^live/);
    expect(report.secrets[1].values[0].verification).toMatch(/^invalid/);
    const md = readFileSync(join(dir, 'secret-sweep-migration.md'), 'utf8');
    expect(md.indexOf('## Rotate first: verified live')).toBeGreaterThan(0);
    expect(md.indexOf('## Rotate first: verified live')).toBeLessThan(md.indexOf('| secret | keys'));
    noPlaintext(r.stdout + r.stderr + md);
  });

  it('a rule naming an unknown verifier is a config error with file:line', async () => {
    const dir = repo();
    writeFileSync(join(dir, 'rules.yaml'), [
      'rules:',
      '  - id: demo-token',
      '    description: demo',
      "    regex: 'demo_[a-z]{10}'",
      '    verify: nosuch',
      '',
    ].join('\n'));
    const r = await scan(dir, ['--verify', '--config', join(dir, 'rules.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/rules\.yaml:5.*unknown verifier `nosuch`/);
  });
});
