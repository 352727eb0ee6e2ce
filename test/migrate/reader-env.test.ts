/**
 * Every reader migrate generates finds the secret with the same AWS settings, the way the AWS SDKs
 * read them, so code runs wherever it is deployed (or against LocalStack / moto):
 * endpoint AWS_ENDPOINT_URL_SECRETS_MANAGER, then AWS_ENDPOINT_URL; region AWS_REGION, then
 * AWS_DEFAULT_REGION; credentials from the standard chain (environment, then a profile).
 * Readers: the Python helper (Debian's boto3 1.26 reads neither endpoint variable itself), the JS helper
 * (ES module and the CommonJS getSecretSync child), the shell's AWS CLI command, and `secret-sweep run`.
 * The local server keeps secrets per region as AWS does; the other region holds a decoy with another value.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretsManagerClient, CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { awsBackend } from '../../src/migrate/backend/aws.js';
import { fetchCommand } from '../../src/migrate/rewrite/shell.js';
import { BIN, runWithEnvOnly } from '../support/cli.js';
import { ALNUM, randomString } from '../support/fake-secrets.js';
import { startSmServer, type SmServer } from '../support/sm-server.js';

const PYTHON = '/usr/bin/python3';
const haveBoto3 = spawnSync(PYTHON, ['-c', 'import boto3'], { encoding: 'utf8' }).status === 0;
const haveCli = spawnSync('sh', ['-c', 'command -v aws && command -v jq'], { encoding: 'utf8' }).status === 0;
const DEAD = 'http://127.0.0.1:9';
const NAME = 'prod/app/db';
const value = 'pw-' + randomString(ALNUM, 20, 811);
const decoy = 'decoy-' + randomString(ALNUM, 20, 812);
const KEYS = { AWS_ACCESS_KEY_ID: 'test-not-a-key', AWS_SECRET_ACCESS_KEY: 'test-not-a-secret' };

let srv: SmServer;
let dir: string;

type Reader = { name: string; skip?: string; cmd: () => [string, string[]] };
const READERS: Reader[] = [
  { name: 'Python helper (boto3)', skip: haveBoto3 ? undefined : 'no boto3', cmd: () => [PYTHON, ['-c', `from secret_sweep_secrets import get_secret; print(get_secret(${JSON.stringify(NAME)})["password"])`]] },
  { name: 'JS helper, ES module', cmd: () => [process.execPath, ['--input-type=module', '-e', `import { getSecret } from './secret-sweep-secrets.mjs'; console.log(await getSecret(${JSON.stringify(NAME)}, 'password'));`]] },
  { name: 'JS helper, CommonJS getSecretSync', cmd: () => [process.execPath, ['-e', `console.log(require('./secret-sweep-secrets.cjs').getSecretSync(${JSON.stringify(NAME)}, 'password'))`]] },
  { name: 'shell (aws CLI + jq)', skip: haveCli ? undefined : 'no aws CLI or jq', cmd: () => ['sh', ['-c', `printf '%s\\n' "$(${fetchCommand({ secretName: NAME, jsonKey: 'password' })})"`]] },
  { name: 'secret-sweep run', cmd: () => [process.execPath, [BIN, 'run', '--env-file', 'refs.env', '--', 'sh', '-c', 'printf "%s\\n" "$DB_PASSWORD"']] },
];

const SETTINGS: Array<{ name: string; env: () => Record<string, string> }> = [
  { name: 'AWS_ENDPOINT_URL_SECRETS_MANAGER before AWS_ENDPOINT_URL', env: () => ({ ...KEYS, AWS_ENDPOINT_URL_SECRETS_MANAGER: srv.endpoint, AWS_ENDPOINT_URL: DEAD, AWS_REGION: srv.region }) },
  { name: 'AWS_ENDPOINT_URL and AWS_DEFAULT_REGION alone', env: () => ({ ...KEYS, AWS_ENDPOINT_URL: srv.endpoint, AWS_DEFAULT_REGION: srv.region }) },
  { name: 'AWS_REGION before AWS_DEFAULT_REGION', env: () => ({ ...KEYS, AWS_ENDPOINT_URL: srv.endpoint, AWS_REGION: srv.region, AWS_DEFAULT_REGION: 'eu-west-1' }) },
  { name: 'credentials from a profile (AWS_PROFILE)', env: () => ({ AWS_ENDPOINT_URL: srv.endpoint, AWS_REGION: srv.region, AWS_PROFILE: 'migrated', AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), AWS_CONFIG_FILE: join(dir, 'config') }) },
];

/** Run with exactly `env` (plus PATH and a private HOME): nothing from the test's own environment. */
function run(cmd: string, args: string[], env: Record<string, string>): ReturnType<typeof runWithEnvOnly> {
  return runWithEnvOnly(cmd, args, dir, { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, PYTHONDONTWRITEBYTECODE: '1', ...env });
}

beforeAll(async () => {
  srv = await startSmServer();
  dir = mkdtempSync(join(tmpdir(), 'ss-reader-env-'));
  for (const [region, v] of [[srv.region, value], ['eu-west-1', decoy]] as const) {
    const c = new SecretsManagerClient({ endpoint: srv.endpoint, region, credentials: { accessKeyId: KEYS.AWS_ACCESS_KEY_ID, secretAccessKey: KEYS.AWS_SECRET_ACCESS_KEY } });
    await c.send(new CreateSecretCommand({ Name: NAME, SecretString: JSON.stringify({ password: v }) }));
    c.destroy();
  }
  writeFileSync(join(dir, 'secret_sweep_secrets.py'), awsBackend.helperSource('python', 'secret_sweep_secrets.py')!);
  writeFileSync(join(dir, 'secret-sweep-secrets.mjs'), awsBackend.helperSource('mjs', 'secret-sweep-secrets.mjs')!);
  writeFileSync(join(dir, 'secret-sweep-secrets.cjs'), awsBackend.helperSource('cjs', 'secret-sweep-secrets.cjs')!);
  writeFileSync(join(dir, 'refs.env'), `DB_PASSWORD=sm://${NAME}#password\n`);
  writeFileSync(join(dir, 'credentials'), `[migrated]\naws_access_key_id = ${KEYS.AWS_ACCESS_KEY_ID}\naws_secret_access_key = ${KEYS.AWS_SECRET_ACCESS_KEY}\n`);
  writeFileSync(join(dir, 'config'), '');
  symlinkSync(new URL('../../node_modules', import.meta.url).pathname, join(dir, 'node_modules'), 'dir');
});

afterAll(async () => {
  await srv?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the CommonJS helper under a module loader without `node:` names (Jest before 27)', () => {
  it('reads the value', async () => {
    const noPrefix = "const M = require('module'); const r = M.prototype.require; M.prototype.require = function (id) { if (id.startsWith('node:')) throw new Error('Cannot find module ' + id); return r.apply(this, arguments); };";
    const o = await run(process.execPath, ['-e', `${noPrefix} console.log(require('./secret-sweep-secrets.cjs').getSecretSync(${JSON.stringify(NAME)}, 'password'))`], SETTINGS[1]!.env());
    expect({ code: o.code, out: o.stdout.trim() === value ? 'the value' : 'no value', err: o.stderr.trim().split('\n').pop() }).toEqual({ code: 0, out: 'the value', err: '' });
  }, 30_000);
});

// A .env that keeps the program's own AWS keys in the vault: once loaded, the credential variables hold
// references, which the SDK would take first (the test server refuses them, as AWS does): the resolvers
// fetch with the default profile instead (as an instance role), then set the values.
describe('the resolvers of a loaded .env do not sign with the references it put in the credential variables', () => {
  const RESOLVERS: Reader[] = [
    { name: 'Python get_secret.resolve_environ()', skip: haveBoto3 ? undefined : 'no boto3', cmd: () => [PYTHON, ['-c', 'import os\nfrom secret_sweep_secrets import get_secret\nget_secret.resolve_environ()\nprint(os.environ["AWS_SECRET_ACCESS_KEY"])']] },
    { name: 'JS resolveEnvSync()', cmd: () => [process.execPath, ['-e', "require('./secret-sweep-secrets.cjs').resolveEnvSync(); console.log(process.env.AWS_SECRET_ACCESS_KEY)"]] },
  ];
  for (const r of RESOLVERS) {
    it.skipIf(r.skip !== undefined)(r.name, async () => {
      writeFileSync(join(dir, 'default-credentials'), `[default]\naws_access_key_id = ${KEYS.AWS_ACCESS_KEY_ID}\naws_secret_access_key = ${KEYS.AWS_SECRET_ACCESS_KEY}\n`);
      const ref = `sm://${NAME}#password`;
      const [cmd, args] = r.cmd();
      const o = await run(cmd, args, { AWS_ENDPOINT_URL: srv.endpoint, AWS_REGION: srv.region, AWS_SHARED_CREDENTIALS_FILE: join(dir, 'default-credentials'), AWS_CONFIG_FILE: join(dir, 'config'), AWS_ACCESS_KEY_ID: ref, AWS_SECRET_ACCESS_KEY: ref });
      expect({ code: o.code, out: o.stdout.trim() === value ? 'the value' : 'no value', err: o.code ? o.stderr.trim().split('\n').pop() : '' }).toEqual({ code: 0, out: 'the value', err: '' });
    }, 30_000);
  }
});

describe('generated readers take endpoint, region and credentials as the AWS SDKs do', () => {
  for (const r of READERS) {
    for (const s of SETTINGS) {
      it.skipIf(r.skip !== undefined)(`${r.name}: ${s.name}`, async () => {
        const [cmd, args] = r.cmd();
        const o = await run(cmd, args, s.env());
        expect({ code: o.code, out: o.stdout.trim() === value ? 'the value' : o.stdout.trim() === decoy ? 'the other region\'s value' : 'no value', err: o.code ? o.stderr.trim().split('\n').pop() : '' })
          .toEqual({ code: 0, out: 'the value', err: '' });
      }, 30_000);
    }
  }
});
