/**
 * `secret-sweep migrate` end to end: the built CLI (run `npm run build` first) as a child process, the
 * real AWS SDK over HTTP, and test/support/sm-server.ts on 127.0.0.1.
 *
 * Set SECRET_SWEEP_TEST_SM_ENDPOINT to run the basic flow against another Secrets Manager (LocalStack,
 * moto); tests that inspect the local server (write counters, versions, fault injection) are then skipped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CreateSecretCommand, DeleteSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { BIN, runCliAsync } from '../support/cli.js';
import { startSmServer, type SmServer } from '../support/sm-server.js';
import { ALNUM, awsKeyId, awsSecretKey, githubToken, randomString, stripeKey } from '../support/fake-secrets.js';
import { removeReplacementDirs } from '../support/replacements.js';

const EXTERNAL = process.env.SECRET_SWEEP_TEST_SM_ENDPOINT;
const local = describe.skipIf(Boolean(EXTERNAL));

const AWS_ENV = {
  AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'test-not-a-key',
  AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'test-not-a-secret',
  AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
};

let srv: SmServer | undefined;
let endpoint: string;
let sm: SecretsManagerClient;
const cleanup: string[] = [];

beforeAll(async () => {
  if (!existsSync(join(BIN, '..', '..', 'dist', 'cli', 'main.js'))) throw new Error('run `npm run build` first');
  if (!EXTERNAL) srv = await startSmServer();
  endpoint = EXTERNAL ?? srv!.endpoint;
  sm = new SecretsManagerClient({ endpoint, region: AWS_ENV.AWS_REGION, credentials: { accessKeyId: AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: AWS_ENV.AWS_SECRET_ACCESS_KEY } });
});

afterAll(async () => {
  sm?.destroy();
  await srv?.stop();
  for (const p of cleanup) {
    removeReplacementDirs(p);
    rmSync(p, { recursive: true, force: true });
  }
});

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  return runCliAsync(args, { cwd, env: { ...AWS_ENV, ...env } });
}

const git = (dir: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=t@example.invalid', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, stdio: 'pipe' });

interface Fixture {
  dir: string;
  app: string;
  values: string[];
  /** Expected secret name -> JSON object. */
  expected: Record<string, Record<string, unknown>>;
}

let seq = 0;
/** A committed repository with a DB block, an AWS key pair and a Stripe key, all made at run time. */
function fixture(): Fixture {
  const n = ++seq;
  const dir = mkdtempSync(join(tmpdir(), 'ss-migrate-'));
  cleanup.push(dir);
  const app = `e2e${randomBytes(3).toString('hex')}`;
  const pw = randomString(ALNUM, 16, 1000 + n * 7919) + '7q';
  const id = awsKeyId(2000 + n);
  const key = awsSecretKey(3000 + n);
  const stripe = stripeKey(4000 + n);
  writeFileSync(join(dir, '.env'), ['DB_HOST=db.internal.example', 'DB_PORT=5432', 'DB_USER=etl', `DB_PASSWORD=${pw}`, 'DB_NAME=warehouse', ''].join('\n'));
  mkdirSync(join(dir, 'etl'));
  writeFileSync(join(dir, 'etl', 'load.py'), [
    'import boto3',
    `AWS_ACCESS_KEY_ID = "${id}"`,
    `AWS_SECRET_ACCESS_KEY = "${key}"`,
    `STRIPE_KEY = "${stripe}"`,
    '',
  ].join('\n'));
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'legacy');
  return {
    dir, app, values: [pw, id, key, stripe],
    expected: {
      [`prod/${app}/db`]: { host: 'db.internal.example', port: 5432, username: 'etl', password: pw, dbname: 'warehouse' },
      [`prod/${app}/aws`]: { aws_access_key_id: id, aws_secret_access_key: key },
      [`prod/${app}/stripe`]: { key: stripe },
    },
  };
}

const base = (fx: Fixture) => ['migrate', '.', '--app', fx.app, '--env', 'prod', '--endpoint-url', endpoint];
const lastLine = (s: string) => s.trim().split('\n').pop() ?? '';

function expectNoValues(text: string, fx: Fixture) {
  for (const v of fx.values) expect(text).not.toContain(v);
}

async function current(name: string): Promise<Record<string, unknown>> {
  const out = await sm.send(new GetSecretValueCommand({ SecretId: name }));
  return JSON.parse(out.SecretString ?? '{}');
}

function versions(name: string): number {
  return srv!.state.get(name)?.versions.size ?? 0;
}

describe('migrate: dry run and apply', () => {
  it('dry run prints the plan and cost, writes nothing anywhere', async () => {
    const fx = fixture();
    srv?.calls.reset();
    const r = await cli(base(fx), fx.dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/SECRET\s+KEYS\s+ACTION\s+FOUND AT/);
    for (const name of Object.keys(fx.expected)) expect(r.stdout).toContain(name);
    expect(r.stdout).toMatch(/host, port, username, password\*, dbname\s+create/);
    expect(r.stdout).toContain('$1.20/month');
    expectNoValues(r.stdout + r.stderr, fx);
    if (srv) {
      expect(srv.calls.writeCalls()).toBe(0);
      expect(srv.calls.count('DescribeSecret')).toBe(3);
    }
    expect(existsSync(join(fx.dir, '.secret-sweep'))).toBe(false);
    expect(existsSync(join(fx.dir, 'secret-sweep-migration.md'))).toBe(false);
  });

  it('refuses --apply without --yes outside a terminal, and a dirty tree', async () => {
    const fx = fixture();
    srv?.calls.reset();
    const a = await cli([...base(fx), '--apply'], fx.dir);
    expect(a.code).toBe(2);
    expect(lastLine(a.stderr)).toMatch(/--yes/);
    writeFileSync(join(fx.dir, 'etl', 'load.py'), readFileSync(join(fx.dir, 'etl', 'load.py'), 'utf8') + '# edited\n');
    const b = await cli([...base(fx), '--apply', '--yes'], fx.dir);
    expect(b.code).toBe(2);
    expect(lastLine(b.stderr)).toMatch(/uncommitted changes \(etl\/load.py\).*--allow-dirty/);
    if (srv) expect(srv.calls.writeCalls()).toBe(0);
  });

  it('creates each secret once, reads it back, writes the report; a second run changes nothing', async () => {
    const fx = fixture();
    const r = await cli([...base(fx), '--apply', '--yes', '--tag', 'team=data'], fx.dir);
    expect(r.code, r.stderr).toBe(0);
    expectNoValues(r.stdout + r.stderr, fx);
    for (const [name, value] of Object.entries(fx.expected)) {
      expect(await current(name)).toEqual(value);
      if (srv) {
        expect(versions(name)).toBe(1);
        const s = srv.state.get(name)!;
        expect(s.tags.get('managed-by')).toBe('secret-sweep');
        expect(s.tags.get('team')).toBe('data');
        expect(s.tags.get('secret-sweep:source')).toMatch(/^(\.env|etl\/load\.py):\d+$/);
        expect(s.description).toMatch(/^Migrated by secret-sweep from /);
        expectNoValues(s.description ?? '', fx);
      }
    }
    // Report: every secret with ARN and version, a rotate line per value, no plaintext; mode 0600.
    const md = join(fx.dir, 'secret-sweep-migration.md');
    const js = join(fx.dir, 'secret-sweep-migration.json');
    for (const f of [md, js]) {
      expect(statSync(f).mode & 0o777).toBe(0o600);
      expectNoValues(readFileSync(f, 'utf8'), fx);
    }
    const report = JSON.parse(readFileSync(js, 'utf8'));
    expect(report.secrets.map((s: { name: string }) => s.name).sort()).toEqual(Object.keys(fx.expected).sort());
    for (const s of report.secrets) {
      expect(s.arn).toMatch(/^arn:aws:secretsmanager:/);
      expect(s.versionId).toBeTruthy();
      expect(s.action).toBe('created');
    }
    const mdText = readFileSync(md, 'utf8');
    expect(mdText.match(/\*\*rotate\*\*/g)?.length).toBe(4);
    expect(mdText).toMatch(/AWS IAM: create a new access key/);
    expect(mdText).toMatch(/Stripe: roll the key/);
    expect(mdText).toMatch(/PLAINTEXT|plaintext/);
    // filter-repo file: outside the repository, 0600, every value.
    const repl: string = report.replacementsFile;
    expect(r.stderr).toContain(repl);
    expect(statSync(repl).mode & 0o777).toBe(0o600);
    expect(statSync(join(repl, '..')).mode & 0o777).toBe(0o700);
    const replText = readFileSync(repl, 'utf8');
    for (const v of fx.values) expect(replText).toContain(`literal:${v}==>***REMOVED***`);
    // Journal: 0600, fsync'd records, no values; the state folder ignores itself; lock released.
    const journal = join(fx.dir, '.secret-sweep', 'journal.jsonl');
    expect(statSync(journal).mode & 0o777).toBe(0o600);
    const jText = readFileSync(journal, 'utf8');
    expectNoValues(jText, fx);
    expect(jText).toMatch(/"step":"run-done"/);
    expect(readFileSync(join(fx.dir, '.secret-sweep', '.gitignore'), 'utf8')).toBe('*\n');
    expect(existsSync(join(fx.dir, '.secret-sweep', 'lock'))).toBe(false);
    expect(git(fx.dir, 'status', '--porcelain', '--ignored=no').toString()).not.toContain('.secret-sweep');

    srv?.calls.reset();
    const again = await cli([...base(fx), '--apply', '--yes'], fx.dir);
    expect(again.code, again.stderr).toBe(0);
    // The code no longer holds the values (the rewriters ran), so there is nothing left to migrate.
    expect(again.stderr).toMatch(/nothing to migrate/);
    expect(readFileSync(join(fx.dir, '.env'), 'utf8')).toMatch(new RegExp(`^DB_PASSWORD=sm://prod/${fx.app}/db#password$`, 'm'));
    if (srv) {
      expect(srv.calls.writeCalls()).toBe(0);
      for (const name of Object.keys(fx.expected)) expect(versions(name)).toBe(1);
    }
  });

  it('a saved plan has no values, applies exactly, and a changed file is refused by name', async () => {
    const fx = fixture();
    const planFile = join(mkdtempSync(join(tmpdir(), 'ss-plan-')), 'plan.json');
    cleanup.push(join(planFile, '..'));
    const a = await cli([...base(fx), '--plan-out', planFile], fx.dir);
    expect(a.code, a.stderr).toBe(0);
    const text = readFileSync(planFile, 'utf8');
    expectNoValues(text, fx);
    expect(JSON.parse(text).secrets).toHaveLength(3);
    expect(statSync(planFile).mode & 0o777).toBe(0o600);

    const original = readFileSync(join(fx.dir, '.env'), 'utf8');
    writeFileSync(join(fx.dir, '.env'), original.replace(fx.values[0]!, randomString(ALNUM, 18, 99) + '3'));
    git(fx.dir, 'commit', '-qam', 'new password');
    const c = await cli(['migrate', '.', '--plan', planFile, '--endpoint-url', endpoint, '--apply', '--yes'], fx.dir);
    expect(c.code).toBe(2);
    expect(lastLine(c.stderr)).toMatch(/^secret-sweep: \.env:4: changed since the plan was made/);
    if (srv) expect(srv.state.has(`prod/${fx.app}/db`)).toBe(false);

    writeFileSync(join(fx.dir, '.env'), original);
    git(fx.dir, 'commit', '-qam', 'old password back');
    // Killed after its first file write, the same --plan command resumes: the values the killed run took
    // out of the code are read as committed, not "changed since the plan was made".
    const applyPlan = ['migrate', '.', '--plan', planFile, '--endpoint-url', endpoint, '--apply', '--yes'];
    const killed = await cli(applyPlan, fx.dir, { SECRET_SWEEP_TEST_CRASH_AT: 'file-rewritten' });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    const b = await cli(applyPlan, fx.dir);
    expect(b.code, b.stderr).toBe(0);
    for (const [name, value] of Object.entries(fx.expected)) expect(await current(name)).toEqual(value);
    expectNoValues(readFileSync(join(fx.dir, 'etl', 'load.py'), 'utf8') + readFileSync(join(fx.dir, '.env'), 'utf8'), fx);
    const report = JSON.parse(readFileSync(join(fx.dir, 'secret-sweep-migration.json'), 'utf8'));
    expect(report.secrets.map((x: { name: string }) => x.name).sort()).toEqual(Object.keys(fx.expected).sort());
    for (const x of report.secrets) expect(x.values.length, x.name).toBeGreaterThan(0);
    // (The password of the 'new password' commit is history-only; no stored value is.)
    const stored = new Set(report.secrets.flatMap((x: { values: Array<{ fingerprint: string }> }) => x.values.map((v) => v.fingerprint)));
    expect(report.historyOnly.filter((h: { fingerprint: string }) => stored.has(h.fingerprint))).toEqual([]);
    // The same command once more: nothing left to do, nothing changed.
    const before = git(fx.dir, 'status', '--porcelain') + readFileSync(join(fx.dir, 'secret-sweep-migration.json'), 'utf8');
    const again = await cli(applyPlan, fx.dir);
    expect(again.code, again.stderr).toBe(0);
    expect(git(fx.dir, 'status', '--porcelain') + readFileSync(join(fx.dir, 'secret-sweep-migration.json'), 'utf8')).toBe(before);
  });
});

describe('migrate --include-history', () => {
  it('stores a value found only in history and reports it as history-only, with a rotate line', async () => {
    const fx = fixture();
    const token = githubToken(5000 + seq);
    writeFileSync(join(fx.dir, 'old_sync.py'), `GITHUB_TOKEN = "${token}"\n`);
    git(fx.dir, 'add', '-A');
    git(fx.dir, 'commit', '-qm', 'sync script');
    git(fx.dir, 'rm', '-q', 'old_sync.py');
    git(fx.dir, 'commit', '-qm', 'remove sync script');
    fx.values.push(token);
    const dry = await cli([...base(fx), '--include-history'], fx.dir);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(new RegExp(`prod/${fx.app}/github .*old_sync\\.py:1 @[0-9a-f]{10} \\(history only\\)`));
    const r = await cli([...base(fx), '--include-history', '--apply', '--yes'], fx.dir);
    expect(r.code, r.stderr).toBe(0);
    expect(await current(`prod/${fx.app}/github`)).toEqual({ token });
    const report = JSON.parse(readFileSync(join(fx.dir, 'secret-sweep-migration.json'), 'utf8'));
    const gh = report.secrets.find((s: { name: string }) => s.name === `prod/${fx.app}/github`);
    expect(gh.values[0].locations[0]).toMatchObject({ file: 'old_sync.py', historyOnly: true });
    expect(gh.values[0].rotate).toMatch(/^GitHub: revoke the token/);
    expectNoValues(readFileSync(join(fx.dir, 'secret-sweep-migration.md'), 'utf8'), fx);
    expect(readFileSync(join(fx.dir, 'secret-sweep-migration.md'), 'utf8')).toMatch(/old_sync\.py:1 @[0-9a-f]{10} \(history only\) — cannot be rewritten/);
  });
  it('history goes through the same config as the working tree: gitleaks path and commit allowlists apply, config warnings print once', async () => {
    const fx = fixture();
    const inAllowedCommit = githubToken(6000 + seq);
    const inAllowedPath = githubToken(7000 + seq);
    const kept = githubToken(8000 + seq);
    writeFileSync(join(fx.dir, 'old_a.py'), `GITHUB_TOKEN = "${inAllowedCommit}"\n`);
    git(fx.dir, 'add', '-A');
    git(fx.dir, 'commit', '-qm', 'allowed commit');
    const allowed = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: fx.dir, encoding: 'utf8' }).trim();
    mkdirSync(join(fx.dir, 'vendored'));
    writeFileSync(join(fx.dir, 'vendored', 'old_b.py'), `GITHUB_TOKEN = "${inAllowedPath}"\n`);
    writeFileSync(join(fx.dir, 'old_c.py'), `GITHUB_TOKEN = "${kept}"\n`);
    git(fx.dir, 'add', '-A');
    git(fx.dir, 'commit', '-qm', 'more scripts');
    git(fx.dir, 'rm', '-rq', 'old_a.py', 'old_c.py', 'vendored');
    // An unsupported key gives the config one warning: printed once, however often the run needs the config.
    writeFileSync(join(fx.dir, '.gitleaks.toml'), [
      'minVersion = "v8.0.0"', '[extend]', 'useDefault = true',
      '[allowlist]', `commits = ["${allowed}"]`, "paths = ['''(^|/)vendored/''']", '',
    ].join('\n'));
    git(fx.dir, 'add', '-A');
    git(fx.dir, 'commit', '-qm', 'remove scripts, add config');
    const dry = await cli([...base(fx), '--include-history'], fx.dir);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/old_c\.py:1 @[0-9a-f]{10} \(history only\)/);
    expect(dry.stdout).not.toContain('old_a.py');
    expect(dry.stdout).not.toContain('vendored/');
    expect(dry.stderr.match(/minVersion/g) ?? []).toHaveLength(1);
  });
});

describe('migrate: existing secrets', () => {
  it('a different existing value stops the run before any write; --update-existing adds one version', async () => {
    const fx = fixture();
    const name = `prod/${fx.app}/db`;
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify({ password: 'other-' + randomBytes(6).toString('hex'), note: 'kept' }) }));
    srv?.calls.reset();
    const a = await cli([...base(fx), '--apply', '--yes'], fx.dir);
    expect(a.code).toBe(2);
    // The secret, both values' fingerprints, the code that reads it, and the per-secret flag to confirm.
    expect(lastLine(a.stderr)).toMatch(new RegExp(`${name} already exists in the vault with a different value \\(stored [0-9a-f]{12}, ours [0-9a-f]{12}; read by .*\\): to replace it, pass --update-existing ${name} `));
    expectNoValues(a.stderr, fx);
    if (srv) expect(srv.calls.writeCalls()).toBe(0);
    expect(readFileSync(join(fx.dir, '.secret-sweep', 'journal.jsonl'), 'utf8')).toMatch(/"step":"run-failed"/);

    // A bare --update-existing, or another secret's name, confirms nothing.
    const bare = await cli([...base(fx), '--apply', '--yes', '--update-existing'], fx.dir);
    expect(bare.code).toBe(2);
    expect(lastLine(bare.stderr)).toContain('--update-existing needs the NAME');
    const other = await cli([...base(fx), '--apply', '--yes', '--update-existing', `prod/${fx.app}/other`], fx.dir);
    expect(other.code).toBe(2);
    if (srv) expect(srv.calls.writeCalls()).toBe(0);

    const b = await cli([...base(fx), '--apply', '--yes', '--update-existing', name], fx.dir);
    expect(b.code, b.stderr).toBe(0);
    expect(await current(name)).toEqual({ ...fx.expected[name], note: 'kept' });
    if (srv) {
      expect(versions(name)).toBe(2);
      const stages = [...srv.state.get(name)!.versions.values()].map((v) => [...v.stages].join(','));
      expect(stages.sort()).toEqual(['AWSCURRENT', 'AWSPREVIOUS']);
    }
  });

  it('a secret scheduled for deletion: says how to restore it, writes nothing', async () => {
    const fx = fixture();
    const name = `prod/${fx.app}/stripe`;
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: '{}' }));
    await sm.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }));
    srv?.calls.reset();
    const r = await cli([...base(fx), '--apply', '--yes'], fx.dir);
    expect(r.code).toBe(2);
    expect(lastLine(r.stderr)).toContain(`aws secretsmanager restore-secret --secret-id ${name}`);
    if (srv) expect(srv.calls.writeCalls()).toBe(0);
  });
});

local('migrate: vault errors are one line, exit 2, journal intact, and a re-run finishes', () => {
  it('access denied names the action and secret', async () => {
    const fx = fixture();
    srv!.faults.failNext(1, 'accessDenied', { op: 'CreateSecret' });
    const r = await cli([...base(fx), '--apply', '--yes', '--concurrency', '1'], fx.dir);
    expect(r.code).toBe(2);
    expect(lastLine(r.stderr)).toMatch(/^secret-sweep: access denied: secretsmanager:CreateSecret on prod\/e2e[0-9a-f]+\/(aws|db|stripe) — check the IAM policy$/);
    expectNoValues(r.stderr, fx);
    const journal = readFileSync(join(fx.dir, '.secret-sweep', 'journal.jsonl'), 'utf8');
    expect(journal).toMatch(/"step":"run-failed".*access denied/);
    expect(existsSync(join(fx.dir, '.secret-sweep', 'lock'))).toBe(false);
    const again = await cli([...base(fx), '--apply', '--yes'], fx.dir);
    expect(again.code, again.stderr).toBe(0);
    for (const name of Object.keys(fx.expected)) expect(versions(name)).toBe(1);
  });

  it('KMS EncryptionFailure names the key', async () => {
    const fx = fixture();
    srv!.faults.failNext(1, 'kmsEncrypt', { op: 'CreateSecret' });
    const r = await cli([...base(fx), '--apply', '--yes', '--kms-key-id', 'alias/data-team'], fx.dir);
    expect(r.code).toBe(2);
    expect(lastLine(r.stderr)).toMatch(/KMS could not encrypt .* alias\/data-team/);
    expectNoValues(r.stderr, fx);
  });

  it('a second run while the lock is held is refused; a stale lock is taken over', async () => {
    const fx = fixture();
    mkdirSync(join(fx.dir, '.secret-sweep'), { recursive: true });
    writeFileSync(join(fx.dir, '.secret-sweep', '.gitignore'), '*\n');
    const lock = join(fx.dir, '.secret-sweep', 'lock');
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), started: new Date().toISOString() }));
    const r = await cli([...base(fx), '--apply', '--yes'], fx.dir);
    expect(r.code).toBe(2);
    expect(lastLine(r.stderr)).toMatch(new RegExp(`another secret-sweep migrate is running in this repository \\(pid ${process.pid}`));
    // A dead pid: the lock is stale.
    const dead = await new Promise<number>((res) => {
      const p = spawn(process.execPath, ['-e', '0']);
      p.on('close', () => res(p.pid!));
    });
    writeFileSync(lock, JSON.stringify({ pid: dead, host: hostname(), started: new Date().toISOString() }));
    const ok = await cli([...base(fx), '--apply', '--yes'], fx.dir);
    expect(ok.code, ok.stderr).toBe(0);
  });
});

const ROTATION = ['--rotation-lambda', 'arn:aws:lambda:us-east-1:123456789012:function:rotate-db', '--rotation-days', '30'];
const STEPS = ['run-start', 'preflight-done', 'secret-begin', 'secret-written', 'secret-written@2', 'secret-verified', 'secret-rotated', 'file-generated', 'file-rewritten', 'file-rewritten@2', 'report-written', 'run-done'];

local.concurrent('migrate: kill -9 at each journal step, then resume', () => {
  for (const step of STEPS) {
    it(`killed after ${step}: the re-run finishes with one version per secret and a complete report`, { timeout: 180_000 }, async () => {
      const fx = fixture();
      const killed = await cli([...base(fx), '--apply', '--yes', ...ROTATION], fx.dir, { SECRET_SWEEP_TEST_CRASH_AT: step });
      expect(killed.signal, killed.stderr).toBe('SIGKILL');
      const resumed = await cli([...base(fx), '--apply', '--yes', ...ROTATION], fx.dir);
      expect(resumed.code, resumed.stderr).toBe(0);
      if (!['run-done'].includes(step)) expect(resumed.stderr).toMatch(/resuming after an interrupted run/);
      for (const [name, value] of Object.entries(fx.expected)) {
        expect(versions(name), name).toBe(1);
        expect(await current(name)).toEqual(value);
        expect(srv!.state.get(name)!.rotation).toEqual({ lambdaArn: ROTATION[1], days: 30 });
      }
      const report = JSON.parse(readFileSync(join(fx.dir, 'secret-sweep-migration.json'), 'utf8'));
      expect(report.secrets).toHaveLength(3);
      for (const s of report.secrets) {
        expect(s.arn).toMatch(/^arn:aws:secretsmanager:/);
        expect(s.versionId).toBe([...srv!.state.get(s.name)!.versions.keys()][0]);
        // Also a secret whose place the killed run already rewrote: its values, where they were, a rotate line.
        expect(s.values.length, s.name).toBeGreaterThan(0);
        expect(s.values.every((v: { rotate: string; locations: unknown[] }) => v.rotate.length > 0 && v.locations.length > 0)).toBe(true);
      }
      expect(report.historyOnly).toEqual([]);
      expect(report.codeEdits.map((e: { file: string }) => e.file).sort()).toEqual(expect.arrayContaining(['.env', 'etl/load.py']));
      expect(report.startCommands.map((c: { file: string }) => c.file)).toContain('.env');
      expectNoValues(readFileSync(join(fx.dir, '.secret-sweep', 'journal.jsonl'), 'utf8'), fx);
      expect(existsSync(join(fx.dir, '.secret-sweep', 'lock'))).toBe(false);
      // The code is rewritten exactly once: no value left, each reference in place, the helper there.
      const load = readFileSync(join(fx.dir, 'etl', 'load.py'), 'utf8');
      expectNoValues(load + readFileSync(join(fx.dir, '.env'), 'utf8'), fx);
      expect(load.match(/^ {4}from \.secret_sweep_secrets import get_secret$/gm)?.length).toBe(1);
      expect(existsSync(join(fx.dir, 'etl', 'secret_sweep_secrets.py'))).toBe(true);
      // And once more: a finished migration changes nothing.
      const third = await cli([...base(fx), '--apply', '--yes', ...ROTATION], fx.dir);
      expect(third.code, third.stderr).toBe(0);
      for (const name of Object.keys(fx.expected)) expect(versions(name)).toBe(1);
    });
  }
});
