/**
 * `.env` files that Python code reads itself. In a `.py` file the migrated code resolves the references it
 * reads: `dotenv_values(…)` is wrapped in `get_secret.resolve_environ(…)`, and `load_dotenv(…)` (with or
 * without override) is followed by `get_secret.resolve_environ()`, so those files move and the programs run
 * plainly. A file parsed by hand with `open()` and a `.env` that a notebook reads with `dotenv_values()`
 * keep their values (manual, naming the reader), and the programs keep working.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALNUM, githubToken, password, randomString } from '../support/fake-secrets.js';
import { migrateTestBed } from '../support/migrate-bed.js';
import { runAsync, runCliAsync, TEST_AWS_ENV } from '../support/cli.js';
import { HASH_PY, migrateAndRun, PYTHON, type PyProgram } from '../support/python-repo-check.js';

const bed = migrateTestBed();
const haveDeps = spawnSync(PYTHON, ['-c', 'import boto3, dotenv, pydantic, decouple, environ'], { encoding: 'utf8' }).status === 0;
if (!haveDeps) console.warn(`python-dotenv-readers: skipped: ${PYTHON} cannot import boto3, dotenv, pydantic, decouple and environ (apt-get install -y python3-boto3 python3-dotenv python3-pydantic python3-decouple python3-django-environ)`);
/** pydantic 2's settings live in pydantic-settings, which Debian does not package: the machine image's pyenv Python has it. */
const PY_SETTINGS = ['/root/.pyenv/shims/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import boto3, dotenv, pydantic_settings'], { stdio: 'ignore' }).status === 0);
if (!PY_SETTINGS) console.warn('python-dotenv-readers: the pydantic-settings program is left out: no python3 imports boto3, dotenv and pydantic_settings');
/** Dynaconf: Debian's python3-dynaconf (.ci/run installs it). */
const haveDynaconf = spawnSync(PYTHON, ['-c', 'import dynaconf'], { stdio: 'ignore' }).status === 0;
if (!haveDynaconf) console.warn('python-dotenv-readers: the Dynaconf program is left out: apt-get install -y python3-dynaconf');
if (process.env.CI === 'true' && haveDeps && !haveDynaconf) {
  it('Dynaconf for the settings_files program', () => {
    throw new Error(`${PYTHON} cannot import dynaconf (in CI this program must not be left out)`);
  });
}
if (process.env.CI === 'true' && haveDeps && !PY_SETTINGS) {
  it('a Python with pydantic-settings for the BaseSettings env_file program', () => {
    throw new Error('no python3 imports boto3, dotenv and pydantic_settings (in CI this program must not be left out)');
  });
}

const pw = (seed: number) => password(seed) + 'Dv';

const FILES: Record<string, string> = {
  '.env.override': `DB_PASSWORD=${pw(921)}\n`,
  'app/override.py': `${HASH_PY}import os\nfrom dotenv import load_dotenv\nload_dotenv(".env.override", override=True)\nprint("override", h(os.environ["DB_PASSWORD"]))\n`,
  'config/.env.values': `WAREHOUSE_PASSWORD=${pw(922)}\n`,
  'app/values.py': `${HASH_PY}from dotenv import dotenv_values\ncfg = dotenv_values("config/.env.values")\nprint("values", h(cfg["WAREHOUSE_PASSWORD"]))\n`,
  'deploy/service.env': `API_USER=svc\nAPI_PASSWORD=${pw(923)}\n`,
  'app/by_hand.py': `${HASH_PY}ENV_FILE = "deploy/service.env"
vals = {}
for line in open(ENV_FILE):
    line = line.strip()
    if line and not line.startswith("#"):
        k, v = line.split("=", 1)
        vals[k] = v
print("by hand", h(vals["API_PASSWORD"]))
`,
  // No path: the .env found from the notebook's folder upwards (here the root's).
  '.env': `REPORT_PASSWORD=${pw(924)}\n`,
  'notebooks/report.ipynb': JSON.stringify({
    cells: [{ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: ['from dotenv import dotenv_values\n', 'cfg = dotenv_values()\n'] }],
    metadata: {}, nbformat: 4, nbformat_minor: 5,
  }, null, 1) + '\n',
  'app/report.py': `${HASH_PY}from dotenv import dotenv_values, find_dotenv\nprint("report", h(dotenv_values(find_dotenv(usecwd=True))["REPORT_PASSWORD"]))\n`,
  // The environment wins over the file: rewritten, resolved by `secret-sweep run`.
  'svc/.env': `SVC_PASSWORD=${pw(925)}\n`,
  'svc/main.py': `${HASH_PY}import os\nfrom dotenv import load_dotenv\nload_dotenv(os.path.join(os.path.dirname(__file__), ".env"))\nprint("svc", h(os.environ["SVC_PASSWORD"]))\n`,  // Loaded inside a function, on the line of an `if`: the migrated code resolves the references after the load itself.
  'jobs/.env': `NIGHTLY_PASSWORD=${pw(926)}\n`,
  'jobs/nightly.py': `${HASH_PY}import os
from dotenv import load_dotenv

def main():
    if os.path.exists(ENV): load_dotenv(ENV)
    print("nightly", h(os.environ["NIGHTLY_PASSWORD"]))

ENV = os.path.join(os.path.dirname(__file__), ".env")
main()
`,
  // pydantic reads its env_file itself (python-settings-env.ts): pydantic 1's `class Config`, run in its folder.
  'api1/.env': `API1_DB_PASSWORD=${pw(927)}\nAPI1_DB_HOST=db.internal\n`,
  'api1/main.py': `${HASH_PY}from pydantic import BaseSettings

class Settings(BaseSettings):
    api1_db_password: str
    api1_db_host: str

    class Config:
        env_file = ".env"

print("api1", h(Settings().api1_db_password), Settings().api1_db_host)
`,
  // pydantic-settings (2): model_config, a nested model from DB__PASSWORD, `python -m app` in its folder.
  'api2/.env': `DB__HOST=db.internal\nDB__PASSWORD='${pw(928)}'\nAPI_TOKEN=${githubToken(929)}\n`,
  'api2/app/__init__.py': '',
  'api2/app/config.py': `from pydantic import BaseModel
from pydantic_settings import BaseSettings, SettingsConfigDict


class Db(BaseModel):
    host: str = "localhost"
    password: str


class Settings(BaseSettings):
    db: Db
    api_token: str

    model_config = SettingsConfigDict(
        env_file=".env", env_nested_delimiter="__", extra="ignore"
    )


settings = Settings()
`,
  'api2/app/__main__.py': `${HASH_PY}from .config import settings\nprint("api2", h(settings.db.password), h(settings.api_token), settings.db.host)\n`,
  // django-environ (Debian's 0.4.4): read_env(), then env.db() / email_url() / cache_url() parse URLs whose
  // schemes are its own (psql://, smtp+tls://, rediscache://). Some versions end an unquoted value at `#`:
  // the references are single-quoted.
  'dj/.env': `DATABASE_URL=psql://shop:${randomString(ALNUM, 20, 931)}Qk@db.internal:5432/shop\nEMAIL_URL=smtp+tls://alerts%40acme.io:${randomString(ALNUM, 18, 932)}Zt@smtp.mailhost.example.net:587\nCACHE_URL=rediscache://:${randomString(ALNUM, 22, 933)}Wv@cache.internal:6379/1\n`,
  'dj/mysite/__init__.py': '',
  'dj/mysite/settings.py': `import os
import environ

BASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
env = environ.Env()
environ.Env.read_env(os.path.join(BASE_DIR, ".env"))

DATABASES = {"default": env.db()}
vars().update(env.email_url())
CACHES = {"default": env.cache_url()}
`,
  // python-decouple: `config` reads the .env it finds from settings.py's folder up (here dc/), the environment first.
  'dc/.env': `SECRET_KEY=${githubToken(934)}\nDEBUG=True\nDB_PASSWORD=${pw(935)}\n`,
  'dc/proj/__init__.py': '',
  'dc/proj/settings.py': 'from pathlib import Path\nfrom decouple import config, Csv\n\nBASE_DIR = Path(__file__).resolve().parent.parent\nSECRET_KEY = config("SECRET_KEY")\nDEBUG = config("DEBUG", default=False, cast=bool)\nDB_PASSWORD = config("DB_PASSWORD")\n',
  // The import shares its line with the code that reads the values (a one-liner): the resolution goes on that
  // line, the helper's import on a line before it; so does a literal's on an import line.
  'cron/.env': `CRON_PASSWORD=${pw(937)}\nCRON_TOKEN=${githubToken(938)}\n`,
  'cron/decouple_job.py': `from decouple import config; PW = config("CRON_PASSWORD")\n${HASH_PY}print("decouple one line", h(PW))\n`,
  'cron/dotenv_job.py': `from dotenv import load_dotenv; load_dotenv()\n${HASH_PY}import os\nprint("dotenv one line", h(os.environ["CRON_TOKEN"]))\n`,
  'cron/literal_job.py': `import hashlib, os; DB_PASSWORD = "${pw(939)}"\n${HASH_PY}print("literal one line", h(DB_PASSWORD))\n`,
  // A JSON settings file that a program loads with json.load: manual, naming that program and the edit after its load.
  'rpt/query config 2.json': `{\n  "dbname": "rpt",\n  "db": {"user": "rpt_reader", "password": "${pw(940)}"}\n}\n`,
  'rpt/db_connection.py': `${HASH_PY}import json\n\nwith open("query config 2.json") as file:\n    config_data = json.load(file)\n\nprint("json", config_data["dbname"], h(config_data["db"]["password"]))\n`,
  // Dynaconf loads its settings_files itself (trips-ingestion's layout: src/ without __init__.py, `python main.py`): manual, with the settings.set() edit.
  'dyn/.secrets.toml': `PG_USER='trips'\nPG_PASSWORD='${pw(941)}'\nPG_HOST='db.internal'\n`,
  'dyn/src/config.py': 'from dynaconf import Dynaconf\n\n# Settings from the files and the environment.\nsettings = Dynaconf(\n    settings_files=["settings.toml", ".secrets.toml"],\n)\n\nLOG_LEVEL = "INFO"\n',
  'dyn/main.py': `${HASH_PY}from src.config import settings\nprint("dynaconf", settings.PG_USER, h(settings.PG_PASSWORD))\n`,
  // decouple reading a settings.ini (found before .env), imported as a package module from the folder above: manual,
  // with the variable set after the import (the helper imported as the package's).
  'dci/proj/settings.ini': `[settings]\nDEBUG=True\nDB_PASSWORD=${pw(942)}\n`,
  'dci/proj/settings.py': 'from decouple import config\n\nDB_PASSWORD = config("DB_PASSWORD")\nDEBUG = config("DEBUG", cast=bool)\n',
  'dci/run.py': `${HASH_PY}from proj import settings as s\nprint("decouple ini", h(s.DB_PASSWORD), s.DEBUG)\n`,
  // decouple's AutoConfig(): config's own search (resolved after the import); with a search_path, a folder known at
  // run time (manual: decouple takes the environment first, so under secret-sweep run it reads the reference).
  'ac/.env': `AC_PASSWORD=${pw(943)}\n`,
  'ac/job.py': `${HASH_PY}from decouple import AutoConfig\nconfig = AutoConfig()\nprint("autoconfig", h(config("AC_PASSWORD")))\n`,
  'acs/.env': `ACS_PASSWORD=${pw(944)}\n`,
  'acs/web/settings.py': 'import os\nfrom decouple import AutoConfig\n\nBASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))\nconfig = AutoConfig(search_path=BASE_DIR)\nACS_PASSWORD = config("ACS_PASSWORD")\n',
  // A notebook that loads the .env with load_dotenv() (no resolution is added to cells): manual, started under secret-sweep run.
  'nbl/.env': `NB_PASSWORD=${pw(945)}\n`,
  'nbl/analysis.ipynb': JSON.stringify({
    cells: [{ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: ['import os\n', 'from dotenv import load_dotenv\n', 'load_dotenv()\n', 'pw = os.getenv("NB_PASSWORD")\n'] }],
    metadata: {}, nbformat: 4, nbformat_minor: 5,
  }, null, 1) + '\n',
  // decouple with a repository named in the code: read literally (manual).
  'tools/vendor.env': `VENDOR_PASSWORD=${pw(936)}\n`,
  'tools/vendor.py': `${HASH_PY}from decouple import Config, RepositoryEnv\n\nconfig = Config(RepositoryEnv("tools/vendor.env"))\nprint("vendor", h(config("VENDOR_PASSWORD")))\n`,
  // The file named at the instantiation, which the class does not know: read literally (manual).
  'tools/export.env': `EXPORT_PASSWORD=${pw(930)}\n`,
  'tools/export.py': `${HASH_PY}from pydantic import BaseSettings\n\nclass Export(BaseSettings):\n    export_password: str\n\nprint("export", h(Export(_env_file="tools/export.env").export_password))\n`,
};

const PROGRAMS: PyProgram[] = [
  { name: 'load_dotenv(override=True)', args: ['app/override.py'] },
  { name: 'dotenv_values(path)', args: ['app/values.py'] },
  { name: 'parsed by hand', args: ['app/by_hand.py'] },
  { name: 'dotenv_values(find_dotenv())', args: ['app/report.py'] },
  { name: 'load_dotenv(path), started as the report says', args: ['svc/main.py'], startFor: 'svc/.env' },
  { name: 'load_dotenv(path), started plainly', args: ['svc/main.py'] },
  { name: 'load_dotenv(path) in a function, started plainly', args: ['jobs/nightly.py'] },
  { name: 'pydantic 1 BaseSettings, Config.env_file', args: ['main.py'], cwd: 'api1' },
  { name: 'BaseSettings(_env_file=…)', args: ['tools/export.py'] },
  { name: 'python-decouple config()', cwd: 'dc', args: ['-c', `${HASH_PY}from proj import settings as s\nprint("dc", h(s.SECRET_KEY), h(s.DB_PASSWORD), s.DEBUG)`] },
  { name: 'python-decouple Config(RepositoryEnv(…))', args: ['tools/vendor.py'] },
  { name: 'a JSON file read by json.load', cwd: 'rpt', args: ['db_connection.py'] },
  { name: 'python-decouple config() reading settings.ini', cwd: 'dci', args: ['run.py'] },
  { name: 'python-decouple AutoConfig(), started from another folder', cwd: 'api1', args: ['../ac/job.py'] },
  { name: 'python-decouple AutoConfig(search_path=BASE_DIR)', cwd: 'acs', args: ['-c', `${HASH_PY}import sys; sys.path.insert(0, "web")\nfrom settings import ACS_PASSWORD\nprint("autoconfig search_path", h(ACS_PASSWORD))`] },
  ...(haveDynaconf ? [{ name: 'Dynaconf settings_files', cwd: 'dyn', args: ['main.py'] }] : []),
  // Started by cron from another folder: `cd / && python3 /srv/repo/cron/decouple_job.py`.
  { name: 'from decouple import config; PW = config(…) on one line, from another folder', cwd: 'api1', args: ['../cron/decouple_job.py'] },
  { name: 'from dotenv import load_dotenv; load_dotenv() on one line', args: ['cron/dotenv_job.py'] },
  { name: 'a literal on an import line', cwd: 'cron', args: ['literal_job.py'] },
  { name: 'django-environ env.db(), email_url(), cache_url()', cwd: 'dj', args: ['-c', `${HASH_PY}from mysite import settings as s\nprint("dj", h(s.DATABASES["default"]["PASSWORD"]), h(s.EMAIL_HOST_PASSWORD), h(s.CACHES["default"]["LOCATION"]), s.EMAIL_HOST_USER)`] },
  ...(PY_SETTINGS ? [{ name: 'pydantic-settings model_config env_file, python -m', args: ['-m', 'app'], cwd: 'api2', python: PY_SETTINGS }] : []),
];

describe.skipIf(!haveDeps)('.env files read by Python code itself', () => {
  it('move when the migrated .py code resolves what it reads, else stay (manual, naming the reader); every program prints what it printed before', async () => {
    const aws = { ...TEST_AWS_ENV, AWS_ENDPOINT_URL: bed.server().endpoint };
    const r = await migrateAndRun({ tempDir: bed.tempDir, files: FILES, programs: PROGRAMS, aws, app: 'dash' });
    expect(r.migrate.code, r.migrate.stderr).toBe(0);
    for (const o of r.outcomes) {
      expect(o.before.code, `${o.name} (before): ${o.before.stderr}`).toBe(0);
      expect({ name: o.name, code: o.after.code, stdout: o.after.stdout, err: o.after.stderr.trim().split('\n').pop() })
        .toEqual({ name: o.name, code: 0, stdout: o.before.stdout, err: o.before.stderr.trim().split('\n').pop() });
    }
    const report = readFileSync(join(r.dir, 'secret-sweep-migration.md'), 'utf8');
    const manual = report.slice(report.indexOf('## Manual'));
    expect(manual).not.toMatch(/\.env\.override:|config\/\.env\.values:/);
    expect(manual).toMatch(/deploy\/service\.env:2:\d+ .*app\/by_hand\.py:\d+ reads this file itself with open\(\)/);
    expect(manual).toMatch(/^- \.env:1:\d+ .*reads this file itself with dotenv_values\(\)/m);
    expect(manual).toMatch(/^- tools\/export\.env:1:\d+ .*tools\/export\.py:\d+ reads this file itself with Settings\(_env_file=…\)/m);
    expect(manual).toMatch(/^- tools\/vendor\.env:1:\d+ .*tools\/vendor\.py:\d+ reads this file itself with python-decouple's RepositoryEnv\(\), which takes the environment first/m);
    const dynEdit = /^- dyn\/\.secrets\.toml:2:\d+ .*: dyn\/src\/config\.py:4 loads this file with Dynaconf \(settings_files\).*remove `PG_PASSWORD` from dyn\/\.secrets\.toml and set it right after `settings = Dynaconf\(…\)` \(dyn\/src\/config\.py:4\): `(settings\.set\("PG_PASSWORD", get_secret\("[^"]+"\)\["password"\]\))` \(`(from src\.secret_sweep_secrets import get_secret)`, generated beside it\), or start it with `secret-sweep run -- COMMAND` and `DYNACONF_PG_PASSWORD=sm:\/\/[^`]+` in secret-sweep\.refs/m.exec(manual);
    if (haveDynaconf) expect(dynEdit, manual).not.toBeNull();
    expect(manual).toMatch(/^- acs\/\.env:1:\d+ .*: acs\/web\/settings\.py:\d+ reads this file itself with python-decouple's AutoConfig\(search_path=…\), which takes the environment first but this file's values as written: started plainly, it would take an sm:\/\/ reference as the value\. Suggested edit: set the value to sm:\/\/\S+ and start it with `secret-sweep run --env-file acs\/\.env -- COMMAND`/m);
    expect(manual).not.toMatch(/^- ac\/\.env/m);
    expect(manual).toMatch(/^- nbl\/\.env:1:\d+ .*: nbl\/analysis\.ipynb:3 loads this file with load_dotenv\(\) in a notebook cell, which migrate does not resolve.*start Jupyter with `secret-sweep run --env-file nbl\/\.env -- jupyter lab`/m);
    const dciEdit = /^- dci\/proj\/settings\.ini:3:\d+ .*: dci\/proj\/settings\.py:1 reads this file with python-decouple's config\(\).*remove `DB_PASSWORD` from \[settings\] of dci\/proj\/settings\.ini and set the variable before config\(\) reads it, right after `from decouple import config` \(dci\/proj\/settings\.py:1\): `(os\.environ\.setdefault\("DB_PASSWORD", get_secret\("[^"]+"\)\["password"\]\))` \(`import os`, `(from proj\.secret_sweep_secrets import get_secret)`, generated beside it\)/m.exec(manual);
    expect(dciEdit, manual).not.toBeNull();
    const jsonEdit = /^- rpt\/query config 2\.json:3:\d+ .*: rpt\/db_connection\.py:5 opens this file itself \(open\(\)\).*after `config_data = json\.load\(file\)` \(rpt\/db_connection\.py\): `(config_data\["db"\]\["password"\] = get_secret\("[^"]+"\)\["password"\])` \(`(from secret_sweep_secrets import get_secret)`/m.exec(manual);
    expect(jsonEdit, manual).not.toBeNull();
    expect(manual).not.toMatch(/api[12]\/|dc\/|cron\//);
    expect(manual).not.toMatch(/^- dyn\/(?!\.secrets\.toml:2:)/m);
    // The start commands say that the .py code loading a .env starts as before; nothing was stored whole.
    const starts = report.slice(report.indexOf('### Start commands'), report.indexOf('## Manual'));
    expect(starts).toMatch(/^- `svc\/\.env`: `secret-sweep run --env-file svc\/\.env -- COMMAND` \(.*\(.*svc\/main\.py.*\) resolves them and starts as before/m);
    expect(starts).not.toContain('Files stored whole');
    expect(starts).not.toContain('run the program with');
    expect(report).toContain('- note: svc/.env: SVC_PASSWORD (line 1) now refers to Secrets Manager (see the start commands)');
    // The files read by .py code moved; those read by hand or by a notebook kept their values.
    // (Single-quoted: django-environ reads this repository's .env files too.)
    for (const f of ['svc/.env', '.env.override', 'config/.env.values', 'jobs/.env', 'api1/.env', 'dc/.env', 'cron/.env', 'ac/.env']) expect(readFileSync(join(r.clone, f), 'utf8'), f).toMatch(/^[A-Z0-9_]+='sm:\/\/[^'\n]+#[a-z_]+'\n/);
    expect(readFileSync(join(r.clone, 'dj/.env'), 'utf8')).toMatch(/^DATABASE_URL='psql:\/\/shop:\$\{sm:\/\/[^}]+#password\}@db\.internal:5432\/shop'\nEMAIL_URL='smtp\+tls:\/\/alerts%40acme\.io:\$\{sm:\/\/[^}]+\}@smtp[^']+'\nCACHE_URL='rediscache:\/\/:\$\{sm:\/\/[^}]+\}@cache\.internal:6379\/1'\n$/);
    expect(readFileSync(join(r.clone, 'api2/.env'), 'utf8')).toMatch(/^DB__HOST=db\.internal\nDB__PASSWORD='sm:\/\/[^']+#password'\nAPI_TOKEN='sm:\/\//);
    // The settings class is followed by the call that puts the values its env_file refers to into os.environ.
    expect(readFileSync(join(r.clone, 'api2/app/config.py'), 'utf8')).toContain('\n    )\nget_secret.resolve_settings_env(Settings)\n');
    expect(readFileSync(join(r.clone, 'api1/main.py'), 'utf8')).toContain('        env_file = ".env"\nget_secret.resolve_settings_env(Settings)\n');
    expect(readFileSync(join(r.clone, 'tools/export.env'), 'utf8')).toBe(FILES['tools/export.env']);
    expect(readFileSync(join(r.clone, 'dc/proj/settings.py'), 'utf8')).toMatch(/\nfrom decouple import config, Csv\n(?:.*\n)*get_secret\.resolve_decouple\(\)\n\nBASE_DIR/);
    expect(readFileSync(join(r.clone, 'tools/vendor.env'), 'utf8')).toBe(FILES['tools/vendor.env']);
    expect(readFileSync(join(r.clone, 'acs/.env'), 'utf8')).toBe(FILES['acs/.env']);
    expect(readFileSync(join(r.clone, 'nbl/.env'), 'utf8')).toBe(FILES['nbl/.env']);
    expect(readFileSync(join(r.clone, 'cron/decouple_job.py'), 'utf8')).toMatch(/^try:\n(?:[ #].*\n|except.*\n)*from decouple import config; get_secret\.resolve_decouple\(\); PW = config\("CRON_PASSWORD"\)\n/);
    expect(readFileSync(join(r.clone, 'cron/dotenv_job.py'), 'utf8')).toMatch(/\nfrom dotenv import load_dotenv; load_dotenv\(\); get_secret\.resolve_environ\(\)\n/);
    expect(readFileSync(join(r.clone, 'cron/literal_job.py'), 'utf8')).toMatch(/\nimport hashlib, os; DB_PASSWORD = get_secret\(/);
    expect(readFileSync(join(r.clone, '.env'), 'utf8')).toBe(FILES['.env']);
    expect(readFileSync(join(r.clone, 'app/values.py'), 'utf8')).toContain('cfg = get_secret.resolve_environ(dotenv_values("config/.env.values"))\n');
    // A second run finds every read resolved already: it writes nothing.
    const again = await runCliAsync(['migrate', '.', '--app', 'dash', '--env', 'prod', '--apply', '--yes'], { cwd: r.dir, env: aws });
    expect(again.code, again.stderr).toBe(0);
    expect(spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: r.dir, encoding: 'utf8' }).stdout).toBe('');
    expect(readFileSync(join(r.clone, 'app/override.py'), 'utf8')).toContain('load_dotenv(".env.override", override=True)\nget_secret.resolve_environ()\n');
    expect(readFileSync(join(r.clone, 'deploy/service.env'), 'utf8')).toBe(FILES['deploy/service.env']);
    // Dynaconf's edit as the report gives it: the key removed from the file, set after the settings are built.
    if (haveDynaconf) {
      writeFileSync(join(r.clone, 'dyn/.secrets.toml'), FILES['dyn/.secrets.toml']!.replace(/^PG_PASSWORD=.*\n/m, ''));
      writeFileSync(join(r.clone, 'dyn/src/config.py'), readFileSync(join(r.clone, 'dyn/src/config.py'), 'utf8').replace(/^\)\n/m, `)\n${dynEdit![2]}\n${dynEdit![1]}\n`));
      const dynRun = r.outcomes.find((o) => o.name === 'Dynaconf settings_files')!;
      expect((await runAsync(PYTHON, ['main.py'], { cwd: join(r.clone, 'dyn'), env: aws })).stdout).toBe(dynRun.before.stdout);
    }
    // decouple's settings.ini edit as the report gives it: the option removed, the variable set after the import.
    writeFileSync(join(r.clone, 'dci/proj/settings.ini'), FILES['dci/proj/settings.ini']!.replace(/^DB_PASSWORD=.*\n/m, ''));
    writeFileSync(join(r.clone, 'dci/proj/settings.py'), FILES['dci/proj/settings.py']!.replace('from decouple import config\n', `from decouple import config\nimport os\n${dciEdit![2]}\n${dciEdit![1]}\n`));
    const dciRun = r.outcomes.find((o) => o.name === 'python-decouple config() reading settings.ini')!;
    expect((await runAsync(PYTHON, ['run.py'], { cwd: join(r.clone, 'dci'), env: aws })).stdout).toBe(dciRun.before.stdout);
    // The JSON file's edit as the report gives it: the value emptied in the file, set after the load; same output.
    writeFileSync(join(r.clone, 'rpt/query config 2.json'), FILES['rpt/query config 2.json']!.replace(pw(940), ''));
    writeFileSync(join(r.clone, 'rpt/db_connection.py'), readFileSync(join(r.clone, 'rpt/db_connection.py'), 'utf8')
      .replace(/( *)(config_data = json\.load\(file\)\n)/, `$1${jsonEdit![2]}\n$1$2$1${jsonEdit![1]}\n`));
    const jsonRun = r.outcomes.find((o) => o.name === 'a JSON file read by json.load')!;
    expect((await runAsync(PYTHON, ['db_connection.py'], { cwd: join(r.clone, 'rpt'), env: aws })).stdout).toBe(jsonRun.before.stdout);
    expect(readFileSync(join(r.clone, 'jobs/nightly.py'), 'utf8')).toContain('if os.path.exists(ENV): load_dotenv(ENV); get_secret.resolve_environ()\n');
    expect(readFileSync(join(r.clone, 'svc/main.py'), 'utf8')).toMatch(/\nload_dotenv\(.*\)\nget_secret\.resolve_environ\(\)\n/);

    // As an earlier version left it (the .env holds references, main.py loads it without resolving them):
    // a re-run (the values it finds are stored already) adds what the first run wrote; the program prints what it printed;
    // a third run changes nothing.
    const migrated = readFileSync(join(r.clone, 'svc/main.py'), 'utf8');
    writeFileSync(join(r.clone, 'svc/main.py'), FILES['svc/main.py']!);
    const git = (...args: string[]) => spawnSync('git', args, { cwd: r.clone, encoding: 'utf8' }).stdout;
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qam', 'as an earlier version left it');
    const repair = await runCliAsync(['migrate', '.', '--app', 'dash', '--env', 'prod', '--apply', '--yes'], { cwd: r.clone, env: aws });
    expect(repair.code, repair.stderr).toBe(0);
    expect(repair.stderr).toMatch(/^secret-sweep: 1 file\(s\) rewritten/m);
    expect(readFileSync(join(r.clone, 'svc/main.py'), 'utf8')).toBe(migrated);
    const plain = r.outcomes.find((o) => o.name === 'load_dotenv(path), started plainly')!;
    // (Asynchronously: the local Secrets Manager server runs in this process.)
    expect((await runAsync(PYTHON, ['svc/main.py'], { cwd: r.clone, env: aws })).stdout).toBe(plain.before.stdout);
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qam', 'repaired');
    const third = await runCliAsync(['migrate', '.', '--app', 'dash', '--env', 'prod', '--apply', '--yes'], { cwd: r.clone, env: aws });
    expect(third.code, third.stderr).toBe(0);
    expect(git('status', '--porcelain')).toBe('');
  }, 120_000);
});
