/**
 * Trust round 5: `migrate` against a Secrets Manager that behaves as AWS does (the local server, and moto's
 * server when the machine has one, or SWEEP_TEST_SM_ENDPOINT), attacked as a demanding user would.
 *
 * - A value put back: stored once (version T = token of name+value), changed in the vault, then migrated
 *   again with --update-existing from code that still holds the first value. AWS ignores a PutSecretValue
 *   whose ClientRequestToken and value match a version it keeps (here AWSPREVIOUS) and leaves AWSCURRENT
 *   where it is: the migrator must end with AWSCURRENT holding the code's value, not report "updated"
 *   while the code goes on reading the other value.
 * - More than 100 secrets (the preflight lists names instead of describing each): one of them scheduled
 *   for deletion stops the run before the first write, as it does for a few secrets; ListSecrets hides
 *   such secrets unless asked, so it was found at CreateSecret after others were written.
 * - Errors AWS gives about the secret's KMS key (AccessDeniedException "Access to KMS is not allowed",
 *   KMSInvalidStateException) are one line naming the secret and the KMS key, not "check the IAM policy".
 * - Credentials removed from the code but still in history (a branch, a tag, a note): `migrate --apply`
 *   has nothing to store but must still write the report (what to rotate) and the replacements file it
 *   announces; the scrub from a fresh clone with the real `git filter-repo` then leaves no form of any
 *   value in any object (as written with escapes, URL-encoded in a DSN, base64 in a k8s Secret, JSON-escaped
 *   in a notebook), and a second scrub changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSecretCommand, DeleteSecretCommand, GetSecretValueCommand, ListSecretsCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { runCliAsync, TEST_AWS_ENV } from '../support/cli.js';
import { ALNUM, githubToken, password, randomString } from '../support/fake-secrets.js';
import { commitNewRepo, git, migrateTestBed } from '../support/migrate-bed.js';
import { emulatorAvailable, startEmulator, type Emulator } from '../support/moto.js';

const bed = migrateTestBed();
let moto: Emulator | undefined;
beforeAll(async () => {
  if (emulatorAvailable) moto = await startEmulator();
}, 60_000);
afterAll(async () => {
  await moto?.stop();
});

/** The endpoints to run against: ours always, moto's (or the user's) when there is one. */
const targets: Array<[string, () => string]> = [
  ['local server', () => bed.server().endpoint],
  ...(emulatorAvailable ? [['emulator', () => moto!.endpoint] as [string, () => string]] : []),
];

const client = (endpoint: string) => new SecretsManagerClient({
  endpoint, region: TEST_AWS_ENV.AWS_REGION,
  credentials: { accessKeyId: TEST_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: TEST_AWS_ENV.AWS_SECRET_ACCESS_KEY },
});

let seq = 0;
const appName = () => `t5a${process.pid % 10000}x${++seq}`;

describe.each(targets)('migrate against the %s', (_label, endpoint) => {
  const migrate = (dir: string, app: string, ...extra: string[]) => runCliAsync(
    ['migrate', '.', '--app', app, '--env', 'prod', '--endpoint-url', endpoint(), '--apply', '--yes', ...extra],
    { cwd: dir, env: TEST_AWS_ENV },
  );

  it('a value put back with --update-existing becomes AWSCURRENT, not a version the code never reads', async () => {
    const dir = bed.tempDir('ss-t5-putback-');
    const app = appName();
    const value = password(5101);
    commitNewRepo(dir, { 'app.py': `DB_PASSWORD = "${value}"\nprint(len(DB_PASSWORD))\n` });
    const one = await migrate(dir, app);
    expect(one.code, one.stderr).toBe(0);
    const name = `prod/${app}/db`;
    const sm = client(endpoint());
    const read = async () => JSON.parse((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString!);
    expect((await read()).password).toBe(value);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'migrate');

    // Someone changes the value in the vault; the migration is reverted in the code.
    const other = password(5102);
    await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: JSON.stringify({ password: other }) }));
    git(dir, 'revert', '--no-edit', 'HEAD');
    git(dir, 'clean', '-qfd'); // the state folder (token key, journal) is git-ignored and stays, as for a user

    const refused = await migrate(dir, app);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${name} already exists in the vault with a different value`);

    const two = await migrate(dir, app, '--update-existing', name);
    expect(two.code, two.stderr).toBe(0);
    expect((await read()).password).toBe(value);
    sm.destroy();
  }, 120_000);
});

describe.each(targets)('the preflight of a large migration against the %s', (_label, endpoint) => {
  it('a secret scheduled for deletion among more than 100 stops the run before any write', async () => {
    const dir = bed.tempDir('ss-t5-many-');
    const app = appName();
    const files: Record<string, string> = {};
    for (let i = 0; i < 105; i++) files[`jobs/job${String(i).padStart(3, '0')}.py`] = `TOKEN = "${githubToken(5200 + i)}"\n`;
    commitNewRepo(dir, files);
    const sm = client(endpoint());
    const doomed = `prod/${app}/github`;
    await sm.send(new CreateSecretCommand({ Name: doomed, SecretString: '{"token":"old"}' }));
    await sm.send(new DeleteSecretCommand({ SecretId: doomed, RecoveryWindowInDays: 7 }));

    const res = await runCliAsync(['migrate', '.', '--app', app, '--env', 'prod', '--endpoint-url', endpoint(), '--apply', '--yes'],
      { cwd: dir, env: TEST_AWS_ENV });
    expect(res.code, res.stderr).toBe(2);
    const last = res.stderr.trim().split('\n').pop()!;
    expect(last).toContain(`${doomed} is scheduled for deletion`);
    expect(res.stderr).not.toMatch(/\n\s+at /);
    const listed = await sm.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [`prod/${app}/`] }], MaxResults: 100 }));
    expect(listed.SecretList!.map((s) => s.Name)).toEqual([]);
    sm.destroy();
  }, 300_000);
});

describe('KMS errors, one line naming the secret and the key', () => {
  const run = async (fault: 'kmsAccessDenied' | 'kmsInvalidState') => {
    const dir = bed.tempDir('ss-t5-kms-');
    const app = appName();
    const value = password(5300);
    commitNewRepo(dir, { 'app.py': `DB_PASSWORD = "${value}"\n` });
    bed.server().faults.failNext(20, fault, { op: 'CreateSecret' });
    const key = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const res = await runCliAsync(['migrate', '.', '--app', app, '--env', 'prod', '--endpoint-url', bed.server().endpoint, '--apply', '--yes', '--kms-key-id', key],
      { cwd: dir, env: TEST_AWS_ENV });
    bed.server().faults.clear();
    expect(res.code, res.stderr).toBe(2);
    expect(res.stderr).not.toContain(value);
    expect(res.stderr).not.toMatch(/\n\s+at /);
    const last = res.stderr.trim().split('\n').pop()!;
    expect(last).toContain(`prod/${app}/db`);
    expect(last).toContain(key);
    return last;
  };

  it('AccessDeniedException "Access to KMS is not allowed" is about the key, not the secretsmanager policy', async () => {
    const last = await run('kmsAccessDenied');
    expect(last).toMatch(/access denied to the KMS key/);
    expect(last).toContain('kms:GenerateDataKey');
    expect(last).not.toContain('secretsmanager:CreateSecret');
  }, 120_000);

  it('KMSInvalidStateException says the key is disabled or pending deletion', async () => {
    const last = await run('kmsInvalidState');
    expect(last).toMatch(/KMS key .* cannot be used \(KMSInvalidStateException\): it is disabled, pending deletion/);
  }, 120_000);
});

const hasFilterRepo = spawnSync('git', ['filter-repo', '--version'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!hasFilterRepo)('credentials only in history', () => {
  it('migrate --apply writes the report and replacements file it announces; the scrub leaves no form of a value in any ref', async () => {
    const dir = bed.tempDir('ss-t5-hist-');
    const bs = '\\';
    const dq = '"';
    const escaped = (v: string) => v.replaceAll(bs, bs + bs).replaceAll(dq, bs + dq);
    const v = {
      esc: randomString(ALNUM, 16, 5401) + dq + 'q' + bs + 'z',
      url: randomString(ALNUM, 16, 5402) + '@/%#' + randomString(ALNUM, 4, 5403),
      b64: randomString(ALNUM, 16, 5404) + '!x',
      nb: randomString(ALNUM, 16, 5405) + dq + bs + 'n' + randomString(ALNUM, 3, 5406),
      plain: randomString(ALNUM, 18, 5407),
    };
    const notebookSource = `REDIS_PASSWORD = "${escaped(v.nb)}"\n`;
    commitNewRepo(dir, {
      'settings.py': `DB_PASSWORD = "${escaped(v.esc)}"\nAPI_PASSWORD = "${v.plain}"\n`,
      'db.py': `DATABASE_URL = "postgresql://etl:${encodeURIComponent(v.url)}@db.internal.example:5432/app"\n`,
      'k8s/secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n  password: ${Buffer.from(v.b64).toString('base64')}\n`,
      'explore.ipynb': JSON.stringify({
        cells: [{ cell_type: 'code', execution_count: 1, metadata: {}, source: [notebookSource, 'print(REDIS_PASSWORD)'],
          outputs: [{ output_type: 'stream', name: 'stdout', text: [v.nb + '\n'] }] }],
        metadata: {}, nbformat: 4, nbformat_minor: 5,
      }, null, 1),
    });
    git(dir, 'tag', '-a', 'v1', '-m', 'release');
    git(dir, 'notes', 'add', '-m', `deployed with ${v.plain}`, 'HEAD');
    git(dir, 'rm', '-q', 'settings.py', 'db.py', 'k8s/secret.yaml', 'explore.ipynb');
    writeFileSync(join(dir, 'app.py'), 'print(1)\n');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'remove the credentials');

    const res = await runCliAsync(['migrate', '.', '--app', appName(), '--env', 'prod', '--endpoint-url', bed.server().endpoint, '--apply', '--yes'],
      { cwd: dir, env: TEST_AWS_ENV });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain('found only in git history');
    for (const x of Object.values(v)) expect(res.stderr).not.toContain(x);
    expect(existsSync(join(dir, 'secret-sweep-migration.json')), 'the report the run announces').toBe(true);
    const report = JSON.parse(readFileSync(join(dir, 'secret-sweep-migration.json'), 'utf8')) as { replacementsFile: string; historyOnly: Array<{ rotate: string }> };
    expect(report.historyOnly.length).toBeGreaterThanOrEqual(5);
    for (const h of report.historyOnly) expect(h.rotate.length).toBeGreaterThan(20);
    const md = readFileSync(join(dir, 'secret-sweep-migration.md'), 'utf8');
    for (const x of Object.values(v)) expect(md).not.toContain(x);
    const replacements = join(tmpdir(), `ss-t5-repl-${process.pid}.txt`);
    writeFileSync(replacements, readFileSync(report.replacementsFile));
    rmSync(report.replacementsFile, { force: true });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'migration report');

    // The scrub the report prints, on a fresh clone with the notes fetched too.
    const clone = join(bed.tempDir('ss-t5-hist-clone-'), 'clone');
    git(tmpdir(), 'clone', '-q', '--no-local', dir, clone);
    git(clone, 'fetch', '-q', 'origin', '+refs/notes/*:refs/notes/*');
    const scrub = () => execFileSync('git', ['filter-repo', '--force', '--replace-text', replacements], { cwd: clone, stdio: 'pipe' });
    const refs = () => git(clone, 'for-each-ref', '--format=%(objectname) %(refname)').split('\n').filter((l) => l && !l.includes('refs/replace/')).join('\n');
    try {
      scrub();
      const objects = execFileSync('git', ['cat-file', '--batch-all-objects', '--batch'], { cwd: clone, maxBuffer: 1 << 28 }).toString('latin1');
      const forms: Record<string, string> = {};
      for (const [k, x] of Object.entries(v)) {
        const utf8 = Buffer.from(x).toString('latin1');
        Object.assign(forms, {
          [`${k} as is`]: utf8, [`${k} escaped`]: escaped(utf8), [`${k} escaped twice`]: escaped(escaped(utf8)),
          [`${k} url-encoded`]: encodeURIComponent(x), [`${k} base64`]: Buffer.from(x).toString('base64'),
        });
      }
      expect(Object.keys(forms).filter((k) => objects.includes(forms[k]!))).toEqual([]);
      const once = refs();
      expect(once).toContain('refs/notes/commits');
      expect(once).toContain('refs/tags/v1');
      scrub();
      expect(refs(), 'a second scrub changes nothing').toBe(once);
    } finally {
      rmSync(replacements, { force: true });
    }
  }, 240_000);
});
