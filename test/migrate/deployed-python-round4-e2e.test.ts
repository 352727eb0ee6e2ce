/**
 * Red team of `migrate`, round 4, on Python legacy programs (test/support/python-round4-repo.ts): each is
 * run as deployed before the migration, then `migrate --apply` against the local Secrets Manager
 * (test/support/sm-server.ts), commit, fresh `git clone`, and run again the same way — pip-installed
 * into a target folder and started by its console script from `/`, a zipapp built from the clone, a
 * Lambda handler imported (also from a zip) by a runner in another folder, a notebook executed by
 * nbclient, a `.env` program under `secret-sweep run` as the report says. Each must print what it
 * printed before; files whose readers never expand `${VAR}` (configparser, yaml.safe_load, json.load,
 * tomllib) keep their values byte for byte and are listed as manual; no `${…}`/`sm://` text reaches a
 * literal reader; a second migrate from the clone changes nothing; every rewritten .py compiles.
 *
 * Needs Debian's /usr/bin/python3 with python3-boto3 (else skipped); python3-yaml, python3-dotenv,
 * python3-pip + python3-setuptools, python3-hatchling, python3-nbclient + python3-ipykernel (the notebook runs through
 * nbclient when present, else its cells are exec()'d in order) and python3-django (else the settings
 * module is imported by name, as Django does) — a program whose module is missing is left out, with a warning.
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
import { round4Files, round4Values, type Round4Values } from '../support/python-round4-repo.js';

const PYTHON = '/usr/bin/python3';
const canImport = (mods: string) => spawnSync(PYTHON, ['-c', `import ${mods}`], { encoding: 'utf8', cwd: '/' }).status === 0;
const havePython = canImport('boto3');
if (!havePython) console.warn(`deployed-python-round4-e2e: skipped: ${PYTHON} cannot import boto3 (apt-get install -y python3-boto3)`);
const haveNbclient = canImport('nbclient, nbformat, ipykernel');
if (!haveNbclient) console.warn('deployed-python-round4-e2e: the notebook runs by exec() of its cells: no nbclient (apt-get install -y python3-nbclient python3-ipykernel)');

const V = round4Values(44);
const VALUES = Object.entries(V) as Array<[keyof Round4Values, string]>;
const redact = (s: string) => VALUES.reduce((t, [k, v]) => t.split(v).join(`<${k}>`), s);

const bed = migrateTestBed();
const awsEnv = () => ({ ...TEST_AWS_ENV, AWS_DEFAULT_REGION: TEST_AWS_ENV.AWS_REGION, AWS_ENDPOINT_URL: bed.server().endpoint, PYTHONDONTWRITEBYTECODE: '1' });

interface Started { cmd: string; args: string[]; cwd: string; env?: Record<string, string>; viaRun?: string }
interface Program {
  name: string;
  /** Python modules it needs (left out, with a warning, when missing). */
  needs?: string;
  /** How it is started from checkout `root` (may build or install from it first). */
  start: (root: string) => Started;
}

/** `pip install --target` of `dir` (copied first: setuptools builds in the source folder); the target. */
function pipInstall(root: string, dir: string): string {
  const src = bed.tempDir('ss-r4-pip-src-');
  cpSync(join(root, dir), src, { recursive: true });
  const target = bed.tempDir('ss-r4-pip-');
  execFileSync(PYTHON, ['-m', 'pip', 'install', '-q', '--no-deps', '--no-build-isolation', '--no-index', '--target', target, src], { stdio: 'pipe', cwd: '/' });
  return target;
}
const installed = (root: string, dir: string, script: string): Started => {
  const target = pipInstall(root, dir);
  return { cmd: join(target, 'bin', script), args: [], cwd: '/', env: { PYTHONPATH: target } };
};
const zipOf = (root: string, dir: string, suffix: string, main = false): string => {
  const out = join(bed.tempDir('ss-r4-zip-'), `bundle${suffix}`);
  const script = main
    ? 'import sys, zipapp; zipapp.create_archive(sys.argv[1], sys.argv[2])'
    : 'import os, sys, zipfile\nwith zipfile.ZipFile(sys.argv[2], "w") as z:\n    for d, _, fs in os.walk(sys.argv[1]):\n        for f in fs:\n            p = os.path.join(d, f)\n            z.write(p, os.path.relpath(p, sys.argv[1]))';
  execFileSync(PYTHON, ['-c', script, join(root, dir), out], { stdio: 'pipe' });
  return out;
};
const LAMBDA_RUNNER = 'import importlib, sys\nsys.path.insert(0, sys.argv[1])\nm = importlib.import_module("app.handler")\nprint(m.lambda_handler({}, None)["body"])';
const NB_RUNNER = haveNbclient
  ? 'import sys, os, nbformat, nbclient\nnb = nbformat.read(sys.argv[1], 4)\nnbclient.NotebookClient(nb, kernel_name="python3", resources={"metadata": {"path": os.path.dirname(sys.argv[1])}}).execute()\nfor c in nb.cells:\n    for o in c.get("outputs", []):\n        if o.get("name") == "stdout": print(o["text"], end="")'
  : 'import json, sys\nnb = json.load(open(sys.argv[1]))\ng = {"__name__": "__main__"}\nfor c in nb["cells"]:\n    if c["cell_type"] == "code": exec("".join(c["source"]), g)';

const PROGRAMS: Program[] = [
  { name: 'src layout (package-dir), pip-installed, console script from /', needs: 'setuptools, pip', start: (r) => installed(r, 'srcapp', 'acme') },
  { name: 'setup.py py_modules, pip-installed, console script from /', needs: 'setuptools, pip', start: (r) => installed(r, 'legacytool', 'legacytool') },
  { name: 'setup.cfg py_modules, pip-installed, console script from /', needs: 'setuptools, pip', start: (r) => installed(r, 'cfgtool', 'cfgtool') },
  { name: 'hatchling single module, pip-installed, console script from /', needs: 'setuptools, pip, hatchling', start: (r) => installed(r, 'hatchtool', 'hatchtool') },
  { name: 'Django settings via DJANGO_SETTINGS_MODULE, by path from /', start: (r) => ({ cmd: PYTHON, args: [join(r, 'djsite/show.py')], cwd: '/' }) },
  { name: 'importlib.import_module("core.payments") from its folder', start: (r) => ({ cmd: PYTHON, args: ['load.py', 'core.payments'], cwd: join(r, 'plugins') }) },
  { name: 'configparser INI (raw `%`, `%(x)s` interpolation)', start: (r) => ({ cmd: PYTHON, args: [join(r, 'inicfg/read.py')], cwd: '/' }) },
  { name: 'yaml.safe_load of a config file', needs: 'yaml', start: (r) => ({ cmd: PYTHON, args: [join(r, 'yamlcfg/read.py')], cwd: '/' }) },
  { name: 'json.load of a config file', start: (r) => ({ cmd: PYTHON, args: [join(r, 'jsoncfg/read.py')], cwd: '/' }) },
  { name: 'tomllib.load of a config file', start: (r) => ({ cmd: PYTHON, args: [join(r, 'tomlcfg/read.py')], cwd: '/' }) },
  { name: 'multiprocessing spawn + ThreadPoolExecutor', start: (r) => ({ cmd: PYTHON, args: [join(r, 'workers/pool.py')], cwd: '/' }) },
  { name: 'Lambda handler imported by a runner elsewhere', start: (r) => ({ cmd: PYTHON, args: ['-c', LAMBDA_RUNNER, join(r, 'lambda_fn')], cwd: '/' }) },
  { name: 'Lambda handler imported from its deployment zip', start: (r) => ({ cmd: PYTHON, args: ['-c', LAMBDA_RUNNER, zipOf(r, 'lambda_fn', '.zip')], cwd: '/' }) },
  { name: 'DSNs: f-string, %, .format of quote_plus(password with @:/%#\'")', start: (r) => ({ cmd: PYTHON, args: [join(r, 'dsn/db.py')], cwd: '/' }) },
  { name: 'notebook executed top to bottom', start: (r) => ({ cmd: PYTHON, args: ['-c', NB_RUNNER, join(r, 'nb/analysis.ipynb')], cwd: haveNbclient ? '/' : r }) },
  { name: 'one value: the module', start: (r) => ({ cmd: PYTHON, args: [join(r, 'shared/app.py')], cwd: '/' }) },
  { name: 'one value: the module, python -I (its folder not on sys.path)', start: (r) => ({ cmd: PYTHON, args: ['-I', join(r, 'shared/app.py')], cwd: '/' }) },
  { name: 'one value: the notebook', start: (r) => ({ cmd: PYTHON, args: ['-c', NB_RUNNER, join(r, 'shared/explore.ipynb')], cwd: haveNbclient ? '/' : r }) },
  // `secret-sweep run` as the report says, from the repository's root (its --env-file is repository-relative).
  { name: 'one value: the .env (load_dotenv)', needs: 'dotenv', start: (r) => ({ cmd: PYTHON, args: [join(r, 'shared/env_app.py')], cwd: r, viaRun: 'shared/.env' }) },
  { name: 'settings exec()d by a program in another folder', start: (r) => ({ cmd: PYTHON, args: [join(r, 'bin/show_settings.py')], cwd: '/' }) },
  { name: 'zipapp built from the checkout', start: (r) => ({ cmd: PYTHON, args: [zipOf(r, 'zapp', '.pyz', true)], cwd: '/' }) },
  { name: 'script by path, importing a module of another folder', start: (r) => ({ cmd: PYTHON, args: [join(r, 'scripts/nightly/charge.py')], cwd: '/' }) },
];

/** Files whose readers take every value literally: they keep their text, and are listed as manual. */
const LITERAL_READERS = ['inicfg/app.ini', 'yamlcfg/config.yaml', 'jsoncfg/config.json', 'tomlcfg/config.toml'];

/** `reportDir`: after the migration, a program with `viaRun` starts as the report there says. */
function run(root: string, p: Program, reportDir?: string): Promise<AsyncRunResult> {
  const s = p.start(root);
  const env = { ...awsEnv(), ...s.env };
  const viaRunArgs = reportDir && s.viaRun ? runArgsFromReport(reportDir, s.viaRun) : undefined;
  return viaRunArgs
    ? runAsync(process.execPath, [BIN, 'run', ...viaRunArgs, '--', s.cmd, ...s.args], { cwd: s.cwd, env })
    : runAsync(s.cmd, s.args, { cwd: s.cwd, env });
}

interface Report { manual: Array<{ file: string; line: number; reason: string }> }

describe.skipIf(!havePython)('Python legacy programs (round 4), migrated, run from a fresh clone as deployed', () => {
  let orig: string;
  let clone: string;
  const programs: Program[] = [];
  const before = new Map<string, string>();

  beforeAll(async () => {
    orig = bed.tempDir('ss-r4-');
    commitNewRepo(orig, round4Files(V));
    for (const p of PROGRAMS) {
      if (p.needs && !canImport(p.needs)) {
        console.warn(`deployed-python-round4-e2e: "${p.name}" is left out: ${PYTHON} cannot import ${p.needs}`);
        continue;
      }
      const r = await run(orig, p);
      expect(r.code, `${p.name} (before): ${redact(r.stderr)}`).toBe(0);
      before.set(p.name, r.stdout.trim());
      programs.push(p);
    }
  }, 300_000);

  it('--apply: each program prints the same from a fresh clone; literal readers keep their values (manual); a second run changes nothing', async () => {
    const m = await runAsync(process.execPath, [BIN, 'migrate', '.', '--app', 'shop', '--env', 'prod', '--apply', '--yes'], { cwd: orig, env: awsEnv() });
    expect(m.code, redact(m.stderr)).toBe(0);
    for (const [k, v] of VALUES) expect(m.stdout + m.stderr, `value ${k} printed`).not.toContain(v);
    const report = JSON.parse(readFileSync(join(orig, 'secret-sweep-migration.json'), 'utf8')) as Report;
    git(orig, 'add', '-A');
    git(orig, 'commit', '-qm', 'migrate secrets to Secrets Manager');
    clone = bed.tempDir('ss-r4-clone-');
    execFileSync('git', ['clone', '-q', '--no-local', orig, clone], { stdio: 'pipe' });

    const failures: string[] = [];
    for (const p of programs) {
      const r = await run(clone, p, orig);
      if (r.code !== 0 || r.stdout.trim() !== before.get(p.name)) {
        const lines = r.stderr.trim().split('\n').filter((l) => l.trim());
        const last = lines.slice(-2).join(' | ');
        failures.push(`${p.name}: exit ${r.code}, ${r.stdout.trim() === before.get(p.name) ? 'same' : 'different'} output; ${redact(last).split(clone).join('')}`);
      }
    }
    expect(failures).toEqual([]);

    // Literal readers: the file is as it was, and the report names it.
    const files = round4Files(V);
    const manualFiles = new Set(report.manual.map((x) => x.file));
    for (const f of LITERAL_READERS) {
      expect(readFileSync(join(clone, f), 'utf8'), f).toBe(files[f]);
      expect(manualFiles.has(f), `${f} listed as manual`).toBe(true);
    }
    // No reference text a literal reader would take as the value, anywhere in the data files.
    for (const f of workTreeFiles(clone).filter((x) => /\.(ini|cfg|ya?ml|json|toml)$/.test(x) && !x.startsWith('.secret-sweep/') && x !== 'secret-sweep-migration.json')) {
      expect(readFileSync(join(clone, f), 'utf8'), f).not.toMatch(/\$\{[A-Z_]+\}|sm:\/\//);
    }
    // Every rewritten Python file compiles.
    const py = workTreeFiles(clone).filter((f) => /\.py$/.test(f));
    const pyc = bed.tempDir('ss-r4-pyc-');
    expectCompiles(PYTHON, clone, py, pyc);
    // One value in a module, a notebook and a .env: one secret.
    const stored = [...bed.server().state.values()].filter((s) => [...s.versions.values()].some((x) => x.string?.includes(V.sharedToken)));
    expect(stored.length).toBe(1);
    for (const f of ['shared/app.py', 'shared/explore.ipynb', 'shared/.env']) expect(readFileSync(join(clone, f), 'utf8'), f).not.toContain(V.sharedToken);

    // Second run, from the clone: nothing written, nothing stored again.
    await expectSecondMigrateIdle(clone, awsEnv(), bed.server(), redact);
  }, 900_000);
});
