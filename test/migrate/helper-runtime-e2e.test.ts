/**
 * The run-time environment of migrated code: a Python and a CommonJS program, migrated against the
 * local Secrets Manager and run from a fresh clone with only PATH and AWS variables, must
 * - reach the emulator's endpoint (the precedence of the endpoint and region variables for every reader
 *   is test/migrate/reader-env.test.ts);
 * - without AWS_REGION or AWS_DEFAULT_REGION (and no AWS config file) fail with an error that names the
 *   fix, and no value;
 * - fetch each secret once per process (the programs read it three times);
 * - and the generated Python parses under Python 3.8's grammar (`ast.parse(feature_version=(3, 8))`).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, runWithEnvOnly, TEST_AWS_ENV } from '../support/cli.js';
import { commitNewRepo, git, migrateTestBed } from '../support/migrate-bed.js';
import { installDeclaredDeps } from '../support/npm-ci.js';

const PYTHON = '/usr/bin/python3';
const havePython = spawnSync(PYTHON, ['-c', 'import boto3'], { encoding: 'utf8' }).status === 0;
const bed = migrateTestBed();

const ALNUM = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const sha = (v: string) => createHash('sha256').update(v, 'utf8').digest('hex');

type Exec = Awaited<ReturnType<typeof runWithEnvOnly>>;
const exec = runWithEnvOnly;

describe.skipIf(!havePython)('the helpers of migrated code at run time', () => {
  it('endpoint and region variables, one fetch per secret per process, Python 3.8 grammar', async () => {
    const srv = bed.server();
    const value = [...randomBytes(24)].map((b) => ALNUM[b % ALNUM.length]).join('') + '#=é';
    const root = bed.tempDir('ss-helper-rt-');
    commitNewRepo(root, {
      'py/app.py': `import hashlib\n\n\ndef password():\n    db_password = "${value}"\n    return db_password\n\n\nfor _ in range(3):\n    print(hashlib.sha256(password().encode("utf-8")).hexdigest())\n`,
      'js/app.js': `const { createHash } = require('node:crypto');\n\nfunction password() {\n  const dbPassword = '${value.replace('é', 'ü')}';\n  return dbPassword;\n}\n\nfor (let i = 0; i < 3; i++) console.log(createHash('sha256').update(password(), 'utf8').digest('hex'));\n`,
      'js/package.json': '{"name":"app","version":"1.0.0","private":true}\n',
    });
    const m = await exec(process.execPath, [BIN, 'migrate', '.', '--app', 'rt', '--env', 'prod', '--apply', '--yes'], root, { ...process.env, ...TEST_AWS_ENV, AWS_ENDPOINT_URL: srv.endpoint } as Record<string, string>);
    expect(m.code, m.stderr.slice(-400)).toBe(0);
    const report = JSON.parse(readFileSync(join(root, 'secret-sweep-migration.json'), 'utf8')) as { manual: unknown[]; codeEdits: Array<{ file: string }> };
    expect(report.manual).toEqual([]);
    expect(report.codeEdits.map((e) => e.file).sort()).toEqual(['js/app.js', 'py/app.py']);
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'migrate');
    const clone = join(bed.tempDir('ss-helper-rt-clone-'), 'app');
    git(root, 'clone', '-q', root, clone);
    installDeclaredDeps(join(clone, 'js'));
    const home = join(clone, '.home');
    mkdirSync(home);

    // Only PATH and the AWS variables; no AWS config file to fall back on.
    const base = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, AWS_CONFIG_FILE: join(home, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'), AWS_ACCESS_KEY_ID: TEST_AWS_ENV.AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: TEST_AWS_ENV.AWS_SECRET_ACCESS_KEY };
    const programs = [
      { id: 'python', run: (env: Record<string, string>) => exec(PYTHON, ['py/app.py'], clone, { ...env, PYTHONDONTWRITEBYTECODE: '1' }), value },
      { id: 'node', run: (env: Record<string, string>) => exec(process.execPath, ['js/app.js'], clone, env), value: value.replace('é', 'ü') },
    ];
    // Endpoint and region precedence for each reader: test/migrate/reader-env.test.ts.
    const settings: Array<{ id: string; env: Record<string, string>; ok: boolean }> = [
      { id: 'AWS_ENDPOINT_URL_SECRETS_MANAGER + AWS_REGION', env: { AWS_ENDPOINT_URL_SECRETS_MANAGER: srv.endpoint, AWS_REGION: TEST_AWS_ENV.AWS_REGION }, ok: true },
      { id: 'no region', env: { AWS_ENDPOINT_URL: srv.endpoint }, ok: false },
    ];
    const wrong: string[] = [];
    for (const p of programs) {
      for (const s of settings) {
        srv.calls.reset();
        const r = await p.run({ ...base, ...s.env });
        const out = r.stdout + r.stderr;
        if (out.includes(p.value) || out.includes(p.value.slice(0, 24))) wrong.push(`${p.id}, ${s.id}: the value is in its output`);
        if (s.ok) {
          if (r.code !== 0 || r.stdout.trim() !== `${sha(p.value)}\n`.repeat(3).trim()) wrong.push(`${p.id}, ${s.id}: exit ${r.code}, ${r.stderr.trim().split('\n').pop()}`);
          else if (srv.calls.count('GetSecretValue') !== 1) wrong.push(`${p.id}, ${s.id}: ${srv.calls.count('GetSecretValue')} GetSecretValue calls for one secret read three times`);
        } else if (r.code === 0 || !/AWS_REGION/.test(r.stderr)) {
          wrong.push(`${p.id}, ${s.id}: exit ${r.code}, the error does not name AWS_REGION: ${r.stderr.trim().split('\n').pop()}`);
        }
      }
    }
    expect(wrong).toEqual([]);

    // Python 3.8's grammar: the helper and the rewritten program.
    const parse = spawnSync(PYTHON, ['-c', 'import ast, sys\nfor f in sys.argv[1:]:\n    ast.parse(open(f, encoding="utf-8-sig").read(), f, feature_version=(3, 8))\n', 'py/secret_sweep_secrets.py', 'py/app.py'], { cwd: clone, encoding: 'utf8' });
    expect(parse.status, parse.stderr).toBe(0);
  }, 240_000);
});
