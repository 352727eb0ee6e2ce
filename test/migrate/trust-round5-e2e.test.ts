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
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateSecretCommand, DeleteSecretCommand, GetSecretValueCommand, ListSecretsCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { runCliAsync, TEST_AWS_ENV } from '../support/cli.js';
import { githubToken, password } from '../support/fake-secrets.js';
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
