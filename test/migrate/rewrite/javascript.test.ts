/**
 * The JS/TS rewriter: fixture pairs (test/fixtures/rewrite/js-* and ts-*), every output parsed by the
 * TypeScript compiler, the TypeScript project type-checked with `tsc --noEmit -p`, and the Node service
 * run end to end against the local Secrets Manager server, printing what the original printed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { JavaScriptRewriter, jsHelperSource, parseJs, syntaxErrors, type JsRewriteResult } from '../../../src/migrate/rewrite/javascript.js';
import { AwsVault } from '../../../src/migrate/vault/aws.js';
import { startSmServer, type SmServer } from '../../support/sm-server.js';
import { casesWith, loadCase, runCase } from './fixture-pairs.js';

// Never a sync child while the in-process server must answer it: that would deadlock.
const execFileAsync = promisify(execFile);
const node = async (args: string[], opts: { cwd?: string; env: NodeJS.ProcessEnv }) =>
  (await execFileAsync(process.execPath, args, { ...opts, encoding: 'utf8', timeout: 20_000 })).stdout;

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const make = (c: { spec: { packageType?: string } }) => new JavaScriptRewriter({ packageType: () => c.spec.packageType });
const run = (name: string) => runCase<JsRewriteResult>(name, make);

const tmp: string[] = [];
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sweep-js-'));
  tmp.push(dir);
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  for (const [f, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), content);
  }
  return dir;
}
afterAll(() => {
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
});

describe('fixture pairs', () => {
  for (const name of [...casesWith('js-'), ...casesWith('ts-')]) {
    it(name, () => {
      // Output, sites left and secrets removed: all-fixtures.test.ts. Here: it still parses.
      const { c, output } = run(name);
      expect(syntaxErrors(parseJs(c.spec.file, output))).toEqual([]);
    });
  }

  it('keeps CRLF line ends (the inserted import too)', () => {
    const { output } = run('js-crlf');
    expect(output.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('is idempotent: the rewritten file with no sites left is untouched', () => {
    const { output, c } = run('js-esm-service');
    const again = make(c).rewrite({ file: c.spec.file, text: output, sites: [], backend: 'aws' });
    expect(again.edits).toEqual([]);
  });

  it('sync-context values call getSecretSync from the same helper: no environment reference, no wrapper', () => {
    const { result } = run('js-esm-service');
    expect(result.envRefs).toEqual([]);
    expect(result.helper).toEqual({ path: 'service/secret-sweep-secrets.mjs', kind: 'mjs' });
  });

  it('every generated helper parses', () => {
    for (const [kind, f] of [['mjs', 'a.mjs'], ['cjs', 'a.cjs'], ['ts', 'a.ts']] as const) {
      expect(syntaxErrors(parseJs(f, jsHelperSource(kind)))).toEqual([]);
    }
  });
});

describe('type-checks where the project has a tsconfig', () => {
  it('tsc --noEmit -p passes on the rewritten TypeScript project', () => {
    const dir = project({
      'package.json': JSON.stringify({ name: 'fixture', type: 'module', private: true }),
      'tsconfig.json': JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: ['node'], noUnusedLocals: true },
        include: ['src/**/*.ts'],
      }),
      'src/db.ts': run('ts-project').output,
      'src/config.ts': run('js-dotenv').output,
      'src/secret-sweep-secrets.ts': jsHelperSource('ts'),
    });
    const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', dir], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('the Node service end to end against the local Secrets Manager', () => {
  let srv: SmServer;
  beforeAll(async () => {
    srv = await startSmServer();
    const vault = new AwsVault({ endpoint: srv.endpoint, region: 'us-east-1', env: { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' } });
    process.env.AWS_ACCESS_KEY_ID ??= 'test';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
    // The values the fixtures held, read from their case.json (no credential-like literal in this file).
    const values = new Map<string, Record<string, string>>();
    for (const name of ['js-esm-service', 'js-cjs-script', 'js-cjs-lazy']) {
      for (const site of loadCase(name).spec.sites) {
        values.set(site.secretName, { ...values.get(site.secretName), [site.jsonKey]: site.match });
      }
    }
    for (const [name, v] of values) await vault.create({ name, value: JSON.stringify(v) });
    vault.close();
  });
  afterAll(async () => {
    await srv?.stop();
  });

  it('prints the same values as the original', async () => {
    const { c, output, result } = run('js-esm-service');
    const rw = make(c);
    const helpers = rw.helperFiles([result]);
    const before = project({ [c.spec.file]: c.input });
    const after = project({ [c.spec.file]: output, ...Object.fromEntries(helpers.map((h) => [h.path, h.content])) });
    const env = {
      PATH: process.env.PATH ?? '', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: srv.endpoint,
    };
    const original = await node([path.join(before, c.spec.file)], { env });
    const migrated = await node([path.join(after, c.spec.file)], { env });
    expect(original).toContain(c.spec.sites[0]!.match);
    expect(migrated).toBe(original);
    expect(srv.calls.count('GetSecretValue')).toBe(2); // one per secret: the client caches, the sync call reuses it
  });

  it('a CommonJS module runs without a wrapper: its synchronous values are fetched lazily, in a child process', async () => {
    const { c, output, result } = run('js-cjs-lazy');
    const rw = make(c);
    const after = project({ [c.spec.file]: output, ...Object.fromEntries(rw.helperFiles([result]).map((h) => [h.path, h.content])) });
    const env = { PATH: process.env.PATH ?? '', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: srv.endpoint, AWS_MAX_ATTEMPTS: '1' };
    const print = `const m = require(${JSON.stringify(path.join(after, c.spec.file))}); console.log(m.token + ' ' + m.hook)`;
    const [token, hook] = c.spec.sites.map((s) => s.match);
    expect((await node(['-e', print], { env })).trim()).toBe(`${token} ${hook}`);
    // Both variables set, Secrets Manager unreachable: nothing is fetched, as before the migration.
    const dead = { ...env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' };
    expect((await node(['-e', print], { env: { ...dead, SYNC_TOKEN: 'a', HOOK_URL: 'b' } })).trim()).toBe('a b');
    // Unset and unreachable: a clear error naming the secret, never undefined.
    const failed = await node(['-e', print], { env: { ...dead, SYNC_TOKEN: 'a' } }).then(() => 'ran', (e: Error) => e.message);
    expect(failed).toMatch(/cannot read secret prod\/etl\/hook/);
  });

  it('the CommonJS helper reads a key', async () => {
    const dir = project({ 'secret-sweep-secrets.cjs': jsHelperSource('cjs') });
    const out = await node(['-e', "require('./secret-sweep-secrets.cjs').getSecret('prod/shop/pg', 'password').then((v) => process.stdout.write(v))"], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: srv.endpoint },
    });
    expect(out).toBe(loadCase('js-cjs-script').spec.sites.find((s) => s.secretName === 'prod/shop/pg' && s.jsonKey === 'password')!.match);
  });
});
