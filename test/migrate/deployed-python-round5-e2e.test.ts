/**
 * Red team of `migrate`, round 5, on Python legacy programs (test/support/python-round5-repo.ts): each is
 * run as deployed before the migration, then `migrate --apply` against the local Secrets Manager
 * (test/support/sm-server.ts), commit, fresh `git clone`, and run again the same way — pip-installed
 * (setuptools `scripts=`, a flat layout found by auto-discovery, poetry-core, `packages.find`) into a
 * target folder and started from `/`; `python -m` of a namespace package, of a package's `__main__`, of
 * a cron job with PYTHONPATH from /tmp; a DAG folder loaded by path; Flask's `from_pyfile`/`from_object`;
 * `runpy.run_path`; pytest with a conftest fixture; `.env` readers (python-dotenv's `load_dotenv()`,
 * django-environ) under `secret-sweep run` as the report says; SQLAlchemy and psycopg2 arguments; literal
 * shapes (defaults, class attributes, dicts, triple-quoted, raw, non-ASCII, `{{}}` in f-strings); tabs,
 * CRLF, a latin-1 file. Each must print what it printed before; a value still in the tree is in a file the
 * report lists as manual; every rewritten .py compiles; a second migrate from the clone changes nothing.
 *
 * Needs Debian's /usr/bin/python3 with python3-boto3 (else skipped); a program whose modules are missing is
 * left out with a warning: python3-pip + python3-setuptools, python3-poetry-core, python3-flask,
 * python3-pytest, python3-dotenv, python3-django-environ, python3-sqlalchemy, python3-psycopg2.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAsync } from '../support/cli.js';
import { commitNewRepo, migrateTestBed } from '../support/migrate-bed.js';
import { workTreeFiles } from '../support/tree.js';
import {
  expectCompiles, expectSecondMigrateIdle, migrateCommitClone, fourAtATime, outputsBefore, programsThatChanged, programsWithModules, py,
  PYTHON, pythonAwsEnv, redactor, type Program, type Started,
} from '../support/deployed-python-check.js';
import { round5Files, round5Values, type Round5Values } from '../support/python-round5-repo.js';

const havePython = spawnSync(PYTHON, ['-c', 'import boto3'], { cwd: '/' }).status === 0;
if (!havePython) console.warn(`deployed-python-round5-e2e: skipped: ${PYTHON} cannot import boto3 (apt-get install -y python3-boto3)`);

const V = round5Values(55);
const VALUES = Object.entries(V) as Array<[keyof Round5Values, string]>;
const redact = redactor(V);

const bed = migrateTestBed();
const awsEnv = () => pythonAwsEnv(bed.server().endpoint);

/**
 * The projects pip installs: one pip run for all of them into one target (each start of pip costs seconds
 * on a loaded machine); the test checks that each one's own RECORD lists the top-level helper it imports.
 */
const PIP_PROJECTS = ['scripttool', 'pkgscripts', 'pyscripts', 'flatcli', 'poetapp', 'findpkg'];
const pipTargets = new Map<string, Promise<Map<string, string | Error>>>();

/**
 * `pip install --target` of `dirs` (copied first: setuptools builds in the source folder), offline, as a
 * deployment without build isolation does: each folder's target, or pip's errors.
 */
async function pipInstall(root: string, dirs: readonly string[]): Promise<Map<string, string | Error>> {
  const srcs = dirs.map((d) => {
    const src = join(bed.tempDir('ss-r5-pip-src-'), d);
    cpSync(join(root, d), src, { recursive: true });
    return src;
  });
  const target = bed.tempDir('ss-r5-pip-');
  const r = await runAsync(PYTHON, ['-m', 'pip', 'install', '-q', '--no-deps', '--no-build-isolation', '--no-index', '--target', target, ...srcs], { cwd: '/' });
  if (r.code === 0) return new Map(dirs.map((d) => [d, target]));
  if (dirs.length > 1) {
    // One failed: which one, each on its own.
    const each = await fourAtATime(dirs, (d) => pipInstall(root, [d]));
    return new Map(each.flatMap((m) => [...m]));
  }
  return new Map([[dirs[0]!, new Error(`pip install ${dirs[0]} failed: ${r.stderr.split('\n').filter((l) => /error/i.test(l)).slice(0, 2).join(' | ')}`)]]);
}
/** Where `dir` of checkout `root` is installed (all of PIP_PROJECTS are installed at the first call). */
async function installedAt(root: string, dir: string): Promise<string> {
  if (!pipTargets.has(root)) pipTargets.set(root, pipInstall(root, PIP_PROJECTS));
  const t = (await pipTargets.get(root)!).get(dir);
  if (t === undefined) throw new Error(`${dir} is not in PIP_PROJECTS`);
  if (t instanceof Error) throw t;
  return t;
}
const installed = async (root: string, dir: string, script: string): Promise<Started> => {
  const target = await installedAt(root, dir);
  return { cmd: join(target, 'bin', script), args: [], cwd: '/', env: { PYTHONPATH: target } };
};

const PROGRAMS: Program[] = [
  { name: 'setup.py scripts=[bin/…], pip-installed, run from target/bin', needs: 'setuptools, pip', start: (r) => installed(r, 'scripttool', 'nightly-report') },
  { name: 'setup.py packages= + scripts=[bin/…], pip-installed, run from target/bin', needs: 'setuptools, pip', start: (r) => installed(r, 'pkgscripts', 'pkg-report') },
  { name: 'pyproject [tool.setuptools] script-files, pip-installed, run from target/bin', needs: 'setuptools, pip', start: (r) => installed(r, 'pyscripts', 'ps-run') },
  { name: 'flat layout found by auto-discovery, [project.scripts], pip-installed', needs: 'setuptools, pip', start: (r) => installed(r, 'flatcli', 'flatcli') },
  { name: 'poetry-core package, pip-installed, its script', needs: 'pip, poetry.core', start: (r) => installed(r, 'poetapp', 'poetapp') },
  { name: 'setuptools packages.find, pip-installed, python -m from /', needs: 'setuptools, pip', start: async (r) => py(['-m', 'svcfind'], '/', { PYTHONPATH: await installedAt(r, 'findpkg') }) },
  { name: 'namespace package, python -m ns.sub.mod, relative imports', start: (r) => py(['-m', 'acme_ns.billing.run'], join(r, 'nsroot')) },
  { name: 'package __main__.py, python -m tool', start: (r) => py(['-m', 'tool'], join(r, 'mainpkg')) },
  { name: 'package __main__.py, python mainpkg/tool (a folder)', start: (r) => py([join(r, 'mainpkg/tool')]) },
  { name: 'cron: python -m jobs.cleanup from /tmp with PYTHONPATH', start: (r) => py(['-m', 'jobs.cleanup'], '/tmp', { PYTHONPATH: join(r, 'cronlib') }) },
  { name: 'DAG folder loaded by spec_from_file_location', start: (r) => py([join(r, 'airflow/scheduler/bag.py'), join(r, 'airflow/dags')]) },
  { name: 'Flask config.from_pyfile (instance folder) + from_object("webapp.settings")', needs: 'flask', start: (r) => py([join(r, 'flaskapp/serve.py')]) },
  { name: 'runpy.run_path with init_globals', start: (r) => py([join(r, 'runcfg/load.py')]) },
  { name: 'pytest with a conftest.py fixture', needs: 'pytest', start: (r) => py(['-m', 'pytest', '-q', '-s', '-p', 'no:cacheprovider', 'tests'], join(r, 'pyt')), keep: (o) => o.split('\n').filter((l) => l.startsWith('HASH ')).join('\n') },
  // `secret-sweep run` as the report says, from the repository's root (its --env-file is repository-relative).
  { name: 'python-dotenv load_dotenv() + os.getenv', needs: 'dotenv', start: (r) => ({ ...py([join(r, 'dotenvapp/main.py')], r), viaRun: 'dotenvapp/.env' }) },
  { name: 'django-environ Env.read_env', needs: 'environ', start: (r) => ({ ...py([join(r, 'envsite/settings.py')], r), viaRun: 'envsite/.env' }) },
  { name: 'SQLAlchemy URL.create(password=) and create_engine DSN', needs: 'sqlalchemy, psycopg2', start: (r) => py([join(r, 'sa/db.py')]) },
  { name: 'psycopg2.connect(password=, **kwargs)', needs: 'psycopg2', start: (r) => py([join(r, 'pg/check.py')]) },
  { name: 'defaults, class attributes, dicts, triple-quoted, raw, non-ASCII, {{}} in f-strings', start: (r) => py([join(r, 'lit/shapes.py')]) },
  { name: 'tab-indented file', start: (r) => py([join(r, 'style/tabs.py')]) },
  { name: 'CRLF file', start: (r) => py([join(r, 'style/crlf.py')]) },
  { name: 'latin-1 file with a coding cookie', start: (r) => py([join(r, 'style/latin.py')]) },
];

interface Report { manual: Array<{ file: string; line: number; reason: string }> }

describe.skipIf(!havePython)('Python legacy programs (round 5), migrated, run from a fresh clone as deployed', () => {
  let orig: string;
  let clone: string;
  const programs: Program[] = [];
  const before = new Map<string, string>();

  beforeAll(async () => {
    orig = bed.tempDir('ss-r5-');
    commitNewRepo(orig, round5Files(V) as Record<string, string>);
    programs.push(...programsWithModules(PROGRAMS, 'deployed-python-round5-e2e'));
    for (const [k, out] of await outputsBefore(orig, programs, awsEnv(), redact)) before.set(k, out);
  }, 300_000);

  it('--apply: each program prints the same from a fresh clone; values left in the tree are listed as manual; a second run changes nothing', async () => {
    clone = bed.tempDir('ss-r5-clone-');
    const report = await migrateCommitClone(orig, clone, awsEnv(), V, redact) as Report;

    const failures = await programsThatChanged(clone, programs, before, awsEnv(), orig, redact);
    expect(failures).toEqual([]);
    // The projects share one pip target: each one's own wheel ships the top-level helper it imports.
    for (const d of ['scripttool', 'pkgscripts', 'pyscripts', 'flatcli']) {
      const target = await installedAt(clone, d);
      const record = readFileSync(join(target, `${d}-1.0.0.dist-info`, 'RECORD'), 'utf8');
      expect(record.split('\n').some((l) => l.startsWith('secret_sweep_secrets.py,')), `${d} installs the helper`).toBe(true);
    }

    // A value still in the tree is in a file the report lists as manual.
    const manualFiles = new Set(report.manual.map((x) => x.file));
    const left: string[] = [];
    for (const f of workTreeFiles(clone).filter((x) => !x.startsWith('.secret-sweep/'))) {
      const text = readFileSync(join(clone, f), 'latin1') + readFileSync(join(clone, f), 'utf8');
      for (const [k, v] of VALUES) if (text.includes(v)) left.push(`${k} in ${f}${manualFiles.has(f) ? ' (manual)' : ''}`);
    }
    expect(left.filter((x) => !x.endsWith('(manual)'))).toEqual([]);
    expect(left).toEqual(EXPECTED_MANUAL);
    // The latin-1 file is rewritten in latin-1 (deployed-python-round6-e2e checks its bytes).
    expect(readFileSync(join(clone, 'style/latin.py')).includes(Buffer.from('NAME = "Jos\xe9"', 'latin1'))).toBe(true);
    // Every rewritten Python file compiles.
    const pys = workTreeFiles(clone).filter((f) => /\.py$/.test(f) || /^(scripttool|pkgscripts|pyscripts)\/bin\//.test(f));
    const pyc = bed.tempDir('ss-r5-pyc-');
    expectCompiles(PYTHON, clone, pys, pyc);

    // Second run, from the clone: nothing written, nothing stored again.
    await expectSecondMigrateIdle(clone, awsEnv(), bed.server(), redact);
  }, 900_000);
});

/** Values the migration leaves, each in a file the report lists as manual: none. */
const EXPECTED_MANUAL: string[] = [];
