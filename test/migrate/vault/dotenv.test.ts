import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  DotenvVault,
  decodeEnvValue,
  encodeEnvValue,
  envVarPrefix,
  envVarsFor,
} from '../../../src/migrate/vault/dotenv.js';
import { VaultError } from '../../../src/migrate/vault/vault.js';

let root: string;
const read = (f: string) => fs.readFile(path.join(root, f), 'utf8');
/** A password-like value made at run time, so no credential-looking literal sits in this file. */
const pw = () => 'pw-' + randomBytes(9).toString('base64url');

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(tmpdir(), 'dotenv-vault-'));
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('naming', () => {
  it('turns secret names and keys into variable names', () => {
    expect(envVarPrefix('prod/etl/db')).toBe('PROD_ETL_DB');
    expect(envVarPrefix('dev/my-app/api.key')).toBe('DEV_MY_APP_API_KEY');
    expect(envVarPrefix('9lives')).toBe('_9LIVES');
    expect(envVarsFor('prod/etl/db', JSON.stringify({ password: 'x', 'db-host': 'h', port: 5432 }))).toEqual([
      { key: 'password', variable: 'PROD_ETL_DB__PASSWORD', value: 'x' },
      { key: 'db-host', variable: 'PROD_ETL_DB__DB_HOST', value: 'h' },
      { key: 'port', variable: 'PROD_ETL_DB__PORT', value: '5432', json: true },
    ]);
    expect(envVarsFor('prod/etl/token', 'plain')).toEqual([{ variable: 'PROD_ETL_TOKEN', value: 'plain' }]);
    expect(() => envVarsFor('a', JSON.stringify({ 'a-b': '1', a_b: '2' }))).toThrow(VaultError);
  });

  it('quotes values so they read back unchanged', () => {
    for (const v of ['', 'simple', 'with space', 'hash # inside', "it's", 'back\\slash', 'multi\nline', 'q"uote', '${HOME}']) {
      expect(decodeEnvValue(encodeEnvValue(v))).toBe(v);
    }
    expect(encodeEnvValue('abc-123')).toBe('abc-123');
    expect(encodeEnvValue('a b')).toBe("'a b'");
  });
});

describe('DotenvVault', () => {
  it('writes .env (0600), .env.example with empty values, and ignores .env in git', async () => {
    const v = new DotenvVault({ root });
    const value = JSON.stringify({ username: 'etl', password: pw() });
    const out = await v.create({ name: 'prod/etl/db', value });
    expect(out.arn).toBe('dotenv:.env#prod/etl/db');
    const env = await read('.env');
    expect(env).toBe(
      `# secret-sweep: prod/etl/db keys=username,password\nPROD_ETL_DB__USERNAME=etl\n` +
      `PROD_ETL_DB__PASSWORD=${encodeEnvValue(JSON.parse(value).password)}\n`);
    expect((await fs.stat(path.join(root, '.env'))).mode & 0o777).toBe(0o600);
    expect(await read('.env.example')).toBe(
      '# secret-sweep: prod/etl/db keys=username,password\nPROD_ETL_DB__USERNAME=\nPROD_ETL_DB__PASSWORD=\n');
    expect(await read('.gitignore')).toBe('.env\n');
    expect((await fs.readdir(root)).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const got = await v.get('prod/etl/db');
    expect(got).toMatchObject({ value, versionId: out.versionId, versionStages: ['AWSCURRENT'] });
    expect(await v.describe('prod/etl/db')).toMatchObject({ exists: true, versionId: out.versionId });
    expect(await v.describe('prod/etl/none')).toEqual({ name: 'prod/etl/none', exists: false });
  });

  it('is idempotent and keeps the user\'s own lines', async () => {
    await fs.writeFile(path.join(root, '.env'), '# mine\nDEBUG=1\n', { mode: 0o644 });
    await fs.writeFile(path.join(root, '.gitignore'), 'node_modules/\n/.env\n');
    const v = new DotenvVault({ root });
    const value = JSON.stringify({ password: pw(), port: 5432, opts: { ssl: true } });
    const a = await v.create({ name: 'dev/app/db', value });
    const before = await read('.env');
    const mtime = (await fs.stat(path.join(root, '.env'))).mtimeMs;
    const b = await v.create({ name: 'dev/app/db', value });
    expect(b).toEqual(a);
    expect(await read('.env')).toBe(before);
    expect((await fs.stat(path.join(root, '.env'))).mtimeMs).toBe(mtime);
    expect(before.startsWith('# mine\nDEBUG=1\n\n# secret-sweep: dev/app/db keys=password,port:json,opts:json\n')).toBe(true);
    expect(await read('.gitignore')).toBe('node_modules/\n/.env\n');
    expect((await v.get('dev/app/db')).value).toBe(value); // numbers and objects come back typed
  });

  it('replaces a secret in place on put and refuses create over a different value', async () => {
    const v = new DotenvVault({ root });
    await v.create({ name: 'prod/a/db', value: JSON.stringify({ password: pw() }) });
    await v.create({ name: 'prod/b/api', value: pw() });
    const next = JSON.stringify({ password: pw(), user: 'svc' });
    const p = await v.put({ name: 'prod/a/db', value: next });
    expect((await v.get('prod/a/db')).value).toBe(next);
    expect((await read('.env')).split('\n')[0]).toBe('# secret-sweep: prod/a/db keys=password,user');
    expect((await v.list('prod/')).map((s) => s.name)).toEqual(['prod/a/db', 'prod/b/api']);
    expect(await read('.env.example')).toContain('PROD_A_DB__USER=\n');

    const other = JSON.stringify({ password: pw() });
    const e = await v.create({ name: 'prod/a/db', value: other }).catch((x: unknown) => x as VaultError);
    expect(e).toBeInstanceOf(VaultError);
    expect(e).toMatchObject({ code: 'Exists' });
    expect(e.message).toContain('prod/a/db');
    expect(e.message).not.toContain(JSON.parse(other).password);
    await expect(v.get('prod/a/db', { versionStage: 'AWSPREVIOUS' })).rejects.toMatchObject({ code: 'NotFound' });
    await expect(v.get('prod/a/db', { versionId: p.versionId })).resolves.toMatchObject({ value: next });
    await expect(v.put({ name: 'prod/none', value: '{}' })).rejects.toMatchObject({ code: 'NotFound' });
  });

  it('refuses names that collide, hand-written variables, bad names and rotation', async () => {
    await fs.writeFile(path.join(root, '.env'), 'PROD_X_DB__PASSWORD=old\n');
    const v = new DotenvVault({ root });
    await expect(v.create({ name: 'prod/x/db', value: JSON.stringify({ password: pw() }) }))
      .rejects.toMatchObject({ code: 'Exists', message: expect.stringContaining('.env:1 already sets PROD_X_DB__PASSWORD') });
    await v.create({ name: 'prod/etl/db', value: '{}' });
    await expect(v.create({ name: 'prod-etl/db', value: '{}' })).rejects.toMatchObject({ code: 'InvalidParameter' });
    await expect(v.create({ name: 'bad name', value: '{}' })).rejects.toMatchObject({ code: 'InvalidParameter' });
    await expect(v.rotate('prod/etl/db')).rejects.toMatchObject({ code: 'Unsupported' });
    await expect(v.tag('prod/etl/db', { a: 'b' })).resolves.toBeUndefined();
  });

  it('serializes concurrent writes from one process', async () => {
    const v = new DotenvVault({ root });
    await Promise.all(Array.from({ length: 8 }, (_, i) => v.create({ name: `dev/app${i}/db`, value: JSON.stringify({ password: pw() }) })));
    expect(await v.list()).toHaveLength(8);
    expect(v.stats()).toEqual({ calls: 9, retries: 0 });
  });

  it('keeps CRLF line endings and a nested env file path', async () => {
    await fs.mkdir(path.join(root, 'config'));
    await fs.writeFile(path.join(root, 'config', '.env'), 'A=1\r\n');
    const v = new DotenvVault({ root, envFile: 'config/.env' });
    await v.create({ name: 'dev/x', value: 'v' });
    expect(await read('config/.env')).toBe('A=1\r\n\r\n# secret-sweep: dev/x\r\nDEV_X=v\r\n');
    expect(await read('.gitignore')).toBe('/config/.env\n');
  });
});
