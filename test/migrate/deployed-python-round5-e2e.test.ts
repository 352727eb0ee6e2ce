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
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, runAsync, TEST_AWS_ENV, type AsyncRunResult } from '../support/cli.js';
import { commitNewRepo, git, migrateTestBed } from '../support/migrate-bed.js';
import { runArgsFromReport } from '../support/python-repo-check.js';
import { workTreeFiles } from '../support/tree.js';
import { expectCompiles, expectSecondMigrateIdle } from '../support/deployed-python-check.js';
import { round5Files, round5Values, type Round5Values } from '../support/python-round5-repo.js';

const PYTHON = '/usr/bin/python3';
const canImport = (mods: string) => spawnSync(PYTHON, ['-c', `import ${mods}`], { encoding: 'utf8', cwd: '/' }).status === 0;
const havePython = canImport('boto3');
/** Which of `mods` Python cannot import (one process for all: each start costs a second on a loaded machine). */
function missingModules(mods: readonly string[]): Set<string> {
  const r = spawnSync(PYTHON, ['-c', 'import importlib, sys\nfor m in sys.argv[1:]:\n    try: importlib.import_module(m)\n    except Exception: print(m)', ...new Set(mods)], { encoding: 'utf8', cwd: '/' });
  return new Set(r.stdout.split('\n').filter(Boolean));
}
if (!havePython) console.warn(`deployed-python-round5-e2e: skipped: ${PYTHON} cannot import boto3 (apt-get install -y python3-boto3)`);

const V = round5Values(55);
const VALUES = Object.entries(V) as Array<[keyof Round5Values, string]>;
const redact = (s: string) => VALUES.reduce((t, [k, v]) => t.split(v).join(`<${k}>`), s);

const bed = migrateTestBed();
const awsEnv = () => ({ ...TEST_AWS_ENV, AWS_DEFAULT_REGION: TEST_AWS_ENV.AWS_REGION, AWS_ENDPOINT_URL: bed.server().endpoint, PYTHONDONTWRITEBYTECODE: '1' });

interface Started { cmd: string; args: string[]; cwd: string; env?: Record<string, string>; viaRun?: string }
interface Program {
  name: string;
  /** Python modules it needs (left out, with a warning, when missing). */
  needs?: string;
  /** How it is started from checkout `root` (may build or install from it first). */
  start: (root: string) => Started | Promise<Started>;
  /** The part of its output compared (default: all of it). */
  keep?: (stdout: string) => string;
}

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
const py = (args: string[], cwd = '/', env?: Record<string, string>): Started => ({ cmd: PYTHON, args, cwd, ...(env ? { env } : {}) });

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

/** `reportDir`: after the migration, a program with `viaRun` starts as the report there says. */
async function run(root: string, p: Program, reportDir?: string): Promise<AsyncRunResult> {
  const s = await p.start(root);
  const env = { ...awsEnv(), ...s.env };
  const viaRunArgs = reportDir && s.viaRun ? runArgsFromReport(reportDir, s.viaRun) : undefined;
  return viaRunArgs
    ? runAsync(process.execPath, [BIN, 'run', ...viaRunArgs, '--', s.cmd, ...s.args], { cwd: s.cwd, env })
    : runAsync(s.cmd, s.args, { cwd: s.cwd, env });
}
/** `f` of each item, at most four running at once (the programs mostly wait on Python's start-up). */
async function fourAtATime<T, R>(items: readonly T[], f: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]!);
    }
  };
  await Promise.all([0, 1, 2, 3].map(worker));
  return out;
}
const output = (p: Program, r: AsyncRunResult) => (p.keep ?? ((o: string) => o))(r.stdout).trim();

interface Report { manual: Array<{ file: string; line: number; reason: string }> }

describe.skipIf(!havePython)('Python legacy programs (round 5), migrated, run from a fresh clone as deployed', () => {
  let orig: string;
  let clone: string;
  const programs: Program[] = [];
  const before = new Map<string, string>();

  beforeAll(async () => {
    orig = bed.tempDir('ss-r5-');
    commitNewRepo(orig, round5Files(V) as Record<string, string>);
    const missing = missingModules(PROGRAMS.flatMap((p) => p.needs?.split(/,\s*/) ?? []));
    for (const p of PROGRAMS) {
      if (p.needs?.split(/,\s*/).some((x) => missing.has(x))) console.warn(`deployed-python-round5-e2e: "${p.name}" is left out: ${PYTHON} cannot import ${p.needs}`);
      else programs.push(p);
    }
    const results = await fourAtATime(programs, (p) => run(orig, p));
    for (const [i, p] of programs.entries()) {
      const r = results[i]!;
      expect(r.code, `${p.name} (before): ${redact(r.stderr + r.stdout)}`).toBe(0);
      expect(output(p, r), p.name).toMatch(/^(HASH )?[0-9a-f]{64}$/);
      before.set(p.name, output(p, r));
    }
  }, 300_000);

  it('--apply: each program prints the same from a fresh clone; values left in the tree are listed as manual; a second run changes nothing', async () => {
    const m = await runAsync(process.execPath, [BIN, 'migrate', '.', '--app', 'shop', '--env', 'prod', '--apply', '--yes'], { cwd: orig, env: awsEnv() });
    expect(m.code, redact(m.stderr)).toBe(0);
    for (const [k, v] of VALUES) expect(m.stdout + m.stderr, `value ${k} printed`).not.toContain(v);
    const report = JSON.parse(readFileSync(join(orig, 'secret-sweep-migration.json'), 'utf8')) as Report;
    git(orig, 'add', '-A');
    git(orig, 'commit', '-qm', 'migrate secrets to Secrets Manager');
    clone = bed.tempDir('ss-r5-clone-');
    execFileSync('git', ['clone', '-q', '--no-local', orig, clone], { stdio: 'pipe' });

    const failures = (await fourAtATime(programs, async (p) => {
      let r: AsyncRunResult;
      try {
        r = await run(clone, p, orig);
      } catch (e) {
        return `${p.name}: ${redact((e as Error).message)}`; // building or installing it failed
      }
      if (r.code === 0 && output(p, r) === before.get(p.name)) return undefined;
      const last = r.stderr.trim().split('\n').filter((l) => l.trim()).slice(-2).join(' | ');
      return `${p.name}: exit ${r.code}, ${output(p, r) === before.get(p.name) ? 'same' : 'different'} output; ${redact(last).split(clone).join('')}`;
    })).filter((x) => x !== undefined);
    expect(failures).toEqual([]);
    // The projects share one pip target: each one's own wheel ships the top-level helper it imports.
    for (const d of ['scripttool', 'pkgscripts', 'pyscripts', 'flatcli']) {
      const target = await installedAt(clone, d);
      const record = readFileSync(join(target, `${d}-1.0.0.dist-info`, 'RECORD'), 'utf8');
      expect(record.split('\n').some((l) => l.startsWith('secret_sweep_secrets.py,')), `${d} installs the helper`).toBe(true);
    }

    // A value still in the tree is in a file the report lists as manual.
    const files = round5Files(V);
    const manualFiles = new Set(report.manual.map((x) => x.file));
    const left: string[] = [];
    for (const f of workTreeFiles(clone).filter((x) => !x.startsWith('.secret-sweep/'))) {
      const text = readFileSync(join(clone, f), 'latin1') + readFileSync(join(clone, f), 'utf8');
      for (const [k, v] of VALUES) if (text.includes(v)) left.push(`${k} in ${f}${manualFiles.has(f) ? ' (manual)' : ''}`);
    }
    expect(left.filter((x) => !x.endsWith('(manual)'))).toEqual([]);
    expect(left).toEqual(EXPECTED_MANUAL);
    expect(report.manual.find((x) => x.file === 'style/latin.py')?.reason).toMatch(/not UTF-8/);
    expect(readFileSync(join(clone, 'style/latin.py')).equals(files['style/latin.py'] as Buffer)).toBe(true);
    // Every rewritten Python file compiles.
    const pys = workTreeFiles(clone).filter((f) => /\.py$/.test(f) || /^(scripttool|pkgscripts|pyscripts)\/bin\//.test(f));
    const pyc = bed.tempDir('ss-r5-pyc-');
    expectCompiles(PYTHON, clone, pys, pyc);

    // Second run, from the clone: nothing written, nothing stored again.
    await expectSecondMigrateIdle(clone, awsEnv(), bed.server(), redact);
  }, 900_000);
});

/** Values the migration leaves, each in a file the report lists as manual: a file that is not UTF-8 is left byte for byte. */
const EXPECTED_MANUAL = ['latin1Token in style/latin.py (manual)'];
