/**
 * The readers the fresh-clone harness uses for files without a runtime here (test/support/readers/):
 * each accepts the reference form its real tool understands and rejects a form the tool takes
 * literally, so the harness can pass once a rewriter writes the right form, and never before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { runAsync, TEST_AWS_ENV } from '../support/cli.js';
import { startSmServer, type SmServer } from '../support/sm-server.js';
import { ALNUM, randomString } from '../support/fake-secrets.js';

const READERS = fileURLToPath(new URL('../support/readers/', import.meta.url));
const VALUE = randomString(ALNUM, 20, 4242) + '!#';
let srv: SmServer;
let dir: string;
let want: string;

const read = (reader: string, args: string[], env: Record<string, string> = {}) =>
  runAsync(process.execPath, [join(READERS, reader), ...args], { cwd: dir, env: { ...TEST_AWS_ENV, AWS_ENDPOINT_URL: srv.endpoint, ...env } });
const write = (f: string, text: string) => {
  mkdirSync(join(dir, f, '..'), { recursive: true });
  writeFileSync(join(dir, f), text);
};

beforeAll(async () => {
  srv = await startSmServer();
  dir = mkdtempSync(join(tmpdir(), 'ss-readers-'));
  const sm = new SecretsManagerClient({ endpoint: srv.endpoint, region: TEST_AWS_ENV.AWS_REGION, credentials: { accessKeyId: TEST_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: TEST_AWS_ENV.AWS_SECRET_ACCESS_KEY } });
  await sm.send(new CreateSecretCommand({ Name: 'prod/etl/db', SecretString: JSON.stringify({ password: VALUE }) }));
  await sm.send(new CreateSecretCommand({ Name: 'prod/etl/plain', SecretString: VALUE }));
  sm.destroy();
  write('lit/values.yaml', `a:\n  password: "${VALUE}"\n`);
  want = (await read('helm.mjs', ['lit', 'a.password'])).stdout;
});

afterAll(async () => {
  await srv?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('fresh-clone readers', () => {
  it('helm takes values literally: a value passes, a ${VAR} reference fails', async () => {
    expect(want).toMatch(/^helm [0-9a-f]{12}\n$/);
    write('ref/values.yaml', 'a:\n  password: ${PROD_ETL_DB__PASSWORD}\n');
    const o = await read('helm.mjs', ['ref', 'a.password'], { PROD_ETL_DB__PASSWORD: VALUE });
    expect(o.code).toBe(1);
    expect(o.stderr).toContain('deploys the literal text ${PROD_ETL_DB__PASSWORD}');
    // The Secret's name is built at run time: the generic rule reads `existingSecret: <name>` as a value.
    const k8sSecret = ['orders', 'db'].join('-');
    write('ext/values.yaml', `a:\n  existingSecret: ${k8sSecret}\n`);
    const e = await read('helm.mjs', ['ext', 'a.password']);
    expect(e.code).toBe(1);
    expect(e.stderr).toContain(`Kubernetes Secret ${k8sSecret}`);
  });

  it('ansible resolves the amazon.aws.aws_secret lookup, and takes ${VAR} literally', async () => {
    const fp = want.split(' ')[1];
    write('g1.yml', `db_password: "{{ (lookup('amazon.aws.aws_secret', 'prod/etl/db') | from_json).password }}"\n`);
    expect((await read('ansible.mjs', ['g1.yml', 'db_password'])).stdout).toBe(`ansible ${fp}`);
    write('g2.yml', `db_password: "{{ lookup('amazon.aws.aws_secret', 'prod/etl/plain') }}"\n`);
    expect((await read('ansible.mjs', ['g2.yml', 'db_password'])).stdout).toBe(`ansible ${fp}`);
    write('g3.yml', 'db_password: ${PROD_ETL_DB__PASSWORD}\n');
    const o = await read('ansible.mjs', ['g3.yml', 'db_password'], { PROD_ETL_DB__PASSWORD: VALUE });
    expect(o.code).toBe(1);
    expect(o.stderr).toContain('literal text ${PROD_ETL_DB__PASSWORD}');
    write('g4.yml', `db_password: "{{ lookup('amazon.aws.aws_secret', 'prod/etl/missing') }}"\n`);
    expect((await read('ansible.mjs', ['g4.yml', 'db_password'])).code).toBe(1);
  });

  it('compose expands ${VAR} from the environment, then from .env, and fails on an unset one', async () => {
    const fp = want.split(' ')[1];
    write('c/docker-compose.yml', 'services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: ${PG_PW}\n');
    expect((await read('compose.mjs', ['c/docker-compose.yml', 'db', 'POSTGRES_PASSWORD'], { PG_PW: VALUE })).stdout).toBe(`compose ${fp}`);
    const unset = await read('compose.mjs', ['c/docker-compose.yml', 'db', 'POSTGRES_PASSWORD']);
    expect(unset.code).toBe(1);
    expect(unset.stderr).toContain('"PG_PW" variable is not set');
    write('c/.env', `PG_PW='${VALUE}'\n`);
    expect((await read('compose.mjs', ['c/docker-compose.yml', 'db', 'POSTGRES_PASSWORD'])).stdout).toBe(`compose ${fp}`);
    write('c/.env', 'PG_PW=sm://prod/etl/db#password\n');
    const ref = await read('compose.mjs', ['c/docker-compose.yml', 'db', 'POSTGRES_PASSWORD']);
    expect(ref.code).toBe(1);
    expect(ref.stderr).toContain('literal reference sm://prod/etl/db');
  });
});
