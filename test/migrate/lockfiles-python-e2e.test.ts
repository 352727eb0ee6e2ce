/**
 * `migrate --apply` declares boto3 for the generated Python helper without breaking the project's locked
 * install: a hash-pinned requirements.txt gets no unhashed line (pip would refuse the whole file) but a
 * pip-compile step (boto3 goes into its requirements.in when there is one); poetry.lock, uv.lock and
 * Pipfile.lock get manual steps naming `poetry lock --no-update`, `uv lock`, `pipenv lock`; a Pipfile
 * without a lock gets boto3 under [packages]. A second run writes nothing. (secret-sweep runs no Python
 * locker: they resolve from PyPI.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCliAsync, TEST_AWS_ENV } from '../support/cli.js';
import { commitNewRepo, git, migrateTestBed } from '../support/migrate-bed.js';
import { password } from '../support/fake-secrets.js';
import { withPipfilePackage } from '../../src/migrate/rewrite/python-deps.js';
import { pinsHashes } from '../../src/migrate/lockfiles/python-locks.js';

const bed = migrateTestBed();
const sha = (c: string) => `sha256:${c.repeat(64)}`;
const HASHED = `requests==2.31.0 \\\n    --hash=${sha('a')} \\\n    --hash=${sha('b')}\nurllib3==2.2.1 \\\n    --hash=${sha('c')}\n`;
const POETRY_PYPROJECT = '[tool.poetry]\nname = "etl"\nversion = "0.1.0"\n\n[tool.poetry.dependencies]\npython = "^3.11"\nrequests = "^2.31"\n\n[build-system]\nrequires = ["poetry-core"]\nbuild-backend = "poetry.core.masonry.api"\n';
const POETRY_LOCK = '[[package]]\nname = "requests"\nversion = "2.31.0"\n\n[metadata]\nlock-version = "2.0"\npython-versions = "^3.11"\ncontent-hash = "0000"\n';
const UV_PYPROJECT = '[project]\nname = "api"\nversion = "0.1.0"\ndependencies = ["requests>=2.31"]\n';
const UV_LOCK = 'version = 1\nrequires-python = ">=3.11"\n\n[[package]]\nname = "requests"\nversion = "2.31.0"\n';
const PIPFILE = '[[source]]\nurl = "https://pypi.org/simple"\nverify_ssl = true\nname = "pypi"\n\n[packages]\nrequests = "*"\n\n[dev-packages]\npytest = "*"\n';
const PIPFILE_LOCK = '{\n    "_meta": {"hash": {"sha256": "00"}},\n    "default": {\n        "requests": {"version": "==2.31.0"}\n    },\n    "develop": {}\n}\n';
const secret = (seed: number) => `DB_PASSWORD = "${password(seed)}q7"\nprint(len(DB_PASSWORD))\n`;

const FILES: Record<string, string> = {
  'hashed/requirements.txt': HASHED,
  'hashed/job.py': secret(4201),
  'compiled/requirements.in': 'requests\n',
  'compiled/requirements.txt': HASHED,
  'compiled/job.py': secret(4202),
  'poetry/pyproject.toml': POETRY_PYPROJECT,
  'poetry/poetry.lock': POETRY_LOCK,
  'poetry/job.py': secret(4203),
  'uvapp/pyproject.toml': UV_PYPROJECT,
  'uvapp/uv.lock': UV_LOCK,
  'uvapp/job.py': secret(4204),
  'pipenv/Pipfile': PIPFILE,
  'pipenv/Pipfile.lock': PIPFILE_LOCK,
  'pipenv/job.py': secret(4205),
  'pipfile-only/Pipfile': PIPFILE,
  'pipfile-only/job.py': secret(4206),
};

interface Report { lockfiles: Array<{ file: string; manifest: string; tool: string; status: string; command: string; cwd: string; why: string }> }

let dir: string;
let first: Awaited<ReturnType<typeof runCliAsync>>;
let dry: Awaited<ReturnType<typeof runCliAsync>>;
let second: { code: number | null; stderr: string; writes: number; status: string };
const text = (f: string) => readFileSync(join(dir, f), 'utf8');

beforeAll(async () => {
  dir = bed.tempDir('ss-lock-py-');
  commitNewRepo(dir, FILES);
  const migrate = (extra: string[]) => runCliAsync(['migrate', '.', '--app', 'locks', '--env', 'prod', '--endpoint-url', bed.server().endpoint, ...extra], { cwd: dir, env: TEST_AWS_ENV });
  dry = await migrate([]);
  first = await migrate(['--apply', '--yes']);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'migrate');
  bed.server().calls.reset();
  const again = await migrate(['--apply', '--yes']);
  second = { code: again.code, stderr: again.stderr, writes: bed.server().calls.writeCalls(), status: git(dir, 'status', '--porcelain') };
}, 300_000);

describe('Python lock files after migrate --apply', () => {
  it('the apply succeeds and every job is rewritten', () => {
    expect(first.code, first.stderr).toBe(0);
    for (const d of ['hashed', 'compiled', 'poetry', 'uvapp', 'pipenv', 'pipfile-only']) expect(text(`${d}/job.py`), d).toContain('get_secret(');
  });

  it('a hash-pinned requirements.txt gets no unhashed line; its requirements.in gets boto3', () => {
    expect(text('hashed/requirements.txt')).toBe(HASHED);
    expect(text('compiled/requirements.txt')).toBe(HASHED);
    expect(text('compiled/requirements.in')).toBe('requests\nboto3\n');
  });

  it('manifests beside a lock declare boto3; a Pipfile gets it under [packages]; the locks stay as they were', () => {
    expect(text('poetry/pyproject.toml')).toContain('requests = "^2.31"\nboto3 = "*"\n\n[build-system]');
    expect(text('uvapp/pyproject.toml')).toContain('dependencies = ["requests>=2.31", "boto3"]');
    for (const d of ['pipenv', 'pipfile-only']) expect(text(`${d}/Pipfile`), d).toContain('[packages]\nrequests = "*"\nboto3 = "*"\n\n[dev-packages]');
    expect([text('poetry/poetry.lock'), text('uvapp/uv.lock'), text('pipenv/Pipfile.lock')]).toEqual([POETRY_LOCK, UV_LOCK, PIPFILE_LOCK]);
  });

  it('the report lists one manual step per lock, with the command and the folder', () => {
    const report = JSON.parse(text('secret-sweep-migration.json')) as Report;
    expect(report.lockfiles.map((l) => [l.file, l.tool, l.status, l.cwd, l.command]).sort()).toEqual([
      ['compiled/requirements.txt', 'pip-tools', 'manual', 'compiled', 'pip-compile --generate-hashes requirements.in'],
      ['hashed/requirements.txt', 'pip-tools', 'manual', 'hashed', 'pip-compile --generate-hashes'],
      ['pipenv/Pipfile.lock', 'pipenv', 'manual', 'pipenv', 'pipenv lock'],
      ['poetry/poetry.lock', 'poetry', 'manual', 'poetry', 'poetry lock --no-update'],
      ['uvapp/uv.lock', 'uv', 'manual', 'uvapp', 'uv lock'],
    ]);
    expect(report.lockfiles.find((l) => l.tool === 'poetry')!.why).toMatch(/`poetry install` refuses it/);
    const md = text('secret-sweep-migration.md');
    for (const l of report.lockfiles) expect(md).toContain(`- \`${l.file}\`: \`${l.command}\` in \`${l.cwd}\``);
    expect(md).toMatch(/## Manual: left for you[\s\S]*### Lock files/);
  });

  it('the dry run lists the same steps and writes nothing', () => {
    expect(dry.code, dry.stderr).toBe(0);
    for (const f of ['hashed/requirements.txt', 'poetry/poetry.lock', 'uvapp/uv.lock', 'pipenv/Pipfile.lock']) expect(dry.stdout).toMatch(new RegExp(`manual: ${f.replace(/\./g, '\\.')}: run \``));
  });

  it('a second migrate --apply writes nothing', () => {
    expect(second.code, second.stderr).toBe(0);
    expect(second.writes).toBe(0);
    expect(second.status).toBe('');
  });
});

describe('the pieces', () => {
  it('hash-checking mode is recognised in either spelling, not in a comment about it', () => {
    expect(pinsHashes(HASHED)).toBe(true);
    expect(pinsHashes('boto3==1.34.0 --hash sha256:ab\n')).toBe(true);
    expect(pinsHashes('requests\n# use --hashes later\n')).toBe(false);
  });
  it('a Pipfile without [packages] gets the table; one that has boto3 is unchanged', () => {
    expect(withPipfilePackage('[requires]\npython_version = "3.11"\n')).toBe('[requires]\npython_version = "3.11"\n\n[packages]\nboto3 = "*"\n');
    expect(withPipfilePackage('[packages]\n"boto3" = ">=1.26"\n')).toBe('[packages]\n"boto3" = ">=1.26"\n');
  });
});
