/**
 * A second legacy Python data-team repository (test/support/pydata-shapes-repo.ts) migrated with
 * `--apply` against moto's server, then run from a fresh clone with only AWS variables: Flask config
 * classes read by `app.config.from_object("app.config.ProdConfig")`, a DATABASES dict, dataclass and
 * BaseSettings defaults, Snowflake/MongoDB/Redis/psycopg2/SMTP/SFTP/HTTP clients (stubs that print hashes
 * of what they were given, on PYTHONPATH outside the repository), an S3 presign with a hard-coded key
 * pair, `os.environ[...] = ` / `setdefault` / `getenv` defaults, a Celery config module, a cron job
 * started from `/` by absolute path, a dbt profiles.yml (rewritten to `{{ env_var(...) }}` and started
 * with `secret-sweep run`), an Airflow airflow_settings.yaml and a configparser config.ini (manual, with
 * the edit to make), one value in two files (one secret), one variable name with two values (two
 * secrets), and a test file with its own token. Every program's output is byte-identical after; the
 * migrated Python compiles under Python 3.8; the dry run and a second `--apply` change nothing; the
 * scrub leaves no value in any blob.
 *
 * Skipped (with the reason) where moto or Debian's python3-boto3/-yaml/-requests/-pytest are missing;
 * in CI, missing Python packages fail it (.ci/run installs them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { BIN, runAsync, runCliAsync, type AsyncRunResult } from '../support/cli.js';
import { commitNewRepo, git, migrateTestBed } from '../support/migrate-bed.js';
import { emulatorAvailable, emulatorMissing, startEmulator, type Emulator } from '../support/moto.js';
import { expectRerunAndScrub, hashTree, storedSecrets } from '../support/moto-checks.js';
import { FILES, STUBS, V } from '../support/pydata-shapes-repo.js';
import { deployEnv, PYTHON, runArgsFromReport } from '../support/python-repo-check.js';
import { workTreeFiles, writeFiles } from '../support/tree.js';

const havePython = spawnSync(PYTHON, ['-c', 'import boto3, yaml, requests, pytest'], { stdio: 'ignore' }).status === 0;
const why = !emulatorAvailable ? emulatorMissing
  : !havePython ? `${PYTHON} cannot import boto3, yaml, requests and pytest (apt-get install -y python3-boto3 python3-yaml python3-requests python3-pytest)` : '';
if (process.env.CI === 'true' && why && emulatorAvailable) {
  it('AWS emulator and Python for the migrate shapes test', () => {
    throw new Error(`${why} (in CI this test must not be skipped)`);
  });
}
if (why) console.warn(`test/migrate/moto-python-shapes.test.ts skipped: ${why}`);

/** Python 3.8 for the syntax check of what migrate wrote; else 3.11's parser with feature_version=(3, 8). */
const PY38 = ['/root/.pyenv/versions/3.8.18/bin/python3', '/usr/bin/python3.8'].find((p) => existsSync(p));

const bed = migrateTestBed();
const AWS = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1' };
const APP = `acme${process.pid}`;
const VALUES = Object.values(V);
/**
 * Every value is found, those of the shapes once missed too: `os.environ.setdefault("DATADOG_API_KEY",
 * hex)` (env-lookup-literal-fallback), `HTTPBasicAuth("user", "pw")` (python-http-basic-auth-literal) and
 * a generic password as an annotated default (`mongo_password: str = "…"`).
 */
const FOUND = VALUES;

interface Program {
  name: string;
  /** python3's arguments; `@ROOT@` is the checkout's absolute path. */
  args: string[];
  /** Absolute working folder (`@ROOT@` allowed); the checkout by default. */
  cwd?: string;
  /** After the migration, started as the report's start command for this file says. */
  startFor?: string;
}

const PROGRAMS: Program[] = [
  { name: 'Flask app.config.from_object("app.config.ProdConfig")', args: ['wsgi.py'] },
  { name: 'DATABASES dict, dataclass and BaseSettings defaults (python -m)', args: ['-m', 'app.reports'] },
  { name: 'snowflake.connector.connect and os.environ[...] = ', args: ['warehouse/snowflake_load.py'] },
  { name: 'cron: cd / && python3 /repo/jobs/nightly.py (pymongo, redis, psycopg2)', cwd: '/', args: ['@ROOT@/jobs/nightly.py'] },
  { name: 'Celery config_from_object("celeryconfig")', args: ['tasks.py'] },
  { name: 'requests Bearer and HTTPBasicAuth, setdefault and getenv defaults', args: ['-m', 'integrations.api_client'] },
  { name: 'smtplib login', args: ['integrations/mailer.py'] },
  { name: 'paramiko password', args: ['integrations/sftp_pull.py'] },
  { name: 'boto3 S3 presign with a key pair', args: ['integrations/s3_presign.py'] },
  { name: 'API_KEY in two modules, two values', args: ['-m', 'integrations.vendors'] },
  { name: 'pytest tests/', args: ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests'] },
  { name: 'dbt profiles.yml rendering', args: ['tools/dbt_profile.py'], startFor: 'profiles.yml' },
  { name: 'configparser config.ini (manual)', args: ['tools/read_ini.py'] },
  { name: 'airflow_settings.yaml (manual)', args: ['tools/airflow_settings.py'] },
];

let emu: Emulator | undefined;
let sm: SecretsManagerClient;
let stubs = '';

function run(root: string, p: Program, runArgs?: string[]): Promise<AsyncRunResult> {
  const env = { ...deployEnv({ ...AWS, AWS_ENDPOINT_URL: emu!.endpoint }), PYTHONPATH: stubs };
  const at = (s: string) => s.replaceAll('@ROOT@', root);
  const args = p.args.map(at);
  const cwd = p.cwd ? at(p.cwd) : root;
  return runArgs ? runAsync(process.execPath, [BIN, 'run', ...runArgs, '--', PYTHON, ...args], { cwd, env }) : runAsync(PYTHON, args, { cwd, env });
}
/** What a run shows of the values it used: its output without pytest's timing. */
const shown = (r: AsyncRunResult) => ({ code: r.code, stdout: r.stdout.replace(/ in [\d.]+s/g, ''), err: r.stderr.trim().split('\n').pop() });

const migrate = (dir: string, ...extra: string[]) =>
  runCliAsync(['migrate', '.', '--app', APP, '--env', 'prod', ...extra], { cwd: dir, env: { ...AWS, AWS_ENDPOINT_URL: emu!.endpoint } });

const stored = () => storedSecrets(sm, `prod/${APP}/`);

interface Report {
  secrets: Array<{ name: string; values: Array<{ key?: string; locations: Array<{ where: string }>; rotate: string }> }>;
  manual: Array<{ file: string; reason: string; suggestion?: string }>;
  replacementsFile: string;
}

describe.skipIf(Boolean(why))('a legacy Python data repository of many shapes, migrated against moto', () => {
  beforeAll(async () => {
    emu = await startEmulator();
    sm = new SecretsManagerClient({ endpoint: emu.endpoint, region: AWS.AWS_REGION, credentials: { accessKeyId: AWS.AWS_ACCESS_KEY_ID, secretAccessKey: AWS.AWS_SECRET_ACCESS_KEY } });
    stubs = bed.tempDir('ss-shapes-stubs-');
    writeFiles(stubs, STUBS);
  }, 60_000);
  afterAll(async () => {
    sm?.destroy();
    await emu?.stop();
  });

  it('every program uses the same values from a fresh clone; dry run, re-run, report, Python 3.8 and scrub hold', async () => {
    const dir = bed.tempDir('ss-shapes-repo-');
    commitNewRepo(dir, FILES);
    const before = await Promise.all(PROGRAMS.map((p) => run(dir, p)));
    for (const [i, b] of before.entries()) expect(b.code, `${PROGRAMS[i]!.name}: ${b.stderr}`).toBe(0);

    const tree0 = hashTree(dir);
    const dry = await migrate(dir);
    expect(dry.code, dry.stderr).toBe(0);
    expect(hashTree(dir)).toEqual(tree0);
    expect(await stored()).toEqual(new Map());

    const applied = await migrate(dir, '--apply', '--yes');
    expect(applied.code, applied.stderr).toBe(0);
    for (const v of VALUES) expect(applied.stdout + applied.stderr).not.toContain(v);
    const versions = await stored();
    const report = JSON.parse(readFileSync(join(dir, 'secret-sweep-migration.json'), 'utf8')) as Report;
    expect(report.secrets.map((s) => s.name).sort()).toEqual([...versions.keys()].sort());

    // Names say what the secret is: the dbt profile (not its target `prod`), the SFTP host (not "db"),
    // the DATABASES entries grouped with their settings.
    for (const r of ['analytics', 'sftp', 'databases', 'warehouse']) expect([...versions.keys()]).toContain(`prod/${APP}/${r}`);
    const secretOf = (file: string) => report.secrets.filter((s) => s.values.some((v) => v.locations.some((l) => l.where.startsWith(`${file}:`)))).map((s) => s.name);
    // One value in two files: one secret, both places listed (and both rewritten, below).
    const redis = report.secrets.filter((s) => s.values.some((v) => v.locations.some((l) => l.where.startsWith('celeryconfig.py:2'))));
    expect(redis).toHaveLength(1);
    expect(redis[0]!.values.flatMap((v) => v.locations.map((l) => l.where.split(':')[0])).sort()).toEqual(['celeryconfig.py', 'jobs/nightly.py']);
    // One variable name, two values in two files: two secrets.
    const [a, b] = [secretOf('integrations/vendor_a.py'), secretOf('integrations/vendor_b.py')];
    expect(a).toHaveLength(1);
    expect(b).toHaveLength(1);
    expect(a[0]).not.toBe(b[0]);
    // A JSON key says what the value is, never the type annotation of `api_token: str = "…"`.
    for (const s of report.secrets) for (const v of s.values) expect(v.key, s.name).not.toMatch(/^(str|int|bytes|Optional)$/);
    for (const s of report.secrets) for (const v of s.values) expect(v.rotate.length, s.name).toBeGreaterThan(20);

    // Left for a human, each with the edit to make: the readers that never expand a reference.
    expect(report.manual.map((m) => m.file).sort()).toEqual(['airflow_settings.yaml', 'config.ini']);
    const ini = report.manual.find((m) => m.file === 'config.ini')!;
    expect(ini.reason).toMatch(/configparser/);
    expect(ini.suggestion).toContain('["postgres"]["password"]');
    expect(report.manual.find((m) => m.file === 'airflow_settings.yaml')!.suggestion).toContain('SecretsManagerBackend');
    const md = readFileSync(join(dir, 'secret-sweep-migration.md'), 'utf8');
    for (const v of VALUES) expect(md).not.toContain(v);
    // dbt reads env_var(): the profile is rewritten, and the secret's variable is one dbt scrubs from its logs.
    expect(readFileSync(join(dir, 'profiles.yml'), 'utf8')).toMatch(/password: "\{\{ env_var\('DBT_ENV_SECRET_[A-Z0-9_]+'\) \}\}"/);

    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'secrets to Secrets Manager');
    const clone = bed.tempDir('ss-shapes-clone-');
    execFileSync('git', ['clone', '-q', dir, clone], { stdio: 'pipe' });
    const after = await Promise.all(PROGRAMS.map((p) => run(clone, p, p.startFor ? runArgsFromReport(dir, p.startFor) : undefined)));
    for (const [i, p] of PROGRAMS.entries()) {
      expect({ name: p.name, ...shown(after[i]!) }).toEqual({ name: p.name, ...shown(before[i]!) });
    }
    const tracked = workTreeFiles(clone).map((f) => readFileSync(join(clone, f), 'utf8')).join('\n');
    expect(FOUND.filter((v) => tracked.includes(v)).sort()).toEqual([V.iniPw, V.airflowPw].sort());

    // What migrate wrote is Python 3.8 syntax (data teams run old interpreters).
    const pyFiles = workTreeFiles(clone).filter((f) => f.endsWith('.py'));
    const check = PY38
      ? spawnSync(PY38, ['-c', 'import sys\nfor f in sys.argv[1:]: compile(open(f, encoding="utf-8").read(), f, "exec")', ...pyFiles], { cwd: clone, encoding: 'utf8' })
      : spawnSync(PYTHON, ['-c', 'import ast, sys\nfor f in sys.argv[1:]: ast.parse(open(f, encoding="utf-8").read(), f, feature_version=(3, 8))', ...pyFiles], { cwd: clone, encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);

    // A second run from a fresh clone writes nothing and changes no file; the report's scrub step, on a
    // fresh clone, leaves no value in any blob of any ref.
    await expectRerunAndScrub({
      clone, repo: dir, migrateAgain: () => migrate(clone, '--apply', '--yes'), stored, versions,
      replacementsFile: report.replacementsFile, values: FOUND, scratch: () => bed.tempDir('ss-shapes-scrub-'), label: 'moto-python-shapes',
    });
  }, 300_000);
});
