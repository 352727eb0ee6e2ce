import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import {
  CreateSecretCommand,
  DecryptionFailure,
  DeleteSecretCommand,
  DescribeSecretCommand,
  EncryptionFailure,
  GetSecretValueCommand,
  InternalServiceError,
  InvalidParameterException,
  InvalidRequestException,
  LimitExceededException,
  ListSecretsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  RestoreSecretCommand,
  RotateSecretCommand,
  SecretsManagerClient,
  SecretsManagerServiceException,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { startSmServer, type SmServer } from './sm-server.js';

// Obviously fake credentials: the SDK only needs something to sign with.
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const token = (s: string) => s.padEnd(32, '0');

let srv: SmServer;
let sm: SecretsManagerClient;

beforeAll(async () => {
  srv = await startSmServer();
  sm = new SecretsManagerClient({ region: 'us-east-1', endpoint: srv.endpoint, credentials, maxAttempts: 1 });
});
afterAll(async () => {
  sm.destroy();
  await srv.stop();
});
beforeEach(() => {
  srv.state.clear();
  srv.faults.clear();
  srv.calls.reset();
});

async function rejection(p: Promise<unknown>): Promise<SecretsManagerServiceException> {
  try {
    await p;
  } catch (e) {
    return e as SecretsManagerServiceException;
  }
  throw new Error('expected a rejection');
}

describe('wire protocol', () => {
  async function raw(headers: Record<string, string>, body = '{}') {
    const res = await fetch(srv.endpoint, { method: 'POST', headers, body });
    return { status: res.status, body: (await res.json()) as Record<string, string> };
  }
  const json = { 'content-type': 'application/x-amz-json-1.1' };

  it('requires an Authorization header but does not check the signature', async () => {
    const missing = await raw({ ...json, 'x-amz-target': 'secretsmanager.ListSecrets' });
    expect(missing).toEqual({ status: 400, body: { __type: 'MissingAuthenticationTokenException', message: expect.any(String) } });
    const any = await raw({ ...json, 'x-amz-target': 'secretsmanager.ListSecrets', authorization: 'AWS4-HMAC-SHA256 whatever' });
    expect(any.status).toBe(200);
    expect(any.body).toEqual({ SecretList: [] });
  });

  it('rejects unknown operations and wrong content types', async () => {
    const auth = { authorization: 'AWS4-HMAC-SHA256 x' };
    expect((await raw({ ...json, ...auth, 'x-amz-target': 'secretsmanager.Nope' })).body.__type).toBe('UnknownOperationException');
    expect((await raw({ 'content-type': 'text/plain', ...auth, 'x-amz-target': 'secretsmanager.ListSecrets' })).body.__type)
      .toBe('SerializationException');
  });

  it('answers errors as __type + message, 400 for client faults and 500 for server faults', async () => {
    const auth = { ...json, authorization: 'AWS4-HMAC-SHA256 x', 'x-amz-target': 'secretsmanager.GetSecretValue' };
    const nf = await raw(auth, JSON.stringify({ SecretId: 'nope' }));
    expect(nf.status).toBe(400);
    expect(nf.body.__type).toBe('ResourceNotFoundException');
    srv.faults.failNext(1, 'internal');
    const ise = await raw(auth, JSON.stringify({ SecretId: 'nope' }));
    expect(ise).toEqual({ status: 500, body: { __type: 'InternalServiceError', message: expect.any(String) } });
  });
});

describe('operations through the real SDK', () => {
  it('creates, reads by name and by ARN, and moves stages on put', async () => {
    const v1 = JSON.stringify({ password: randomBytes(8).toString('hex') });
    const v2 = JSON.stringify({ password: randomBytes(8).toString('hex') });
    const c = await sm.send(new CreateSecretCommand({ Name: 'dev/app/db', SecretString: v1, ClientRequestToken: token('a') }));
    expect(c.ARN).toMatch(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:dev\/app\/db-[A-Za-z0-9_-]{6}$/);
    expect(c.VersionId).toBe(token('a'));
    const p = await sm.send(new PutSecretValueCommand({ SecretId: c.ARN, SecretString: v2, ClientRequestToken: token('b') }));
    expect(p.VersionStages).toEqual(['AWSCURRENT']);
    expect((await sm.send(new GetSecretValueCommand({ SecretId: 'dev/app/db' }))).SecretString).toBe(v2);
    const prev = await sm.send(new GetSecretValueCommand({ SecretId: c.ARN, VersionStage: 'AWSPREVIOUS' }));
    expect(prev.SecretString).toBe(v1);
    expect(prev.CreatedDate).toBeInstanceOf(Date);
    const d = await sm.send(new DescribeSecretCommand({ SecretId: 'dev/app/db' }));
    expect(d.VersionIdsToStages).toEqual({ [token('a')]: ['AWSPREVIOUS'], [token('b')]: ['AWSCURRENT'] });
    // A third value deprecates the first: it keeps no stage and drops out of VersionIdsToStages.
    await sm.send(new PutSecretValueCommand({ SecretId: 'dev/app/db', SecretString: '{"x":"3"}', ClientRequestToken: token('c') }));
    const d2 = await sm.send(new DescribeSecretCommand({ SecretId: 'dev/app/db' }));
    expect(d2.VersionIdsToStages).toEqual({ [token('b')]: ['AWSPREVIOUS'], [token('c')]: ['AWSCURRENT'] });
    expect((await sm.send(new GetSecretValueCommand({ SecretId: 'dev/app/db', VersionId: token('a') }))).SecretString).toBe(v1);
  });

  it('keeps ClientRequestToken retries idempotent and refuses a token reused for another value', async () => {
    const args = { Name: 'dev/app/api', SecretString: '{"k":"1"}', ClientRequestToken: token('t') };
    const first = await sm.send(new CreateSecretCommand(args));
    const again = await sm.send(new CreateSecretCommand(args));
    expect(again.VersionId).toBe(first.VersionId);
    expect(srv.state.get('dev/app/api')?.versions.size).toBe(1);
    const clash = await rejection(sm.send(new CreateSecretCommand({ ...args, SecretString: '{"k":"2"}' })));
    expect(clash).toBeInstanceOf(ResourceExistsException);
    const other = await rejection(sm.send(new CreateSecretCommand({ ...args, ClientRequestToken: token('u') })));
    expect(other).toBeInstanceOf(ResourceExistsException);
    expect(other.message).toContain('already exists');

    const put = { SecretId: 'dev/app/api', SecretString: '{"k":"2"}', ClientRequestToken: token('p') };
    await sm.send(new PutSecretValueCommand(put));
    await sm.send(new PutSecretValueCommand(put));
    expect(srv.state.get('dev/app/api')?.versions.size).toBe(2);
    expect(await rejection(sm.send(new PutSecretValueCommand({ ...put, SecretString: '{}' })))).toBeInstanceOf(ResourceExistsException);
  });

  it('round-trips SecretBinary and creates secrets without a value', async () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    await sm.send(new CreateSecretCommand({ Name: 'bin', SecretBinary: bytes }));
    expect(Array.from((await sm.send(new GetSecretValueCommand({ SecretId: 'bin' }))).SecretBinary ?? [])).toEqual(Array.from(bytes));
    const empty = await sm.send(new CreateSecretCommand({ Name: 'empty' }));
    expect(empty.VersionId).toBeUndefined();
    expect(await rejection(sm.send(new GetSecretValueCommand({ SecretId: 'empty' })))).toBeInstanceOf(ResourceNotFoundException);
    const first = await sm.send(new PutSecretValueCommand({ SecretId: 'empty', SecretString: 'v' }));
    expect(first.VersionStages).toEqual(['AWSCURRENT']);
  });

  it('validates names, sizes and parameters with InvalidParameterException', async () => {
    for (const Name of ['bad name', 'x'.repeat(513), 'semi;colon']) {
      expect(await rejection(sm.send(new CreateSecretCommand({ Name, SecretString: 'v' })))).toBeInstanceOf(InvalidParameterException);
    }
    await sm.send(new CreateSecretCommand({ Name: 'a'.repeat(512) + '', SecretString: 'x'.repeat(65536) }));
    const big = await rejection(sm.send(new CreateSecretCommand({ Name: 'big', SecretString: 'x'.repeat(65537) })));
    expect(big).toBeInstanceOf(InvalidParameterException);
    expect(await rejection(sm.send(new CreateSecretCommand({ Name: 't', SecretString: 'v', ClientRequestToken: 'short' }))))
      .toBeInstanceOf(InvalidParameterException);
  });

  it('schedules deletion, refuses reads and writes meanwhile, restores and force-deletes', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'prod/etl/db', SecretString: 'v' }));
    const del = await sm.send(new DeleteSecretCommand({ SecretId: 'prod/etl/db', RecoveryWindowInDays: 7 }));
    expect(del.DeletionDate!.getTime()).toBeGreaterThan(Date.now() + 6 * 86400_000);
    expect((await sm.send(new DescribeSecretCommand({ SecretId: 'prod/etl/db' }))).DeletedDate).toBeInstanceOf(Date);
    for (const p of [
      sm.send(new GetSecretValueCommand({ SecretId: 'prod/etl/db' })),
      sm.send(new PutSecretValueCommand({ SecretId: 'prod/etl/db', SecretString: 'w' })),
      sm.send(new CreateSecretCommand({ Name: 'prod/etl/db', SecretString: 'w' })),
    ]) expect(await rejection(p)).toBeInstanceOf(InvalidRequestException);
    expect((await sm.send(new ListSecretsCommand({}))).SecretList).toEqual([]);
    expect((await sm.send(new ListSecretsCommand({ IncludePlannedDeletion: true }))).SecretList).toHaveLength(1);
    await sm.send(new RestoreSecretCommand({ SecretId: 'prod/etl/db' }));
    expect((await sm.send(new GetSecretValueCommand({ SecretId: 'prod/etl/db' }))).SecretString).toBe('v');
    expect(await rejection(sm.send(new DeleteSecretCommand({ SecretId: 'prod/etl/db', RecoveryWindowInDays: 7, ForceDeleteWithoutRecovery: true }))))
      .toBeInstanceOf(InvalidParameterException);
    await sm.send(new DeleteSecretCommand({ SecretId: 'prod/etl/db', ForceDeleteWithoutRecovery: true }));
    expect(await rejection(sm.send(new DescribeSecretCommand({ SecretId: 'prod/etl/db' })))).toBeInstanceOf(ResourceNotFoundException);
  });

  it('tags, untags, configures rotation and filters ListSecrets', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'prod/a/db', SecretString: 'v', Tags: [{ Key: 'team', Value: 'data' }] }));
    await sm.send(new CreateSecretCommand({ Name: 'prod/b/db', SecretString: 'v' }));
    await sm.send(new CreateSecretCommand({ Name: 'dev/a/db', SecretString: 'v' }));
    await sm.send(new TagResourceCommand({ SecretId: 'prod/b/db', Tags: [{ Key: 'owner', Value: 'secret-sweep' }, { Key: 'x', Value: '1' }] }));
    await sm.send(new UntagResourceCommand({ SecretId: 'prod/b/db', TagKeys: ['x'] }));
    expect((await sm.send(new DescribeSecretCommand({ SecretId: 'prod/b/db' }))).Tags).toEqual([{ Key: 'owner', Value: 'secret-sweep' }]);

    const names = async (Filters: Array<{ Key: 'name' | 'tag-key' | 'tag-value'; Values: string[] }>) =>
      ((await sm.send(new ListSecretsCommand({ Filters }))).SecretList ?? []).map((s) => s.Name);
    expect(await names([{ Key: 'name', Values: ['prod/'] }])).toEqual(['prod/a/db', 'prod/b/db']);
    expect(await names([{ Key: 'name', Values: ['Prod/'] }])).toEqual([]); // name filter is case-sensitive
    expect(await names([{ Key: 'tag-key', Values: ['own'] }])).toEqual(['prod/b/db']);
    expect(await names([{ Key: 'tag-value', Values: ['data'] }])).toEqual(['prod/a/db']);
    expect(await names([{ Key: 'name', Values: ['!prod/'] }])).toEqual(['dev/a/db']);
    expect(await names([{ Key: 'name', Values: ['prod/'] }, { Key: 'tag-key', Values: ['team'] }])).toEqual(['prod/a/db']);

    const lambda = 'arn:aws:lambda:us-east-1:123456789012:function:rotate-db';
    await sm.send(new RotateSecretCommand({ SecretId: 'prod/a/db', RotationLambdaARN: lambda, RotationRules: { AutomaticallyAfterDays: 30 } }));
    const d = await sm.send(new DescribeSecretCommand({ SecretId: 'prod/a/db' }));
    expect(d).toMatchObject({ RotationEnabled: true, RotationLambdaARN: lambda, RotationRules: { AutomaticallyAfterDays: 30 } });
    expect(await rejection(sm.send(new RotateSecretCommand({ SecretId: 'prod/b/db', RotationLambdaARN: 'nope' }))))
      .toBeInstanceOf(InvalidParameterException);
  });

  it('paginates ListSecrets with NextToken and MaxResults', async () => {
    for (let i = 0; i < 7; i++) await sm.send(new CreateSecretCommand({ Name: `p/${i}`, SecretString: 'v' }));
    const seen: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await sm.send(new ListSecretsCommand({ MaxResults: 3, NextToken }));
      expect(page.SecretList!.length).toBeLessThanOrEqual(3);
      seen.push(...page.SecretList!.map((s) => s.Name!));
      NextToken = page.NextToken;
    } while (NextToken);
    expect(seen).toEqual(['p/0', 'p/1', 'p/2', 'p/3', 'p/4', 'p/5', 'p/6']);
    expect(srv.calls.count('ListSecrets')).toBe(3);
  });
});

describe('fidelity to AWS (and moto, LocalStack) where the migrator depends on it', () => {
  it('names the error in the x-amzn-ErrorType header too, and namespaces throttling on the wire as AWS does', async () => {
    const headers = { 'content-type': 'application/x-amz-json-1.1', authorization: ['AWS4-HMAC-SHA256 Credential', ['t', '20260101', 'us-east-1', 'secretsmanager', 'aws4_request'].join('/')].join('='), 'x-amz-target': 'secretsmanager.DescribeSecret' };
    const missing = await fetch(srv.endpoint, { method: 'POST', headers, body: '{"SecretId":"nope"}' });
    expect(missing.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    srv.faults.failNext(1, 'throttle');
    const throttled = await fetch(srv.endpoint, { method: 'POST', headers, body: '{"SecretId":"nope"}' });
    expect(throttled.status).toBe(400);
    expect(throttled.headers.get('x-amzn-errortype')).toBe('ThrottlingException');
    expect(((await throttled.json()) as { __type: string }).__type).toBe('com.amazon.coral.availability#ThrottlingException');
    srv.faults.failNext(1, 'throttle');
    expect((await rejection(sm.send(new ListSecretsCommand({})))).name).toBe('ThrottlingException');
  });

  it('answers the KMS errors Secrets Manager passes on', async () => {
    srv.faults.failNext(1, 'kmsAccessDenied');
    const denied = await rejection(sm.send(new CreateSecretCommand({ Name: 'k', SecretString: 'v' })));
    expect([denied.name, denied.message]).toEqual(['AccessDeniedException', 'Access to KMS is not allowed']);
    srv.faults.failNext(1, 'kmsInvalidState');
    expect((await rejection(sm.send(new GetSecretValueCommand({ SecretId: 'k' })))).name).toBe('KMSInvalidStateException');
  });

  it('finds a secret by name, full ARN and partial ARN (the ARN without its 6-character suffix)', async () => {
    const made = await sm.send(new CreateSecretCommand({ Name: 'dev/app/db', SecretString: 'v' }));
    expect(made.ARN).toMatch(/:secret:dev\/app\/db-[A-Za-z0-9_-]{6}$/);
    for (const id of ['dev/app/db', made.ARN!, made.ARN!.slice(0, -7)]) {
      expect((await sm.send(new GetSecretValueCommand({ SecretId: id }))).Name).toBe('dev/app/db');
    }
  });

  it('a token reused for another value names the token, as moto and LocalStack do', async () => {
    const args = { Name: 'dev/app/api', SecretString: '{"k":"1"}', ClientRequestToken: token('t') };
    await sm.send(new CreateSecretCommand(args));
    const clash = await rejection(sm.send(new PutSecretValueCommand({ SecretId: args.Name, SecretString: '{}', ClientRequestToken: args.ClientRequestToken })));
    expect(clash.message).toMatch(/ClientRequestToken .* already in use for a version of secret arn:/);
  });

  it('a put with the token and value of a version kept as AWSPREVIOUS is ignored: AWSCURRENT stays', async () => {
    const name = 'dev/app/back';
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'A', ClientRequestToken: token('a') }));
    await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'B', ClientRequestToken: token('b') }));
    const again = await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'A', ClientRequestToken: token('a') }));
    expect(again.VersionStages).toEqual(['AWSPREVIOUS']);
    expect((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('B');
  });
});

describe('faults and call counts', () => {
  it('maps each injected fault to the exception class the SDK exposes', async () => {
    const cases = [
      ['internal', InternalServiceError, 500],
      ['kmsDecrypt', DecryptionFailure, 400],
      ['kmsEncrypt', EncryptionFailure, 400],
      ['limit', LimitExceededException, 400],
    ] as const;
    for (const [kind, Class, status] of cases) {
      srv.faults.failNext(1, kind);
      const e = await rejection(sm.send(new ListSecretsCommand({})));
      expect(e).toBeInstanceOf(Class);
      expect(e.$metadata.httpStatusCode).toBe(status);
    }
    for (const [kind, name] of [['throttle', 'ThrottlingException'], ['accessDenied', 'AccessDeniedException'], ['expiredToken', 'ExpiredTokenException']] as const) {
      srv.faults.failNext(1, kind);
      const e = await rejection(sm.send(new ListSecretsCommand({})));
      expect(e).toBeInstanceOf(SecretsManagerServiceException);
      expect(e.name).toBe(name);
    }
  });

  it('applies a fault only to the named operation and counts every call', async () => {
    srv.faults.failNext(1, 'accessDenied', { op: 'CreateSecret' });
    await sm.send(new ListSecretsCommand({}));
    expect((await rejection(sm.send(new CreateSecretCommand({ Name: 'n', SecretString: 'v' })))).name).toBe('AccessDeniedException');
    await sm.send(new CreateSecretCommand({ Name: 'n', SecretString: 'v' }));
    await sm.send(new TagResourceCommand({ SecretId: 'n', Tags: [{ Key: 'k', Value: 'v' }] }));
    expect(srv.calls.count('CreateSecret')).toBe(2);
    expect(srv.calls.writeCalls()).toBe(3);
    expect(srv.calls.total()).toBe(4);
  });

  it('drops the connection without a response, and delays', async () => {
    srv.faults.failNext(1, 'drop');
    const e = await rejection(sm.send(new ListSecretsCommand({})));
    expect(e).not.toBeInstanceOf(SecretsManagerServiceException);
    srv.faults.failNext(1, 'delay', { ms: 150 });
    const t0 = Date.now();
    await sm.send(new ListSecretsCommand({}));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it('throttles above a request rate', async () => {
    srv.faults.throttleAbove(3);
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => sm.send(new ListSecretsCommand({}))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected.map((r) => (r.reason as Error).name)).toEqual(Array(3).fill('ThrottlingException'));
  });
});
