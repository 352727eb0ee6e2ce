/**
 * The generated helper import resolves however a migrated Python file is loaded, not only as a package
 * module or a script: a config file run by path from another folder (Flask's `config.from_pyfile`,
 * `importlib.util.spec_from_file_location`, `runpy.run_path`), where neither the package-relative nor the
 * absolute import finds the helper; and a notebook whose cells are executed from the repository root or
 * another folder (papermill, a script), where the kernel's working folder is not the notebook's.
 * Each program runs from a fresh clone of the migrated repository and must print what it printed before.
 */
import { describe, expect, it } from 'vitest';
import { githubToken, password } from '../support/fake-secrets.js';
import { migrateTestBed } from '../support/migrate-bed.js';
import { TEST_AWS_ENV } from '../support/cli.js';
import { HASH_PY, migrateAndRun, PYTHON, type PyProgram } from '../support/python-repo-check.js';
import { spawnSync } from 'node:child_process';

const bed = migrateTestBed();
const haveBoto3 = spawnSync(PYTHON, ['-c', 'import boto3'], { encoding: 'utf8' }).status === 0;
if (!haveBoto3) console.warn(`python-import-forms: skipped: ${PYTHON} cannot import boto3 (apt-get install -y python3-boto3)`);

const flaskPw = password(911) + 'Fq';
const confToken = githubToken(912);
const nightlyToken = githubToken(913);
const nbToken = githubToken(914);

const RUN_CELLS = `import json, sys
nb = json.load(open(sys.argv[1], encoding="utf-8"))
g = {"__name__": "__main__"}
for c in nb["cells"]:
    if c["cell_type"] == "code":
        exec(compile("".join(c["source"]), "cell", "exec"), g)
`;

const notebook = {
  cells: [
    { cell_type: 'markdown', metadata: {}, source: ['# Weekly numbers'] },
    { cell_type: 'code', execution_count: 1, metadata: {}, outputs: [], source: ['import hashlib\n', 'def h(x): return hashlib.sha256(str(x).encode()).hexdigest()[:16]\n'] },
    { cell_type: 'code', execution_count: 2, metadata: {}, outputs: [], source: [`TOKEN = "${nbToken}"\n`, 'headers = {"Authorization": f"token {TOKEN}"}\n', 'print("nb", h(TOKEN), h(headers))'] },
  ],
  metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' } },
  nbformat: 4,
  nbformat_minor: 5,
};

const FILES: Record<string, string> = {
  // Flask's from_pyfile: a module object, __file__ set, the file's code exec'd; instance/ is on no path.
  'instance/config.py': `SQLALCHEMY_DATABASE_URI = "postgresql://app:${flaskPw}@db.internal:5432/app"\n`,
  'web/app.py': `${HASH_PY}import os, types

def from_pyfile(filename):
    d = types.ModuleType("config")
    d.__file__ = filename
    with open(filename, "rb") as f:
        exec(compile(f.read(), filename, "exec"), d.__dict__)
    return d

config = from_pyfile(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "instance", "config.py"))
print("flask", h(config.SQLALCHEMY_DATABASE_URI))
`,
  'conf/site_conf.py': `API_TOKEN = "${confToken}"\n`,
  'web/load_conf.py': `${HASH_PY}import importlib.util, os
spec = importlib.util.spec_from_file_location("site_conf", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "conf", "site_conf.py"))
conf = importlib.util.module_from_spec(spec)
spec.loader.exec_module(conf)
print("spec", h(conf.API_TOKEN))
`,
  'jobs/nightly.py': `${HASH_PY}TOKEN = "${nightlyToken}"\nprint("runpy", h(TOKEN))\n`,
  'web/runner.py': 'import runpy\nrunpy.run_path("jobs/nightly.py", run_name="__main__")\n',
  'notebooks/reports/weekly.ipynb': JSON.stringify(notebook, null, 1) + '\n',
  'tools/run_cells.py': RUN_CELLS,
};

const PROGRAMS: PyProgram[] = [
  { name: 'Flask from_pyfile', args: ['web/app.py'] },
  { name: 'spec_from_file_location', args: ['web/load_conf.py'] },
  { name: 'runpy.run_path', args: ['web/runner.py'] },
  { name: 'notebook cells run from the repository root', args: ['tools/run_cells.py', 'notebooks/reports/weekly.ipynb'] },
  { name: 'notebook cells run from a parent folder', cwd: 'notebooks', args: ['../tools/run_cells.py', 'reports/weekly.ipynb'] },
  { name: 'notebook cells run in its own folder', cwd: 'notebooks/reports', args: ['../../tools/run_cells.py', 'weekly.ipynb'] },
];

describe.skipIf(!haveBoto3)('the helper import, however a migrated Python file is loaded', () => {
  it('every program prints what it printed before, from a fresh clone', async () => {
    const aws = { ...TEST_AWS_ENV, AWS_ENDPOINT_URL: bed.server().endpoint };
    const r = await migrateAndRun({ tempDir: bed.tempDir, files: FILES, programs: PROGRAMS, aws, app: 'web' });
    expect(r.migrate.code, r.migrate.stderr).toBe(0);
    // Every value moved: nothing is left for a human here.
    expect(r.migrate.stdout + r.migrate.stderr).not.toMatch(/left for you/);
    for (const o of r.outcomes) {
      expect(o.before.code, `${o.name} (before): ${o.before.stderr}`).toBe(0);
      expect(o.before.stdout, o.name).toMatch(/[0-9a-f]{16}/);
      expect({ name: o.name, code: o.after.code, stdout: o.after.stdout, err: o.after.stderr.trim().split('\n').pop() })
        .toEqual({ name: o.name, code: 0, stdout: o.before.stdout, err: o.before.stderr.trim().split('\n').pop() });
    }
  }, 120_000);
});
