/**
 * End to end (issue 7): a generated legacy repository (Python ETL scripts with psycopg2-style connect,
 * boto3 and requests, a notebook, a Node service, .env, docker-compose, CloudFormation, Terraform, a
 * shell script) is migrated with the built CLI against the local Secrets Manager server. Afterwards:
 * no value is left in the work tree, every rewritten file parses, the Python scripts and the Node
 * service print exactly what they printed before, a second `migrate --apply` changes nothing, and
 * `verify-refs` passes, then fails once a secret is deleted.
 *
 * The scripts are runnable without the real services: they print a short hash of each credential they
 * would use instead of connecting. Python runs with Debian's /usr/bin/python3 (boto3 from
 * python3-boto3); the parts that need it are skipped, with the reason, where it cannot import boto3.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { DeleteSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { BIN, runAsync, TEST_AWS_ENV } from '../support/cli.js';
import { workTreeFiles } from '../support/tree.js';
import { startSmServer, type SmServer } from '../support/sm-server.js';
import { LEGACY_PY_SCRIPTS, legacyFiles, legacyValues, writeRepoFiles } from '../support/legacy-repo.js';
import { removeReplacementDirs } from '../support/replacements.js';
import { parseJs, syntaxErrors } from '../../src/migrate/rewrite/javascript.js';

const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import boto3, requests'], { encoding: 'utf8' });
const havePython = probe.status === 0;
if (!havePython) {
  console.warn(`legacy-repo-e2e: running the Python scripts is skipped: ${PYTHON} cannot import boto3 and requests (install Debian's python3-boto3 and python3-requests)`);
}

// Obviously fake AWS credentials for the CLI and the scripts' own SDK calls.
const AWS_ENV = TEST_AWS_ENV;
const APP = 'etl';
const ENV_NAME = 'prod';

// Every value is made at run time (the project scans itself).
const V = legacyValues(71);
const VALUES = Object.values(V);

let srv: SmServer;
let sm: SecretsManagerClient;
let dir: string;
const cleanup: string[] = [];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const run = (cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> =>
  runAsync(cmd, args, { cwd, env: { ...AWS_ENV, PYTHONDONTWRITEBYTECODE: '1', ...env } });
const cli = (args: string[], env: Record<string, string> = {}) => run(process.execPath, [BIN, ...args], dir, env);

const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=t@example.invalid', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, stdio: 'pipe' }).toString();

const snapshot = () => new Map(workTreeFiles(dir).filter((f) => !f.startsWith('.secret-sweep/')).map((f) => [f, createHash('sha256').update(readFileSync(join(dir, f))).digest('hex')]));

const PY_SCRIPTS = LEGACY_PY_SCRIPTS;
const before = new Map<string, string>();
let migrate: Run;
let dryRun: Run;
let dryRunWrites = -1;
let dryRunTree = '?';

beforeAll(async () => {
  if (!existsSync(join(BIN, '..', '..', 'dist', 'cli', 'main.js'))) throw new Error('run `npm run build` first');
  srv = await startSmServer();
  sm = new SecretsManagerClient({ endpoint: srv.endpoint, region: AWS_ENV.AWS_REGION, credentials: { accessKeyId: AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: AWS_ENV.AWS_SECRET_ACCESS_KEY } });
  dir = mkdtempSync(join(tmpdir(), 'ss-legacy-'));
  cleanup.push(dir);
  writeRepoFiles(dir, legacyFiles(V));
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'legacy');

  // What the originals print.
  const outputs = await Promise.all([
    ...(havePython ? PY_SCRIPTS.map((f) => run(PYTHON, [f], dir)) : []),
    run(process.execPath, ['service/server.mjs'], dir),
  ]);
  const names = [...(havePython ? PY_SCRIPTS : []), 'service/server.mjs'];
  outputs.forEach((o, i) => {
    if (o.code !== 0) throw new Error(`${names[i]} (original) failed: ${o.stderr}`);
    before.set(names[i]!, o.stdout);
  });

  dryRun = await cli(['migrate', '.', '--app', APP, '--env', ENV_NAME, '--endpoint-url', srv.endpoint]);
  dryRunWrites = srv.calls.writeCalls();
  dryRunTree = git('status', '--porcelain', '--ignored');
  migrate = await cli(['migrate', '.', '--app', APP, '--env', ENV_NAME, '--endpoint-url', srv.endpoint, '--apply', '--yes']);
}, 60_000);

afterAll(async () => {
  sm?.destroy();
  await srv?.stop();
  for (const p of cleanup) {
    removeReplacementDirs(p);
    rmSync(p, { recursive: true, force: true });
  }
});

/** Work-tree files other than secret-sweep's state and the git-ignored .env. */
const inScope = (f: string) => !f.startsWith('.secret-sweep/') && f !== '.env';

describe('a legacy repository, migrated with --apply', () => {
  it('the dry run lists the code edits it would make and writes nothing', () => {
    expect(dryRun.code, dryRun.stderr).toBe(0);
    expect(dryRun.stdout).toMatch(/^Code edits: 11 file\(s\):$/m);
    expect(dryRun.stdout).toMatch(/^  etl\/sync_s3\.py \(python\): 2 references: prod\/etl\/aws#aws_access_key_id, prod\/etl\/aws#aws_secret_access_key$/m);
    expect(dryRun.stdout).toMatch(/^Generated: .*etl\/secret_sweep_secrets\.py/m);
    for (const v of VALUES) expect(dryRun.stdout + dryRun.stderr).not.toContain(v);
    expect(dryRunWrites).toBe(0);
    expect(dryRunTree).toBe('');
  });

  it('migrates and rewrites every file kind', () => {
    expect(migrate.code, migrate.stderr).toBe(0);
    for (const v of VALUES) expect(migrate.stdout + migrate.stderr).not.toContain(v);
    const report = JSON.parse(readFileSync(join(dir, 'secret-sweep-migration.json'), 'utf8'));
    const rewritten = report.codeEdits.map((e: { file: string }) => e.file).sort();
    expect(rewritten).toEqual([
      '.env', 'docker-compose.yml', 'etl/billing.py', 'etl/load_orders.py', 'etl/report_api.py', 'etl/sync_s3.py',
      'infra/main.tf', 'infra/stack.yaml', 'notebooks/explore.ipynb', 'scripts/backup.sh', 'service/server.mjs',
    ]);
    expect(report.manual).toEqual([]);
    expect(report.generated).toEqual(expect.arrayContaining(['etl/secret_sweep_secrets.py', 'notebooks/secret_sweep_secrets.py', 'secret-sweep.refs', 'service/package.json']));
    // Compose reads ${VAR} (from the committed secret-sweep.refs), .env holds sm:// references: both start under `secret-sweep run`.
    expect(report.startCommands.map((s: { file: string }) => s.file).sort()).toEqual(['.env', 'docker-compose.yml']);
    expect(report.dependencies).toEqual([{ file: 'service/package.json', package: '@aws-sdk/client-secrets-manager', range: expect.stringMatching(/^[~^]3\./) }]);
    const md = readFileSync(join(dir, 'secret-sweep-migration.md'), 'utf8');
    expect(md).toContain('## Code changes');
    for (const v of VALUES) expect(md).not.toContain(v);
    const journal = readFileSync(join(dir, '.secret-sweep', 'journal.jsonl'), 'utf8');
    expect(journal.match(/"step":"file-rewritten"/g)?.length).toBe(rewritten.length);
    for (const v of VALUES) expect(journal).not.toContain(v);
  });

  it('leaves no value in the work tree: the scanner finds nothing, and neither does a plain search', async () => {
    const scan = await cli(['scan', '.', '--format', 'json']);
    expect(scan.code, scan.stdout + scan.stderr).toBe(0);
    for (const f of workTreeFiles(dir).filter(inScope)) {
      const text = readFileSync(join(dir, f), 'utf8');
      for (const v of VALUES) expect(text.includes(v), `${f} still holds a value`).toBe(false);
    }
    // .env holds references only.
    const env = readFileSync(join(dir, '.env'), 'utf8');
    for (const v of VALUES) expect(env).not.toContain(v);
    expect(env).toContain(`WAREHOUSE_PASSWORD=sm://${ENV_NAME}/${APP}/`);
    expect(env).toMatch(/^APP_ENV=production$/m);
  });

  it('every rewritten file parses', () => {
    for (const f of [...PY_SCRIPTS, 'etl/secret_sweep_secrets.py']) {
      const r = spawnSync(PYTHON, ['-c', 'import ast,sys; ast.parse(open(sys.argv[1]).read())', join(dir, f)], { encoding: 'utf8' });
      expect(r.status, `${f}: ${r.stderr}`).toBe(0);
    }
    const nb = JSON.parse(readFileSync(join(dir, 'notebooks/explore.ipynb'), 'utf8'));
    expect(nb.nbformat).toBe(4);
    const code = nb.cells.find((c: { cell_type: string }) => c.cell_type === 'code');
    expect(Array.isArray(code.source)).toBe(true);
    const cellSrc = (code.source as string[]).join('');
    expect(cellSrc).toContain('get_secret(');
    const r = spawnSync(PYTHON, ['-c', 'import ast,sys; ast.parse(sys.stdin.read())'], { input: cellSrc, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const sf = parseJs('service/server.mjs', readFileSync(join(dir, 'service/server.mjs'), 'utf8'));
    expect(syntaxErrors(sf)).toEqual([]);
    for (const f of ['docker-compose.yml', 'infra/stack.yaml']) expect(() => parseYaml(readFileSync(join(dir, f), 'utf8'))).not.toThrow();
    const stack = readFileSync(join(dir, 'infra/stack.yaml'), 'utf8');
    expect(stack).toMatch(/\{\{resolve:secretsmanager:prod\/etl\/[^:]+:SecretString:[^}]+\}\}/);
    const tf = readFileSync(join(dir, 'infra/main.tf'), 'utf8');
    expect(tf).toMatch(/password = jsondecode\(data\.aws_secretsmanager_secret_version\.[a-z_]+\.secret_string\)\["password"\]/);
    expect(tf).toMatch(/data "aws_secretsmanager_secret_version" "[a-z_]+" \{\n  secret_id = "prod\/etl\/[a-z-]+"\n\}/);
    const sh = spawnSync('sh', ['-n', join(dir, 'scripts/backup.sh')], { encoding: 'utf8' });
    expect(sh.status, sh.stderr).toBe(0);
    expect(readFileSync(join(dir, 'scripts/backup.sh'), 'utf8')).toContain('aws secretsmanager get-secret-value --secret-id');
    expect(statSync(join(dir, 'scripts/backup.sh')).mode & 0o777).toBe(0o755);
  });

  it.skipIf(!havePython)('the rewritten Python scripts print exactly what the originals printed', async () => {
    const env = { AWS_ENDPOINT_URL: srv.endpoint };
    const outs = await Promise.all(PY_SCRIPTS.map((f) => run(PYTHON, [f], dir, env)));
    outs.forEach((o, i) => {
      const f = PY_SCRIPTS[i]!;
      expect(o.code, `${f}: ${o.stderr}`).toBe(0);
      expect(o.stdout, f).toBe(before.get(f));
      expect(readFileSync(join(dir, f), 'utf8')).toMatch(/^try:\n {4}from \.secret_sweep_secrets import get_secret\nexcept \(ImportError, KeyError\):.*\n {4}try:\n {8}from secret_sweep_secrets import get_secret\n {4}except ImportError:.*\n(?: {8}.*\n){2}/m);
    });
  });

  it('the Node service prints the same, started as before (no wrapper)', async () => {
    const text = readFileSync(join(dir, 'service/server.mjs'), 'utf8');
    expect(text).not.toMatch(/process\.env\.PROD_/);
    // `npm install` in service/, as the report asks (it added the helper's SDK to service/package.json).
    const modules = join(dir, 'service', 'node_modules');
    symlinkSync(new URL('../../node_modules', import.meta.url).pathname, modules, 'dir');
    const o = await run(process.execPath, ['service/server.mjs'], dir, { AWS_ENDPOINT_URL: srv.endpoint }).finally(() => rmSync(modules));
    expect(o.code, o.stderr).toBe(0);
    expect(o.stdout).toBe(before.get('service/server.mjs'));
  });

  it('verify-refs passes', async () => {
    const v = await cli(['verify-refs', '.', '--endpoint-url', srv.endpoint]);
    expect(v.code, v.stdout + v.stderr).toBe(0);
    expect(v.stdout).toMatch(/ ok$/m);
    expect(v.stdout).not.toMatch(/missing/);
  });

  it('a second migrate --apply changes nothing: no file, no write call', async () => {
    const snap = snapshot();
    srv.calls.reset();
    const again = await cli(['migrate', '.', '--app', APP, '--env', ENV_NAME, '--endpoint-url', srv.endpoint, '--apply', '--yes']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/nothing to migrate/);
    expect(srv.calls.writeCalls()).toBe(0);
    expect(snapshot()).toEqual(snap);
  });

  it('verify-refs fails once a referenced secret is deleted', async () => {
    const report = JSON.parse(readFileSync(join(dir, 'secret-sweep-migration.json'), 'utf8'));
    const victim = report.secrets.map((s: { name: string }) => s.name).find((n: string) => n.includes('stripe')) ?? report.secrets[0].name;
    await sm.send(new DeleteSecretCommand({ SecretId: victim, ForceDeleteWithoutRecovery: true }));
    const v = await cli(['verify-refs', '.', '--endpoint-url', srv.endpoint]);
    expect(v.code, v.stdout + v.stderr).toBe(1);
    expect(v.stdout).toContain(`${victim}`);
    expect(v.stdout).toMatch(/missing secret/);
  });
});

