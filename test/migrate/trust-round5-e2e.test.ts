/**
 * Trust round 5: `migrate` against a Secrets Manager that behaves as AWS does (the local server, and moto's
 * server when the machine has one, or SWEEP_TEST_SM_ENDPOINT), attacked as a demanding user would.
 *
 * - A value put back: stored once (version T = token of name+value), changed in the vault, then migrated
 *   again with --update-existing from code that still holds the first value. AWS ignores a PutSecretValue
 *   whose ClientRequestToken and value match a version it keeps (here AWSPREVIOUS) and leaves AWSCURRENT
 *   where it is: the migrator must end with AWSCURRENT holding the code's value, not report "updated"
 *   while the code goes on reading the other value.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { runCliAsync, TEST_AWS_ENV } from '../support/cli.js';
import { password } from '../support/fake-secrets.js';
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
