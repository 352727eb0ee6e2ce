/**
 * A legacy Python data-team repository migrated with `--apply` against a real AWS emulator (moto's
 * server, test/support/moto.ts), then run from a fresh clone with only a deployment's environment:
 * a `src/`-layout package run as `python -m etl.jobs.load` (relative and absolute imports, a settings
 * module imported as `from etl.settings import …` and `import etl.settings as s`, a module-level
 * `engine = create_engine(URL)`, an f-string URL, a secret as a default argument, a boto3 key pair, a
 * libpq key=value DSN, `os.getenv` with a default); a Django settings.py (SECRET_KEY, DATABASES); an
 * Airflow-style DAG; a notebook whose cells are executed in order; a `.env` loaded with python-dotenv;
 * and config files whose readers never expand `${VAR}` (configparser .ini, yaml.safe_load, json.load,
 * tomllib), which must stay manual. Each program prints hashes of the values it used: byte-exact.
 * Also: the dry run changes nothing, `--apply` refuses a dirty tree, a second run from a fresh clone
 * writes nothing and changes no file, the report lists what moved where with a rotate line each, and
 * the scrub step leaves no value in any blob of any ref.
 *
 * In CI (CI=true) missing Python packages fail this file (.ci/run installs them). A missing emulator skips it
 * with the reason everywhere: moto comes with the machine image's Python, not from a package .ci/run can
 * install (Debian has none), and .ci/run says so on its own line; the same flows run against
 * test/support/sm-server.ts in the other migrate tests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { runCliAsync } from '../support/cli.js';
import { ALNUM, awsKeyId, awsSecretKey, githubToken, password, randomString, stripeKey } from '../support/fake-secrets.js';
import { git, migrateTestBed } from '../support/migrate-bed.js';
import { emulatorAvailable, emulatorMissing, startEmulator, type Emulator } from '../support/moto.js';
import { expectRerunAndScrub, hashTree, storedSecrets } from '../support/moto-checks.js';
import { HASH_PY, PYTHON, runArgsFromReport, runProgram, writeFiles, type PyProgram } from '../support/python-repo-check.js';
import { workTreeFiles } from '../support/tree.js';

const havePython = spawnSync(PYTHON, ['-c', 'import boto3, dotenv, yaml'], { stdio: 'ignore' }).status === 0;
const why = !emulatorAvailable ? emulatorMissing : !havePython ? `${PYTHON} cannot import boto3, dotenv and yaml (apt-get install -y python3-boto3 python3-dotenv python3-yaml)` : '';
if (process.env.CI === 'true' && why && emulatorAvailable) {
  it('AWS emulator and Python for the migrate end-to-end test', () => {
    throw new Error(`${why} (in CI this test must not be skipped)`);
  });
}
if (why) console.warn(`test/migrate/moto-python-data-repo.test.ts skipped: ${why}`);

const bed = migrateTestBed();
const AWS = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1' };
// Each run its own app, as moto keeps its secrets while it runs (SWEEP_TEST_SM_ENDPOINT may be shared).
const APP = `dataco${process.pid}`;

const V = {
  dbPw: password(951) + 'q7',
  dsnPw: password(952) + 'Zk',
  keyId: awsKeyId(953),
  secretKey: awsSecretKey(954),
  gh: githubToken(955),
  ghDefault: githubToken(956),
  stripe: stripeKey(957),
  // configparser interpolates %: an .ini password has none.
  iniPw: randomString(ALNUM, 18, 958) + '3m',
  yamlPw: password(959) + '4n',
  jsonTok: githubToken(960),
  tomlPw: password(961) + '5p',
  envPw: password(962) + '6r',
  nbTok: githubToken(963),
  dagPw: randomString('ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789', 20, 964) + '9t',
  djKey: 'django-insecure-' + randomString('abcdefghijklmnopqrstuvwxyz0123456789!@#%^&*(-_=+)', 40, 965),
  djDb: password(966) + '2u',
};
const VALUES = Object.values(V);

const notebook = {
  cells: [
    { cell_type: 'markdown', metadata: {}, source: ['# Analysis'] },
    { cell_type: 'code', execution_count: 1, metadata: {}, outputs: [], source: ['import hashlib\n', 'def h(x): return hashlib.sha256(str(x).encode()).hexdigest()[:16]\n'] },
    { cell_type: 'code', execution_count: 2, metadata: {}, outputs: [], source: [`TOKEN = "${V.nbTok}"\n`, 'headers = {"Authorization": f"token {TOKEN}"}'] },
    { cell_type: 'code', execution_count: 3, metadata: {}, outputs: [{ name: 'stdout', output_type: 'stream', text: ['ok\n'] }], source: ['print("nb", h(TOKEN), h(headers))'] },
  ],
  metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' } },
  nbformat: 4,
  nbformat_minor: 5,
};

const FILES: Record<string, string> = {
  'pyproject.toml': '[project]\nname = "etl"\nversion = "0.1"\ndependencies = ["boto3", "python-dotenv", "PyYAML"]\n\n[tool.setuptools.packages.find]\nwhere = ["src"]\n',
  'src/etl/__init__.py': '',
  'src/etl/_h.py': HASH_PY,
  'src/etl/settings.py': `"""Settings for the ETL."""
import os

DB_HOST = os.environ.get("DB_HOST", "db.internal")
DB_PASSWORD = "${V.dbPw}"
WAREHOUSE_URL = f"postgresql+psycopg2://etl:{DB_PASSWORD}@{DB_HOST}:5432/warehouse"
AWS_ACCESS_KEY_ID = "${V.keyId}"
AWS_SECRET_ACCESS_KEY = "${V.secretKey}"
GITHUB_TOKEN = "${V.gh}"
STRIPE_KEY = os.getenv("STRIPE_KEY", "${V.stripe}")
`,
  'src/etl/db.py': `from etl.settings import DB_PASSWORD, WAREHOUSE_URL
import etl.settings as s
from ._h import h

def create_engine(url):
    return ("engine", url)

engine = create_engine(s.WAREHOUSE_URL)
DSN = "host=db.internal port=5432 dbname=warehouse user=etl password=${V.dsnPw} sslmode=require"

def connect(dsn=DSN):
    return dsn
`,
  'src/etl/jobs/__init__.py': '',
  'src/etl/jobs/load.py': `import boto3
from .. import settings
from ..db import engine, connect
from etl.settings import GITHUB_TOKEN, STRIPE_KEY
from etl._h import h

def fetch(token="${V.ghDefault}"):
    return token

def main():
    s3 = boto3.client("s3", aws_access_key_id=settings.AWS_ACCESS_KEY_ID, aws_secret_access_key=settings.AWS_SECRET_ACCESS_KEY, region_name="us-east-1")
    print("engine", h(engine[1]))
    print("dsn", h(connect()))
    print("gh", h(GITHUB_TOKEN), h(fetch()))
    print("aws", h(settings.AWS_ACCESS_KEY_ID), h(settings.AWS_SECRET_ACCESS_KEY), s3.meta.region_name)
    print("stripe", h(STRIPE_KEY))

if __name__ == "__main__":
    main()
`,
  'config/app.ini': `[database]\nhost = db.internal\nuser = etl\npassword = ${V.iniPw}\n`,
  'config/settings.yaml': `warehouse:\n  host: db.internal\n  user: loader\n  password: "${V.yamlPw}"\n`,
  'config/creds.json': JSON.stringify({ github: { token: V.jsonTok } }, null, 2) + '\n',
  'config/app.toml': `[db]\nuser = "etl"\npassword = "${V.tomlPw}"\n`,
  'scripts/read_configs.py': `${HASH_PY}import configparser, json, os, tomllib, yaml
here = os.path.dirname(os.path.abspath(__file__))
cfg = configparser.ConfigParser()
cfg.read(os.path.join(here, "..", "config", "app.ini"))
print("ini", h(cfg["database"]["password"]))
print("yaml", h(yaml.safe_load(open(os.path.join(here, "..", "config", "settings.yaml")))["warehouse"]["password"]))
print("json", h(json.load(open(os.path.join(here, "..", "config", "creds.json")))["github"]["token"]))
print("toml", h(tomllib.load(open(os.path.join(here, "..", "config", "app.toml"), "rb"))["db"]["password"]))
`,
  '.env': `DB_USER=etl\nDB_PASSWORD=${V.envPw}\n`,
  'scripts/with_dotenv.py': `${HASH_PY}import os\nfrom dotenv import load_dotenv\nload_dotenv()\nprint("dotenv", h(os.environ["DB_PASSWORD"]))\n`,
  'notebooks/analysis.ipynb': JSON.stringify(notebook, null, 1) + '\n',
  'tools/run_cells.py': `import json, sys
nb = json.load(open(sys.argv[1], encoding="utf-8"))
g = {"__name__": "__main__"}
for c in nb["cells"]:
    if c["cell_type"] == "code":
        exec(compile("".join(c["source"]), "cell", "exec"), g)
`,
  'dags/etl_dag.py': `${HASH_PY}from datetime import datetime, timedelta

default_args = {
    "owner": "data",
    "retries": 1,
    "retry_delay": timedelta(minutes=5),
    "conn_uri": "postgres://airflow:${V.dagPw}@warehouse.internal:5432/analytics",
}

class DAG:
    def __init__(self, dag_id, default_args, start_date):
        self.dag_id, self.default_args = dag_id, default_args

dag = DAG("etl", default_args=default_args, start_date=datetime(2024, 1, 1))
if __name__ == "__main__":
    print("dag", h(dag.default_args["conn_uri"]))
`,
  'web/manage.py': `${HASH_PY}import importlib, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")
s = importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])
print("django", h(s.SECRET_KEY), h(s.DATABASES["default"]["PASSWORD"]))
`,
  'web/mysite/__init__.py': '',
  'web/mysite/settings.py': `from pathlib import Path
BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = '${V.djKey}'
DEBUG = False
DATABASES = {
    'default': {
        'ENGINE': 'django.db.backends.postgresql',
        'NAME': 'shop',
        'USER': 'shop',
        'PASSWORD': '${V.djDb}',
        'HOST': 'db.internal',
        'PORT': '5432',
    }
}
`,
};

const PROGRAMS: PyProgram[] = [
  { name: 'python -m etl.jobs.load (src layout)', args: ['-m', 'etl.jobs.load'], env: { PYTHONPATH: 'src' } },
  { name: 'configparser / yaml / json / tomllib readers', args: ['scripts/read_configs.py'] },
  { name: '.env with python-dotenv', args: ['scripts/with_dotenv.py'], startFor: '.env' },
  { name: 'notebook cells in order, from the root', args: ['tools/run_cells.py', 'notebooks/analysis.ipynb'] },
  { name: 'notebook cells in order, in its folder', cwd: 'notebooks', args: ['../tools/run_cells.py', 'analysis.ipynb'] },
  { name: 'Airflow-style DAG', args: ['dags/etl_dag.py'] },
  { name: 'Django settings', cwd: 'web', args: ['manage.py'] },
];

let emu: Emulator | undefined;
let sm: SecretsManagerClient;

const run = (root: string, p: PyProgram, runArgs?: string[]) => runProgram(root, p, { ...AWS, AWS_ENDPOINT_URL: emu!.endpoint }, runArgs);
const migrate = (dir: string, ...extra: string[]) =>
  runCliAsync(['migrate', '.', '--app', APP, '--env', 'prod', ...extra], { cwd: dir, env: { ...AWS, AWS_ENDPOINT_URL: emu!.endpoint } });

const stored = () => storedSecrets(sm, `prod/${APP}/`);

describe.skipIf(Boolean(why))('a legacy Python data-team repository, migrated against moto', () => {
  beforeAll(async () => {
    emu = await startEmulator();
    sm = new SecretsManagerClient({ endpoint: emu.endpoint, region: AWS.AWS_REGION, credentials: { accessKeyId: AWS.AWS_ACCESS_KEY_ID, secretAccessKey: AWS.AWS_SECRET_ACCESS_KEY } });
  }, 60_000);
  afterAll(async () => {
    sm?.destroy();
    await emu?.stop();
  });

  it('runs from a fresh clone with the same values; dry run, dirty tree, re-run, report and scrub hold', async () => {
    const dir = bed.tempDir('ss-moto-repo-');
    writeFiles(dir, FILES);
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'legacy');
    const before = await Promise.all(PROGRAMS.map((p) => run(dir, p)));
    for (const [i, b] of before.entries()) expect(b.code, `${PROGRAMS[i]!.name}: ${b.stderr}`).toBe(0);

    // Dry run: nothing anywhere.
    const tree0 = hashTree(dir);
    const dry = await migrate(dir);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toContain('dry run, nothing was written');
    expect(hashTree(dir)).toEqual(tree0);
    expect(await stored()).toEqual(new Map());

    // A dirty tree is refused before anything is written.
    writeFileSync(join(dir, 'scratch.py'), 'x = 1\n');
    const dirty = await migrate(dir, '--apply', '--yes');
    expect(dirty.code).toBe(2);
    expect(dirty.stderr).toMatch(/uncommitted|dirty|not clean/i);
    expect(await stored()).toEqual(new Map());
    execFileSync('rm', [join(dir, 'scratch.py')]);

    const applied = await migrate(dir, '--apply', '--yes');
    expect(applied.code, applied.stderr).toBe(0);
    const versions = await stored();
    expect(versions.size).toBeGreaterThanOrEqual(12);
    for (const v of VALUES) expect(applied.stdout + applied.stderr).not.toContain(v);

    // The report: what moved where, a rotate line for each value, the readers that never expand ${VAR} manual.
    const report = JSON.parse(readFileSync(join(dir, 'secret-sweep-migration.json'), 'utf8')) as {
      secrets: Array<{ name: string; values: Array<{ locations: Array<{ where: string }>; rotate: string }> }>;
      manual: Array<{ file: string; reason: string }>;
      replacementsFile: string;
    };
    expect(report.secrets.map((s) => s.name).sort()).toEqual([...versions.keys()].sort());
    for (const s of report.secrets) for (const v of s.values) {
      expect(v.locations.length, s.name).toBeGreaterThan(0);
      expect(v.rotate.length, s.name).toBeGreaterThan(20);
    }
    expect(report.manual.map((m) => m.file).sort()).toEqual(['config/app.ini', 'config/app.toml', 'config/creds.json', 'config/settings.yaml']);
    const md = readFileSync(join(dir, 'secret-sweep-migration.md'), 'utf8');
    for (const v of VALUES) expect(md).not.toContain(v);
    expect(md).toContain('**Do the manual edits first.**');

    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'secrets to Secrets Manager');
    const clone = bed.tempDir('ss-moto-clone-');
    execFileSync('git', ['clone', '-q', dir, clone], { stdio: 'pipe' });
    for (const [i, p] of PROGRAMS.entries()) {
      const after = await run(clone, p, p.startFor ? runArgsFromReport(dir, p.startFor) : undefined);
      expect({ name: p.name, code: after.code, stdout: after.stdout, err: after.stderr.trim().split('\n').pop() })
        .toEqual({ name: p.name, code: 0, stdout: before[i]!.stdout, err: before[i]!.stderr.trim().split('\n').pop() });
    }
    // What moved is no longer in the code: only the manual config values are.
    const tracked = workTreeFiles(clone).map((f) => readFileSync(join(clone, f), 'utf8')).join('\n');
    expect(VALUES.filter((v) => tracked.includes(v)).sort()).toEqual([V.iniPw, V.yamlPw, V.jsonTok, V.tomlPw].sort());

    // A second run from a fresh clone writes nothing and changes no file; the report's scrub step, on a
    // fresh clone, leaves no value in any blob of any ref.
    await expectRerunAndScrub({
      clone, repo: dir, migrateAgain: () => migrate(clone, '--apply', '--yes'), stored, versions,
      replacementsFile: report.replacementsFile, values: VALUES, scratch: () => bed.tempDir('ss-moto-scrub-'), label: 'moto-python-data-repo',
    });
  }, 300_000);
});
