/**
 * End to end: a legacy Python script with credentials in it is rewritten (through the central fixer,
 * on disk), its helper module written next to it, and both versions run with Debian's /usr/bin/python3
 * and boto3 against the local Secrets Manager server: they must print exactly the same thing.
 * Skipped, with the reason, where boto3 is not installed (CI installs python3-boto3).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { AwsVault } from '../../../src/migrate/vault/aws.js';
import { writeEdits, writeNewFile } from '../../../src/migrate/rewrite/fixer.js';
import { createPythonRewriter } from '../../../src/migrate/rewrite/python.js';
import { startSmServer, type SmServer } from '../../support/sm-server.js';
import { ALNUM, randomString } from '../../support/fake-secrets.js';
import { PYTHON } from './rewrite-cases.js';
import { sitesFor, type CaseSite } from './fixture-pairs.js';

const boto3 = spawnSync(PYTHON, ['-c', 'import boto3'], { encoding: 'utf8' });
const haveBoto3 = boto3.status === 0;
if (!haveBoto3) {
  console.warn(`python-e2e: skipped: ${PYTHON} cannot import boto3 (install Debian's python3-boto3 to run it)`);
}

// Fake values made at run time (the project scans itself).
const pw = 'pw-' + randomString(ALNUM, 16, 11);
const token = 'tok-' + randomString(ALNUM, 24, 12);
const keyId = 'AK' + 'IA' + randomString('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16, 13);
const secretKey = randomString(ALNUM, 40, 14);

const SCRIPT = `"""Nightly report (legacy)."""
import json

DB = {"host": "db.internal", "user": "etl", "password": "${pw}"}
API_TOKEN = '${token}'
DSN = "postgresql://etl:${pw}@db.internal:5432/warehouse"


def connect(**kwargs):
    return json.dumps(kwargs, sort_keys=True)


def main():
    print(connect(host="db.internal", password="${pw}"))
    print(connect(aws_access_key_id="${keyId}", aws_secret_access_key="${secretKey}"))
    print(json.dumps(DB, sort_keys=True))
    print(DSN)
    print({"Authorization": f"Bearer ${token}"})
    print(("svc", API_TOKEN))


if __name__ == "__main__":
    main()
`;

const SITES: CaseSite[] = [
  { match: pw, nth: 0, secretName: 'prod/etl/db', jsonKey: 'password' },
  { match: token, nth: 0, secretName: 'prod/etl/api', jsonKey: 'token' },
  { match: pw, nth: 1, secretName: 'prod/etl/db', jsonKey: 'password', rule: 'postgres-uri-password' },
  { match: 'db.internal', nth: 1, secretName: 'prod/etl/db', jsonKey: 'host', kind: 'context' },
  { match: pw, nth: 2, secretName: 'prod/etl/db', jsonKey: 'password' },
  { match: keyId, secretName: 'prod/etl/aws', jsonKey: 'aws_access_key_id' },
  { match: secretKey, secretName: 'prod/etl/aws', jsonKey: 'aws_secret_access_key' },
  { match: token, nth: 1, secretName: 'prod/etl/api', jsonKey: 'token' },
];

describe.skipIf(!haveBoto3)('rewritten Python runs against Secrets Manager', () => {
  let srv: SmServer;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    srv = await startSmServer();
    dir = mkdtempSync(join(tmpdir(), 'sweep-py-e2e-'));
    const vault = new AwsVault({ endpoint: srv.endpoint, region: srv.region, maxAttempts: 1, env: { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' } });
    process.env.AWS_ACCESS_KEY_ID ??= 'test';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
    try {
      await vault.create({ name: 'prod/etl/db', value: JSON.stringify({ engine: 'postgres', host: 'db.internal', port: 5432, username: 'etl', password: pw, dbname: 'warehouse' }) });
      await vault.create({ name: 'prod/etl/api', value: JSON.stringify({ token }) });
      await vault.create({ name: 'prod/etl/aws', value: JSON.stringify({ aws_access_key_id: keyId, aws_secret_access_key: secretKey }) });
    } finally {
      vault.close();
    }
    // Only what the helper needs, so a developer's own AWS settings cannot interfere.
    env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dir,
      AWS_REGION: srv.region,
      AWS_ENDPOINT_URL: srv.endpoint,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_CONFIG_FILE: join(dir, 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
    };
  });
  afterAll(async () => {
    await srv?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // Asynchronous: the server answers from this very process, so a blocking spawnSync would deadlock.
  const run = (file: string) => new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(PYTHON, [file], { cwd: dir, env, timeout: 30_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });

  it('prints the same values after the rewrite, with no value left in the file', async () => {
    const file = 'jobs/report.py';
    mkdirSync(join(dir, 'jobs'), { recursive: true });
    writeFileSync(join(dir, file), SCRIPT);
    chmodSync(join(dir, file), 0o750);
    const before = await run(file);
    expect(before.stderr).toBe('');
    expect(before.status).toBe(0);

    const py = await createPythonRewriter();
    const res = py.rewrite({ file, text: SCRIPT, sites: sitesFor(SCRIPT, file, SITES), backend: 'aws' });
    expect(res.unhandled).toEqual([]);
    expect((await writeEdits(dir, file, res.edits, { expectedText: SCRIPT })).changed).toBe(true);
    for (const h of py.helperFiles([file])) {
      mkdirSync(dirname(join(dir, h.path)), { recursive: true });
      await writeNewFile(dir, h.path, h.content);
    }
    const rewritten = readFileSync(join(dir, file), 'utf8');
    for (const v of [pw, token, keyId, secretKey]) expect(rewritten).not.toContain(v);
    expect(statSync(join(dir, file)).mode & 0o777).toBe(0o750);

    const calls = srv.calls.count('GetSecretValue');
    const after = await run(file);
    expect(after.stderr).toBe('');
    expect(after.status).toBe(0);
    expect(after.stdout).toBe(before.stdout);
    // lru_cache: each secret fetched once per process.
    expect(srv.calls.count('GetSecretValue') - calls).toBe(3);
  });

  it('a missing secret fails with a message naming it, never a value', async () => {
    const file = 'jobs/missing.py';
    writeFileSync(join(dir, file), 'from secret_sweep_secrets import get_secret\nprint(get_secret("prod/etl/nope")["password"])\n');
    const r = await run(file);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/SecretError: secret 'prod\/etl\/nope': no such secret .*\(ResourceNotFoundException\)/);
    for (const v of [pw, token]) expect(r.stderr).not.toContain(v);
  });

  it('a server error is reported per error code', async () => {
    srv.faults.failNext(10, 'kmsDecrypt', { op: 'GetSecretValue' });
    const file = 'jobs/kms.py';
    writeFileSync(join(dir, file), 'from secret_sweep_secrets import get_secret\nprint(get_secret("prod/etl/api")["token"])\n');
    const r = await run(file);
    srv.faults.pending = [];
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/secret 'prod\/etl\/api': Secrets Manager can't decrypt the secret with its KMS key/);
    expect(r.stderr).not.toContain(token);
  });
});
