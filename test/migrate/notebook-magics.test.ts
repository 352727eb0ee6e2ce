/**
 * Notebooks whose code cells hold IPython lines (`%matplotlib inline`, `!pip install …`, `%env X=…`):
 * the Python around them is still migrated (they are not Python, but they do not make the cell
 * unreadable), a value on a `%env` line is left for a human with a reason that says so, and the notebook,
 * its cells run in order the way IPython runs them, prints what it printed before, from a fresh clone.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { githubToken, ALNUM, randomString } from '../support/fake-secrets.js';
import { migrateTestBed } from '../support/migrate-bed.js';
import { TEST_AWS_ENV } from '../support/cli.js';
import { migrateAndRun, PYTHON, type PyProgram } from '../support/python-repo-check.js';

const bed = migrateTestBed();
const haveBoto3 = spawnSync(PYTHON, ['-c', 'import boto3'], { encoding: 'utf8' }).status === 0;
if (!haveBoto3) console.warn(`notebook-magics: skipped: ${PYTHON} cannot import boto3 (apt-get install -y python3-boto3)`);

const token = githubToken(941);
const envPw = randomString(ALNUM, 20, 942) + 'Mg';

/** Runs the code cells in order as IPython would: `%env X=V` sets X, other magics and `!` lines are skipped. */
const RUN_CELLS = `import json, os, sys
nb = json.load(open(sys.argv[1], encoding="utf-8"))
g = {"__name__": "__main__"}
for c in nb["cells"]:
    if c["cell_type"] != "code":
        continue
    lines = []
    for line in "".join(c["source"]).splitlines(True):
        s = line.strip()
        if s.startswith("%env "):
            k, v = s[5:].split("=", 1)
            os.environ[k.strip()] = v.strip()
        elif s.startswith(("%", "!")):
            continue
        else:
            lines.append(line)
    exec(compile("".join(lines), "cell", "exec"), g)
`;

const notebook = {
  cells: [
    { cell_type: 'code', execution_count: 1, metadata: {}, outputs: [], source: ['%matplotlib inline\n', '!echo warming up\n', 'import hashlib, os\n', 'def h(x): return hashlib.sha256(str(x).encode()).hexdigest()[:16]\n', `TOKEN = "${token}"\n`] },
    { cell_type: 'code', execution_count: 2, metadata: {}, outputs: [], source: [`%env DB_PASSWORD=${envPw}\n`] },
    { cell_type: 'code', execution_count: 3, metadata: {}, outputs: [], source: ['print("nb", h(TOKEN), h(os.environ["DB_PASSWORD"]))'] },
  ],
  metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' } },
  nbformat: 4,
  nbformat_minor: 5,
};

const PROGRAMS: PyProgram[] = [{ name: 'notebook with IPython lines', cwd: 'analysis', args: ['../tools/run_cells.py', 'magic.ipynb'] }];

describe.skipIf(!haveBoto3)('notebooks with IPython lines', () => {
  it('migrates the Python around them, leaves a %env value manual, and runs as before', async () => {
    const aws = { ...TEST_AWS_ENV, AWS_ENDPOINT_URL: bed.server().endpoint };
    const files = { 'analysis/magic.ipynb': JSON.stringify(notebook, null, 1) + '\n', 'tools/run_cells.py': RUN_CELLS };
    const r = await migrateAndRun({ tempDir: bed.tempDir, files, programs: PROGRAMS, aws, app: 'lab' });
    expect(r.migrate.code, r.migrate.stderr).toBe(0);
    const [o] = r.outcomes;
    expect(o!.before.code, o!.before.stderr).toBe(0);
    expect({ code: o!.after.code, stdout: o!.after.stdout, err: o!.after.stderr.trim().split('\n').pop() }).toEqual({ code: 0, stdout: o!.before.stdout, err: '' });
    const after = readFileSync(join(r.clone, 'analysis/magic.ipynb'), 'utf8');
    expect(after).not.toContain(token);
    expect(after).toContain('%matplotlib inline');
    const report = JSON.parse(readFileSync(join(r.dir, 'secret-sweep-migration.json'), 'utf8')) as { manual: Array<{ file: string; reason: string; suggestion?: string }> };
    expect(report.manual).toHaveLength(1);
    expect(report.manual[0]!.reason).toMatch(/IPython magic or shell line/);
    expect(report.manual[0]!.suggestion).toMatch(/os\.environ\["NAME"\] = get_secret\("prod\/lab\//);
  }, 120_000);
});
