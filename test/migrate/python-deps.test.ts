/**
 * The generated Python helper needs boto3: migrate declares it in the project's requirements.txt and
 * pyproject.toml (PEP 621 or Poetry), keeping the rest of each file, so a fresh deployment that installs
 * the declared dependencies has it; a project declared only in setup.py gets a note. A second run adds
 * nothing.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withPyModule, withPyprojectDependency, withRequirement } from '../../src/migrate/rewrite/python-deps.js';
import { runCliAsync, TEST_AWS_ENV } from '../support/cli.js';
import { git, migrateTestBed } from '../support/migrate-bed.js';
import { password } from '../support/fake-secrets.js';
import { writeFiles } from '../support/python-repo-check.js';

describe('boto3 in requirements.txt', () => {
  it('is appended once, in the file\'s line endings', () => {
    expect(withRequirement('requests==2.31.0\npsycopg2-binary\n')).toBe('requests==2.31.0\npsycopg2-binary\nboto3\n');
    expect(withRequirement('requests\r\npandas')).toBe('requests\r\npandas\r\nboto3\r\n');
    expect(withRequirement('')).toBe('boto3\n');
    for (const has of ['boto3==1.26.0\n', 'Boto3>=1.20 ; python_version > "3.8"\n', 'boto3[crt]\n']) expect(withRequirement(has)).toBe(has);
    // Another package whose name starts the same is not boto3.
    expect(withRequirement('boto3-stubs\n')).toBe('boto3-stubs\nboto3\n');
  });
});

describe('the helper in setuptools py-modules', () => {
  it('is added to a one-line or multi-line list once; no list, no edit', () => {
    const one = '[project]\nname = "r"\n\n[tool.setuptools]\npy-modules = ["report"]\n';
    const added = withPyModule(one, 'secret_sweep_secrets');
    expect(added).toBe('[project]\nname = "r"\n\n[tool.setuptools]\npy-modules = ["report", "secret_sweep_secrets"]\n');
    expect(withPyModule(added!, 'secret_sweep_secrets')).toBe(added);
    const multi = '[tool.setuptools]\npy-modules = [\n  "report",\n  "util"  # shared\n]\n';
    expect(withPyModule(multi, 'secret_sweep_secrets')).toBe('[tool.setuptools]\npy-modules = [\n  "report",\n  "util",  # shared\n  "secret_sweep_secrets",\n]\n');
    expect(withPyModule('[tool.setuptools]\npackages = ["svc"]\n', 'secret_sweep_secrets')).toBeUndefined();
    expect(withPyModule('[project]\nname = "r"\n', 'secret_sweep_secrets')).toBeUndefined();
  });
});

describe('boto3 in pyproject.toml', () => {
  it('PEP 621: a list over several lines gets a line with the items\' indentation', () => {
    expect(withPyprojectDependency('[project]\nname = "etl"\ndependencies = [\n    "requests",\n    "pandas>=2"  # data\n]\n'))
      .toBe('[project]\nname = "etl"\ndependencies = [\n    "requests",\n    "pandas>=2",  # data\n    "boto3",\n]\n');
  });
  it('PEP 621: a list on one line, an empty one, one that has it already', () => {
    expect(withPyprojectDependency('[project]\ndependencies = ["requests", "pandas"]\n')).toBe('[project]\ndependencies = ["requests", "pandas", "boto3"]\n');
    expect(withPyprojectDependency('[project]\ndependencies = []\n')).toBe('[project]\ndependencies = ["boto3"]\n');
    const has = '[project]\ndependencies = ["boto3>=1.26"]\n';
    expect(withPyprojectDependency(has)).toBe(has);
  });
  it('Poetry: a key at the end of [tool.poetry.dependencies]', () => {
    expect(withPyprojectDependency('[tool.poetry]\nname = "etl"\n\n[tool.poetry.dependencies]\npython = "^3.11"\nrequests = "*"\n\n[build-system]\nrequires = ["poetry-core"]\n'))
      .toBe('[tool.poetry]\nname = "etl"\n\n[tool.poetry.dependencies]\npython = "^3.11"\nrequests = "*"\nboto3 = "*"\n\n[build-system]\nrequires = ["poetry-core"]\n');
  });
  it('no dependency list (only build settings): undefined, a human decides', () => {
    expect(withPyprojectDependency('[tool.black]\nline-length = 100\n')).toBeUndefined();
  });
});

const bed = migrateTestBed();

describe('migrate declares boto3 for the generated helper', () => {
  it('in the nearest requirements.txt and pyproject.toml, listed in the report; a re-run adds nothing', async () => {
    const dir = bed.tempDir('ss-pydeps-');
    writeFiles(dir, {
      'requirements.txt': 'requests==2.31.0\npsycopg2-binary\n',
      'pyproject.toml': '[project]\nname = "etl"\nversion = "0.1"\ndependencies = [\n    "requests",\n]\n',
      'etl/job.py': `DB_PASSWORD = "${password(971)}x9"\nprint(len(DB_PASSWORD))\n`,
      // Its own project, declared only in setup.py: a note.
      'tools/legacy/setup.py': 'from setuptools import setup\nsetup(name="legacy", install_requires=["requests"])\n',
      'tools/legacy/sync.py': `API_PASSWORD = "${password(972)}y8"\n`,
    });
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'legacy');
    const migrate = () => runCliAsync(['migrate', '.', '--app', 'deps', '--env', 'prod', '--endpoint-url', bed.server().endpoint, '--apply', '--yes'], { cwd: dir, env: TEST_AWS_ENV });
    const r = await migrate();
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'requirements.txt'), 'utf8')).toBe('requests==2.31.0\npsycopg2-binary\nboto3\n');
    expect(readFileSync(join(dir, 'pyproject.toml'), 'utf8')).toBe('[project]\nname = "etl"\nversion = "0.1"\ndependencies = [\n    "requests",\n    "boto3",\n]\n');
    const report = JSON.parse(readFileSync(join(dir, 'secret-sweep-migration.json'), 'utf8')) as { dependencies: Array<{ file: string; package: string }>; notes: string[] };
    expect(report.dependencies.map((d) => `${d.file} ${d.package}`).sort()).toEqual(['pyproject.toml boto3', 'requirements.txt boto3']);
    expect(report.notes.some((n) => /^tools\/legacy: the project is declared in setup\.py.*install_requires/.test(n))).toBe(true);
    expect(readFileSync(join(dir, 'secret-sweep-migration.md'), 'utf8')).toContain('`pip install -r requirements.txt`');

    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'migrate');
    const again = await migrate();
    expect(again.code, again.stderr).toBe(0);
    expect(git(dir, 'status', '--porcelain', '--untracked-files=no').split('\n').filter((l) => l && !/secret-sweep-migration\./.test(l))).toEqual([]);
  }, 120_000);
});
