/**
 * The AWS backend, driven through the real SDK over HTTP against test/support/sm-server.ts.
 * Set SECRET_SWEEP_TEST_SM_ENDPOINT (e.g. http://localhost:4566 for LocalStack) to run the same
 * tests against another Secrets Manager; the fault-injection tests are then skipped.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { DeleteSecretCommand } from '@aws-sdk/client-secrets-manager';
import { AwsVault, type AwsVaultOptions } from '../../../src/migrate/vault/aws.js';
import { VaultError, type VaultErrorCode } from '../../../src/migrate/vault/vault.js';
import { startSmServer, type SmServer } from '../../support/sm-server.js';

const EXTERNAL = process.env.SECRET_SWEEP_TEST_SM_ENDPOINT;
const local = describe.skipIf(Boolean(EXTERNAL));

// Obviously fake credentials for the signer; an external endpoint may bring its own via the environment.
process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
process.env.AWS_REGION ??= 'us-east-1';

const run = randomBytes(4).toString('hex'); // keeps names unique on a shared external endpoint
const n = (leaf: string) => `test/${run}/${leaf}`;
/** A JSON key/value secret made at run time, so no credential-looking literal sits in this file. */
const secretValue = () => JSON.stringify({ username: 'etl', password: 'pw-' + randomBytes(12).toString('base64url') });
const tokenFor = (s: string) => (s + '-' + run).padEnd(32, '0');

let srv: SmServer | undefined;
let endpoint: string;
const vaults: AwsVault[] = [];
const created: string[] = [];

function vault(opts: AwsVaultOptions = {}): AwsVault {
  const v = new AwsVault({ endpoint, maxAttempts: 4, ...opts });
  vaults.push(v);
  return v;
}

async function create(v: AwsVault, leaf: string, value = secretValue(), token?: string) {
  const name = n(leaf);
  created.push(name);
  const out = await v.create({ name, value, clientRequestToken: token, tags: { app: 'etl' } });
  return { name, value, ...out };
}

/** Asserts a VaultError with `code` whose one-line message names the secret and not its value. */
async function expectVaultError(p: Promise<unknown>, code: VaultErrorCode, name: string, value?: string): Promise<VaultError> {
  let err: unknown;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(VaultError);
  const ve = err as VaultError;
  expect({ code: ve.code, message: ve.message }).toMatchObject({ code });
  expect(ve.message).toContain(name);
  expect(ve.message).not.toMatch(/\n/);
  if (value) {
    expect(ve.message).not.toContain(value);
    for (const leaf of Object.values(JSON.parse(value) as Record<string, string>)) {
      if (leaf.length > 4) expect(ve.message).not.toContain(leaf);
    }
  }
  return ve;
}

beforeAll(async () => {
  if (EXTERNAL) {
    endpoint = EXTERNAL;
  } else {
    srv = await startSmServer();
    endpoint = srv.endpoint;
  }
});

afterAll(async () => {
  const v = vaults[0] ?? vault();
  for (const name of created) {
    await v.client.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true })).catch(() => undefined);
  }
  for (const x of vaults) x.close();
  await srv?.stop();
});

describe('AwsVault against a Secrets Manager endpoint', () => {
  it('creates, describes and reads back a JSON secret', async () => {
    const v = vault();
    const s = await create(v, 'roundtrip/db');
    expect(s.arn).toMatch(/^arn:aws:secretsmanager:/);
    expect(s.versionId).not.toBe('');
    const got = await v.get(s.name);
    expect(got).toMatchObject({ value: s.value, versionId: s.versionId, arn: s.arn });
    expect(got.versionStages).toContain('AWSCURRENT');
    const d = await v.describe(s.name);
    expect(d).toMatchObject({ exists: true, arn: s.arn, versionId: s.versionId, tags: { app: 'etl' } });
    expect(d.deletedDate).toBeUndefined();
    expect(await v.describe(n('roundtrip/missing'))).toEqual({ name: n('roundtrip/missing'), exists: false });
  });

  it('moves AWSCURRENT to the new version on put and leaves AWSPREVIOUS on the old one', async () => {
    const v = vault();
    const s = await create(v, 'stages/db');
    const next = secretValue();
    const p = await v.put({ name: s.name, value: next });
    expect(p.versionId).not.toBe(s.versionId);
    expect((await v.get(s.name)).value).toBe(next);
    const prev = await v.get(s.name, { versionStage: 'AWSPREVIOUS' });
    expect(prev).toMatchObject({ value: s.value, versionId: s.versionId });
    expect((await v.get(s.name, { versionId: s.versionId })).value).toBe(s.value);
    expect((await v.describe(s.name)).versionId).toBe(p.versionId);
  });

  it('makes a retried create or put with the same ClientRequestToken a no-op', async () => {
    const v = vault();
    const value = secretValue();
    const first = await create(v, 'idem/db', value, tokenFor('create'));
    const again = await v.create({ name: first.name, value, clientRequestToken: tokenFor('create') });
    expect(again.versionId).toBe(first.versionId);
    const next = secretValue();
    const p1 = await v.put({ name: first.name, value: next, clientRequestToken: tokenFor('put') });
    const p2 = await v.put({ name: first.name, value: next, clientRequestToken: tokenFor('put') });
    expect(p2.versionId).toBe(p1.versionId);
    expect((await v.get(first.name, { versionStage: 'AWSPREVIOUS' })).versionId).toBe(first.versionId);
    if (srv) expect(srv.state.get(first.name)?.versions.size).toBe(2);

    const other = secretValue();
    const e = await expectVaultError(v.put({ name: first.name, value: other, clientRequestToken: tokenFor('put') }), 'Exists', first.name, other);
    expect(e.message).toMatch(/token/);
  });

  it('reports an existing name, a missing secret and a missing version plainly', async () => {
    const v = vault();
    const s = await create(v, 'exists/db');
    const other = secretValue();
    const e = await expectVaultError(v.create({ name: s.name, value: other }), 'Exists', s.name, other);
    expect(e.message).toBe(`a secret named ${s.name} already exists (CreateSecret)`);
    await expectVaultError(v.get(n('exists/none')), 'NotFound', n('exists/none'));
    await expectVaultError(v.put({ name: n('exists/none'), value: other }), 'NotFound', n('exists/none'), other);
    await expectVaultError(v.get(s.name, { versionStage: 'AWSPREVIOUS' }), 'NotFound', s.name);
  });

  it('rejects an invalid name and an oversized value without echoing the value', async () => {
    const v = vault();
    const value = secretValue();
    await expectVaultError(v.create({ name: 'has spaces/db', value }), 'InvalidParameter', 'has spaces/db', value);
    const huge = JSON.stringify({ blob: 'q'.repeat(70_000) });
    const e = await expectVaultError(v.create({ name: n('huge/db'), value: huge }), 'InvalidParameter', n('huge/db'));
    expect(e.message.length).toBeLessThan(400);
  });

  it('explains a secret scheduled for deletion and how to restore it', async () => {
    const v = vault();
    const s = await create(v, 'deleted/db');
    await v.client.send(new DeleteSecretCommand({ SecretId: s.name, RecoveryWindowInDays: 7 }));
    const d = await v.describe(s.name);
    expect(d.exists).toBe(true);
    expect(d.deletedDate).toBeInstanceOf(Date);
    const next = secretValue();
    const e = await expectVaultError(v.get(s.name), 'ScheduledForDeletion', s.name);
    expect(e.message).toBe(`${s.name} is scheduled for deletion: restore it with \`aws secretsmanager restore-secret --secret-id ${s.name}\``);
    await expectVaultError(v.put({ name: s.name, value: next }), 'ScheduledForDeletion', s.name, next);
    await expectVaultError(v.create({ name: s.name, value: next }), 'ScheduledForDeletion', s.name, next);
    expect((await v.list(n('deleted/'))).map((x) => x.name)).toEqual([]);
  });

  it('lists by prefix across pages', async () => {
    const v = vault({ pageSize: 2 });
    for (const i of [1, 2, 3, 4, 5]) await create(v, `list/app${i}/db`);
    await create(v, 'other/db');
    srv?.calls.reset();
    const names = (await v.list(n('list/'))).map((x) => x.name).sort();
    expect(names).toEqual([1, 2, 3, 4, 5].map((i) => n(`list/app${i}/db`)));
    if (srv) expect(srv.calls.count('ListSecrets')).toBe(3);
  });

  it('tags a secret and, locally, configures rotation', async () => {
    const v = vault();
    const s = await create(v, 'tags/db');
    await v.tag(s.name, { owner: 'secret-sweep', env: 'test' });
    expect((await v.describe(s.name)).tags).toEqual({ app: 'etl', owner: 'secret-sweep', env: 'test' });
    if (!srv) return; // rotation needs a real Lambda elsewhere
    const lambdaArn = 'arn:aws:lambda:us-east-1:123456789012:function:rotate-postgres';
    await v.rotate(s.name, { lambdaArn, days: 30 });
    expect((await v.describe(s.name)).rotation).toEqual({ enabled: true, lambdaArn, days: 30 });
    await expectVaultError(v.rotate(s.name, { lambdaArn: 'not-an-arn', days: 30 }), 'InvalidParameter', s.name);
  });

  it('counts calls', async () => {
    const v = vault();
    await create(v, 'stats/db');
    await v.describe(n('stats/db'));
    expect(v.stats()).toEqual({ calls: 2, retries: 0 });
  });
});

local('AwsVault error mapping with injected faults', () => {
  const server = () => srv as SmServer;
  beforeEach(() => {
    server().faults.clear();
    server().calls.reset();
  });

  it('retries throttling with backoff and reports the retries', async () => {
    const v = vault();
    server().faults.failNext(2, 'throttle', { op: 'CreateSecret' });
    const s = await create(v, 'fault/throttled');
    expect(server().calls.count('CreateSecret')).toBe(3);
    expect(server().state.get(s.name)?.versions.size).toBe(1);
    expect(v.stats()).toEqual({ calls: 1, retries: 2 });
  }, 20_000);

  it('gets through a sustained rate limit with adaptive retries', async () => {
    const v = vault({ maxAttempts: 8 });
    const s = await create(v, 'fault/rate');
    server().faults.throttleAbove(5);
    try {
      const got = await Promise.all(Array.from({ length: 10 }, () => v.get(s.name)));
      expect(got.every((g) => g.value === s.value)).toBe(true);
      expect(v.stats().retries).toBeGreaterThan(0);
    } finally {
      server().faults.throttleAbove(undefined);
    }
  }, 30_000);

  it('says Throttled once the attempts run out', async () => {
    const v = vault({ maxAttempts: 2 });
    const value = secretValue();
    server().faults.failNext(2, 'throttle');
    const e = await expectVaultError(v.create({ name: n('fault/throttle-out'), value }), 'Throttled', n('fault/throttle-out'), value);
    expect(e.attempts).toBe(2);
    expect(e.message).toContain('after 2 attempts');
  }, 20_000);

  it('retries a dropped connection and a timed-out create without making a second version', async () => {
    const v = vault({ requestTimeoutMs: 300 });
    server().faults.failNext(1, 'drop', { op: 'CreateSecret' });
    const a = await create(v, 'fault/dropped', secretValue(), tokenFor('drop'));
    expect(server().state.get(a.name)?.versions.size).toBe(1);
    // The first attempt is answered too late but still stored; the retry carries the same token.
    server().faults.failNext(1, 'delay', { op: 'CreateSecret', ms: 600 });
    const b = await create(v, 'fault/slow', secretValue(), tokenFor('slow'));
    await new Promise((r) => setTimeout(r, 700));
    expect(server().state.get(b.name)?.versions.size).toBe(1);
    expect(server().calls.count('CreateSecret')).toBe(4);
    expect(v.stats().retries).toBe(2);
  }, 20_000);

  it('says Network when the connection keeps dropping or nothing listens', async () => {
    const v = vault({ maxAttempts: 2 });
    server().faults.failNext(2, 'drop');
    const e = await expectVaultError(v.get(n('fault/net')), 'Network', n('fault/net'));
    expect(e.message).toContain(endpoint);
    const closed = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
    const dead = vault({ endpoint: `http://127.0.0.1:${closed}`, maxAttempts: 1 });
    const e2 = await expectVaultError(dead.describe(n('fault/net')), 'Network', n('fault/net'));
    expect(e2.message).toContain('ECONNREFUSED');
    // Another server at that address (a web page, a bare 404): it answered, but not as Secrets Manager.
    for (const [status, body] of [[404, ''], [501, '<!DOCTYPE html><p>Unsupported method</p>']] as const) {
      const web = createHttpServer((_q, res) => res.writeHead(status, { 'content-type': 'text/html' }).end(body));
      const port = await new Promise<number>((resolve) => web.listen(0, '127.0.0.1', () => resolve((web.address() as { port: number }).port)));
      try {
        const other = vault({ endpoint: `http://127.0.0.1:${port}`, maxAttempts: 1 });
        const e3 = await expectVaultError(other.describe(n('fault/web')), 'Network', n('fault/web'));
        expect(e3.message).toContain(`HTTP ${status} and no Secrets Manager error`);
        expect(e3.message).toContain(`http://127.0.0.1:${port}`);
      } finally {
        web.close();
      }
    }
    // An IAM check in front of the service answers in XML (moto_server with IAM enforcement does): the
    // error it names, not "not JSON".
    const xml = (code: string, msg: string) => `<?xml version="1.0" encoding="utf-8"?>\n<ErrorResponse><Errors><Error><Code>${code}</Code><Message>${msg}</Message><Type>Sender</Type></Error></Errors></ErrorResponse>`;
    for (const [code, msg, want] of [
      ['AccessDenied', 'User: arn:aws:iam::123456789012:user/dev is not authorized to perform: secretsmanager:DescribeSecret', 'AccessDenied'],
      ['InvalidClientTokenId', 'The security token included in the request is invalid.', 'Credentials'],
    ] as const) {
      const iam = createHttpServer((_q, res) => res.writeHead(403, { 'content-type': 'text/html; charset=utf-8' }).end(xml(code, msg)));
      const port = await new Promise<number>((resolve) => iam.listen(0, '127.0.0.1', () => resolve((iam.address() as { port: number }).port)));
      try {
        const denied = vault({ endpoint: `http://127.0.0.1:${port}`, maxAttempts: 1 });
        await expectVaultError(denied.describe(n('fault/iam')), want, n('fault/iam'));
      } finally {
        iam.close();
      }
    }
  }, 20_000);

  it('retries a server error, and says Internal when it persists', async () => {
    const v = vault({ maxAttempts: 2 });
    server().faults.failNext(1, 'internal');
    await create(v, 'fault/internal-once');
    server().faults.failNext(2, 'internal');
    await expectVaultError(v.get(n('fault/internal-once')), 'Internal', n('fault/internal-once'));
  }, 20_000);

  const plain: Array<[string, Parameters<SmServer['faults']['failNext']>[1], 'CreateSecret' | 'GetSecretValue', VaultErrorCode, RegExp]> = [
    ['access denied', 'accessDenied', 'CreateSecret', 'AccessDenied', /^access denied: secretsmanager:CreateSecret on \S+ — check the IAM policy$/],
    ['KMS decrypt', 'kmsDecrypt', 'GetSecretValue', 'Kms', /^KMS could not decrypt \S+ \(DecryptionFailure\): check the key policy/],
    ['KMS encrypt', 'kmsEncrypt', 'CreateSecret', 'Kms', /^KMS could not encrypt \S+ \(EncryptionFailure\)/],
    ['quota', 'limit', 'CreateSecret', 'Limit', /limit exceeded on CreateSecret/],
    ['expired token', 'expiredToken', 'GetSecretValue', 'Credentials', /credentials have expired \(ExpiredTokenException\)/],
  ];
  for (const [label, kind, op, code, pattern] of plain) {
    it(`maps ${label} to ${code}`, async () => {
      const v = vault({ maxAttempts: 2 });
      const name = n(`fault/${kind}`);
      const value = secretValue();
      if (op === 'GetSecretValue') await v.create({ name, value });
      server().faults.failNext(2, kind, { op });
      const e = await expectVaultError(op === 'CreateSecret' ? v.create({ name: n(`fault/${kind}-new`), value }) : v.get(name),
        code, op === 'CreateSecret' ? n(`fault/${kind}-new`) : name, value);
      expect(e.message).toMatch(pattern);
      expect(e.action).toBe(op);
      server().faults.clear();
    }, 20_000);
  }

  it('needs a region and says so', async () => {
    const v = new AwsVault({ endpoint, env: {} });
    vaults.push(v);
    const saved = { AWS_REGION: process.env.AWS_REGION, AWS_CONFIG_FILE: process.env.AWS_CONFIG_FILE };
    delete process.env.AWS_REGION;
    process.env.AWS_CONFIG_FILE = '/nonexistent/aws-config';
    try {
      const e = await expectVaultError(v.describe(n('region/db')), 'InvalidParameter', n('region/db'));
      expect(e.message).toContain('region');
    } finally {
      Object.assign(process.env, saved);
      if (saved.AWS_CONFIG_FILE === undefined) delete process.env.AWS_CONFIG_FILE;
    }
  });

  it('takes the endpoint and region from the environment', async () => {
    const v = new AwsVault({ env: { AWS_ENDPOINT_URL: endpoint, AWS_DEFAULT_REGION: 'eu-west-1' } });
    vaults.push(v);
    expect(v.region).toBe('eu-west-1');
    expect((await v.describe(n('env/none'))).exists).toBe(false);
  });
});
