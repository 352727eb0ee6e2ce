/**
 * The generated Python helper needs boto3: migrate declares it in the project's requirements.txt and
 * pyproject.toml (PEP 621 or Poetry), keeping the rest of each file, so a fresh deployment that installs
 * the declared dependencies has it; a project declared only in setup.py / setup.cfg gets it in a literal
 * `install_requires` list (else a note), and a single-module one lists the helper in `py_modules` too (an
 * installed copy must import it). A second run adds nothing.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installedScriptHelperDirs, moduleRootOf, setupFileEdits, withFlatLayoutModules, withHatchModule, withSetupPyKeyword, withPyModule, withPyprojectDependency, withRequirement, withSetupCfgListItem, withSetupPyListItem } from '../../src/migrate/rewrite/python-deps.js';
import { dockerfileHelperEdits } from '../../src/migrate/rewrite/dockerfile-helper.js';
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

describe('the helper in a Dockerfile that copies the code file by file', () => {
  const edit = (text: string) => dockerfileHelperEdits([{ file: 'svc/Dockerfile', text }], ['svc/secret_sweep_secrets.py'], ['svc/app.py']);
  it('is copied to the same folder once; a COPY of the context, a folder or a glob takes it already; a file-name destination gets a note', () => {
    expect(edit('FROM python:3\r\nCOPY app.py settings.py /srv/\r\n').edits.map((e) => e.text)).toEqual(['FROM python:3\r\nCOPY app.py settings.py /srv/\r\nCOPY secret_sweep_secrets.py /srv/\r\n']);
    for (const covered of ['COPY . /srv/', 'COPY ./ .', 'COPY *.py /srv/', 'COPY app.py /srv/\nCOPY secret_sweep_secrets.py /srv/']) expect(edit(`FROM python:3\n${covered}\n`).edits).toEqual([]);
    const named = edit('FROM python:3\nCOPY app.py /srv/main.py\n');
    expect(named.edits).toEqual([]);
    expect(named.notes).toEqual(['svc/Dockerfile:2: copies app.py to a file name: add `COPY secret_sweep_secrets.py <its folder>/` so the image has the helper it imports']);
    expect(edit('FROM python:3\nCOPY other.py /srv/\n').edits).toEqual([]);
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

describe('setup.py / setup.cfg lists (py_modules, install_requires)', () => {
  const H = 'secret_sweep_secrets';
  it('setup.py: a literal list or tuple gets the item once; a variable or a second keyword is left to a human', () => {
    const one = 'from setuptools import setup\n\nsetup(name="t", py_modules=["tool"], install_requires=("requests",))\n';
    const added = withSetupPyListItem(one, 'py_modules', H)!;
    expect(added).toBe(`from setuptools import setup\n\nsetup(name="t", py_modules=["tool", "${H}"], install_requires=("requests",))\n`);
    expect(withSetupPyListItem(added, 'py_modules', H)).toBe(added);
    expect(withSetupPyListItem(added, 'install_requires', 'boto3')).toContain('install_requires=("requests", "boto3")');
    const multi = 'setup(\n    py_modules=[\n        "tool",  # the CLI\n    ],\n)\n';
    expect(withSetupPyListItem(multi, 'py_modules', H)).toBe(`setup(\n    py_modules=[\n        "tool",  # the CLI\n        "${H}",\n    ],\n)\n`);
    expect(withSetupPyListItem('MODS = ["a"]\nsetup(py_modules=MODS)\n', 'py_modules', H)).toBeUndefined();
    expect(withSetupPyListItem('setup(packages=["a"])\n', 'py_modules', H)).toBeUndefined();
  });
  it('setup.cfg: a comma or semicolon line, or one item a line, in [options]', () => {
    const cfg = '[metadata]\nname = t\n\n[options]\npy_modules = tool\ninstall_requires =\n    requests\n\n[options.entry_points]\nconsole_scripts =\n    t = tool:main\n';
    const mods = withSetupCfgListItem(cfg, 'options', 'py_modules', H, ',')!;
    expect(mods).toBe(cfg.replace('py_modules = tool', `py_modules = tool, ${H}`));
    expect(withSetupCfgListItem(mods, 'options', 'py_modules', H, ',')).toBe(mods);
    expect(withSetupCfgListItem(cfg, 'options', 'install_requires', 'boto3', ';')).toBe(cfg.replace('    requests\n', '    requests\n    boto3\n'));
    expect(withSetupCfgListItem('[options]\r\ninstall_requires = requests; click\r\n', 'options', 'install_requires', 'boto3', ';')).toBe('[options]\r\ninstall_requires = requests; click; boto3\r\n');
    expect(withSetupCfgListItem('[metadata]\npy_modules = x\n', 'options', 'py_modules', H, ',')).toBeUndefined();
  });
  it('the helper joins py_modules where it sits at the module root (src layout too); boto3 only when no other file declares it', () => {
    expect(moduleRootOf('setup(package_dir={"": "src"}, py_modules=["t"])')).toBe('src');
    expect(moduleRootOf('[options]\npackage_dir =\n    =lib\n')).toBe('lib');
    expect(moduleRootOf('[tool.setuptools]\npackage-dir = {"" = "src"}\n')).toBe('src');
    expect(moduleRootOf('setup(py_modules=["t"])')).toBe('.');
    const files: Record<string, string> = { 'tool/setup.py': 'setup(package_dir={"": "src"}, py_modules=["t"], install_requires=[])\n' };
    const r = setupFileEdits('tool', [`tool/src/${H}.py`], (f) => files[f], true);
    expect(r.edits).toEqual([{ file: 'tool/setup.py', text: `setup(package_dir={"": "src"}, py_modules=["t", "${H}"], install_requires=["boto3"])\n`, added: [H, 'boto3'] }]);
    expect(r.sdkDeclared).toBe(true);
    // A helper elsewhere (in a package: setuptools installs the whole package) is not listed.
    expect(setupFileEdits('tool', [`tool/src/pkg/${H}.py`], (f) => files[f], false).edits).toEqual([]);
    // A rewritten script that setup.py / setup.cfg installs into bin/: a note (its helper is not installed).
    const scripts = setupFileEdits('t', [`t/bin/${H}.py`], (f) => ({ 't/setup.py': 'setup(name="t", scripts=["bin/t-run"])\n', 't/setup.cfg': '[options]\nscripts =\n    bin/t-run\n' })[f], false);
    expect(scripts.notes).toEqual(['t/setup.py', 't/setup.cfg'].map((f) => `${f}: installs a script of bin/ (scripts=): an installed copy runs in bin/ and cannot import t/bin/${H}.py; install the helper as a module (py_modules) or run the script from the repository`));
    expect(setupFileEdits('t', [`t/tools/${H}.py`], () => 'setup(scripts=["bin/t-run"])\n', false).notes).toEqual([]);
    // py_modules from a variable: a note.
    expect(setupFileEdits('.', [`${H}.py`], () => 'M = ["t"]\nsetup(py_modules=M)\n', false).notes).toEqual([`setup.py: add "${H}" to py_modules by hand, or an installed copy cannot import the helper`]);
  });
});

describe('a setuptools flat layout found by auto-discovery', () => {
  const H = 'secret_sweep_secrets';
  const pp = (extra = '') => `[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "tool"\nversion = "1"\n${extra}`;
  const at = (files: string[], dirs: string[] = []) => ({ files: ['pyproject.toml', 'README.md', `${H}.py`, ...files], dirs: ['.git', ...dirs] });
  it('lists the one module discovery found and the helper in py-modules (two modules make it refuse to build), once', () => {
    const added = withFlatLayoutModules(pp(), H, at(['tool.py'], ['tests', 'docs']))!;
    expect(added).toBe(`${pp()}\n[tool.setuptools]\npy-modules = ["tool", "${H}"]\n`);
    expect(withPyModule(added, H)).toBe(added);
    expect(withFlatLayoutModules(added, H, at(['tool.py']))).toBeUndefined();
    // An existing [tool.setuptools] table without a module list gets the line; CRLF kept.
    expect(withFlatLayoutModules(pp('\n[tool.setuptools]\nzip-safe = false\n').replace(/\n/g, '\r\n'), H, at(['tool.py', 'conftest.py', 'manage.py', '_private.py'])))
      .toBe(pp(`\n[tool.setuptools]\npy-modules = ["tool", "${H}"]\nzip-safe = false\n`).replace(/\n/g, '\r\n'));
  });
  it('leaves every other project alone: a package folder, two modules, src/, setup.py, a listing of its own, another backend', () => {
    expect(withFlatLayoutModules(pp(), H, at(['tool.py'], ['tool']))).toBeUndefined();
    expect(withFlatLayoutModules(pp(), H, at(['tool.py', 'other.py']))).toBeUndefined();
    expect(withFlatLayoutModules(pp(), H, at(['tool.py'], ['src']))).toBeUndefined();
    expect(withFlatLayoutModules(pp(), H, at(['tool.py', 'setup.py']))).toBeUndefined();
    expect(withFlatLayoutModules(pp('\n[tool.setuptools.packages.find]\ninclude = ["x*"]\n'), H, at(['tool.py']))).toBeUndefined();
    expect(withFlatLayoutModules(pp().replace('setuptools.build_meta', 'hatchling.build'), H, at(['tool.py']))).toBeUndefined();
  });
});

describe('a setup.py scripts= / pyproject script-files script of a rewritten folder', () => {
  const H = 'secret_sweep_secrets';
  it('gets the helper at the module root too, where it joins py_modules (no note); without py_modules, a note', () => {
    const files: Record<string, string> = { 't/setup.py': 'setup(name="t", py_modules=["lib"], scripts=["bin/t-run"])\n' };
    const read = (f: string) => files[f];
    expect(installedScriptHelperDirs([`t/bin/${H}.py`], () => 't', read)).toEqual(['t']);
    expect(installedScriptHelperDirs([`t/bin/${H}.py`, `t/${H}.py`], () => 't', read)).toEqual([]);
    expect(installedScriptHelperDirs([`t/tools/${H}.py`], () => 't', read)).toEqual([]);
    expect(installedScriptHelperDirs([`t/bin/${H}.py`], () => 't', () => 'setup(name="t", scripts=["bin/t-run"])\n')).toEqual([]);
    const pp = '[project]\nname = "t"\n\n[tool.setuptools]\npy-modules = ["lib"]\nscript-files = ["bin/t-run"]\n';
    expect(installedScriptHelperDirs([`t/bin/${H}.py`], () => 't', (f) => (f === 't/pyproject.toml' ? pp : undefined))).toEqual(['t']);
    expect(withPyModule(pp, H)).toContain(`py-modules = ["lib", "${H}"]`);
    const r = setupFileEdits('t', [`t/bin/${H}.py`, `t/${H}.py`], read, false);
    expect(r.notes).toEqual([]);
    expect(r.edits).toEqual([{ file: 't/setup.py', text: `setup(name="t", py_modules=["lib", "${H}"], scripts=["bin/t-run"])\n`, added: [H] }]);
    // packages= only: py_modules is added to setup() (a second run finds it there).
    const pkgs = 'from setuptools import setup\n\nsetup(\n    name="t",\n    packages=["tlib"],\n    scripts=["bin/t-run"],\n)\n';
    expect(installedScriptHelperDirs([`t/bin/${H}.py`], () => 't', () => pkgs)).toEqual(['t']);
    const p = setupFileEdits('t', [`t/bin/${H}.py`, `t/${H}.py`], () => pkgs, false);
    expect(p.notes).toEqual([]);
    expect(p.edits).toEqual([{ file: 't/setup.py', text: pkgs.replace('setup(\n', `setup(\n    py_modules=["${H}"],\n`), added: [H] }]);
    expect(setupFileEdits('t', [`t/bin/${H}.py`, `t/${H}.py`], () => p.edits[0]!.text, false).edits).toEqual([]);
    // Without scripts of a helper's folder, or discovered by setuptools (no packages=): nothing.
    expect(setupFileEdits('t', [`t/${H}.py`], () => 'setup(packages=["tlib"])\n', false).edits).toEqual([]);
    expect(setupFileEdits('t', [`t/bin/${H}.py`, `t/${H}.py`], () => 'setup(name="t", scripts=["bin/t-run"])\n', false).edits).toEqual([]);
    expect(withSetupPyKeyword('setup(name="t")', 'py_modules', H)).toBe(`setup(py_modules=["${H}"], name="t")`);
    expect(withSetupPyKeyword('setup()', 'py_modules', H)).toBe(`setup(py_modules=["${H}"])`);
    expect(withSetupPyKeyword('setup(\r\n\tname="t",\r\n)', 'py_modules', H)).toBe(`setup(\r\n\tpy_modules=["${H}"],\r\n\tname="t",\r\n)`);
    expect(withSetupPyKeyword('setuptools.setup(a=1)\nsetup(b=2)\n', 'py_modules', H)).toBeUndefined();
  });
});

describe('a hatchling single-module project', () => {
  const H = 'secret_sweep_secrets';
  const pp = (name: string, extra = '') => `[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n[project]\nname = "${name}"\nversion = "1"\n${extra}`;
  it('writes out hatchling\'s own selection (<name>.py) with the helper in it, once', () => {
    const has = (...files: string[]) => (f: string) => files.includes(f);
    const added = withHatchModule(pp('My-Tool'), H, has('My_Tool.py'))!;
    expect(added).toBe(`${pp('My-Tool')}\n[tool.hatch.build.targets.wheel]\nonly-include = ["My_Tool.py", "${H}.py"]\n`);
    expect(withHatchModule(added, H, has('My_Tool.py'))).toBeUndefined();
    expect(withHatchModule(pp('my.tool'), H, has('my_tool.py'))).toContain('only-include = ["my_tool.py", ');
    // A package of that name (the helper inside it is packed), settings of its own, another backend: nothing.
    expect(withHatchModule(pp('tool'), H, has('tool.py', 'tool/__init__.py'))).toBeUndefined();
    expect(withHatchModule(pp('tool', '\n[tool.hatch.build.targets.wheel]\npackages = ["x"]\n'), H, has('tool.py'))).toBeUndefined();
    expect(withHatchModule(pp('tool').replace('hatchling.build', 'setuptools.build_meta'), H, has('tool.py'))).toBeUndefined();
    expect(withHatchModule(pp('tool'), H, has('other.py'))).toBeUndefined();
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
      // An image that copies the code file by file: the helper it imports must be copied too.
      'etl/Dockerfile': 'FROM python:3.12-slim\nRUN pip install boto3\nCOPY --chown=app job.py /app/\nCMD ["python", "/app/job.py"]\n',
      // Its own project, declared only in setup.py: boto3 in its install_requires.
      'tools/legacy/setup.py': 'from setuptools import setup\nsetup(name="legacy", install_requires=["requests"])\n',
      'tools/legacy/sync.py': `API_PASSWORD = "${password(972)}y8"\n`,
      // Declared in setup.py without a list to edit: a note.
      'tools/bare/setup.py': 'from setuptools import setup\nsetup(name="bare")\n',
      'tools/bare/sync.py': `API_PASSWORD = "${password(973)}y7"\n`,
      'win/sync.py': `API_PASSWORD = "${password(974)}y6"\n`,
      // A folder ignored by pattern, its module force-added: the helper generated beside it must be committed too.
      '.gitignore': '/creds/**/*.*\n',
      'creds/__init__.py': `API_PASSWORD = "${password(975)}y5"\n`,
      // Requirements files named otherwise: the misspelt requirement.txt, a deployment's -prod file (not -dev),
      // a requirements/ folder's base.txt (prod.txt includes it; dev.txt is not what is deployed).
      'flaskapp/requirement.txt': 'flask\npython-dotenv\n',
      'flaskapp/app.py': `MAIL_PASSWORD = "${password(976)}y4"\n`,
      'svc/requirements-prod.txt': 'gunicorn\n',
      'svc/requirements-dev.txt': 'pytest\n',
      'svc/job.py': `API_PASSWORD = "${password(977)}y3"\n`,
      'multi/requirements/base.txt': 'sqlalchemy\n',
      'multi/requirements/prod.txt': '-r base.txt\npsycopg2\n',
      'multi/requirements/dev.txt': '-r base.txt\npytest\n',
      'multi/run.py': `API_PASSWORD = "${password(978)}y2"\n`,
    });
    // PowerShell's `pip freeze > requirements.txt` writes UTF-16LE with a BOM (pip reads it by the BOM): it stays UTF-16.
    const utf16 = (t: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, 'utf16le')]);
    writeFileSync(join(dir, 'win/requirements.txt'), utf16('pandas==2.2.3\r\nSQLAlchemy==2.0.36\r\n'));
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'add', '-f', 'creds/__init__.py');
    git(dir, 'commit', '-qm', 'legacy');
    const migrate = () => runCliAsync(['migrate', '.', '--app', 'deps', '--env', 'prod', '--endpoint-url', bed.server().endpoint, '--apply', '--yes'], { cwd: dir, env: TEST_AWS_ENV });
    const r = await migrate();
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'requirements.txt'), 'utf8')).toBe('requests==2.31.0\npsycopg2-binary\nboto3\n');
    expect(readFileSync(join(dir, 'pyproject.toml'), 'utf8')).toBe('[project]\nname = "etl"\nversion = "0.1"\ndependencies = [\n    "requests",\n    "boto3",\n]\n');
    const report = JSON.parse(readFileSync(join(dir, 'secret-sweep-migration.json'), 'utf8')) as { dependencies: Array<{ file: string; package: string }>; notes: string[] };
    expect(readFileSync(join(dir, 'tools/legacy/setup.py'), 'utf8')).toBe('from setuptools import setup\nsetup(name="legacy", install_requires=["requests", "boto3"])\n');
    expect(readFileSync(join(dir, 'win/requirements.txt')).equals(utf16('pandas==2.2.3\r\nSQLAlchemy==2.0.36\r\nboto3\r\n'))).toBe(true);
    expect(report.dependencies.map((d) => `${d.file} ${d.package}`).sort()).toEqual([
      'flaskapp/requirement.txt boto3', 'multi/requirements/base.txt boto3', 'pyproject.toml boto3', 'requirements.txt boto3',
      'svc/requirements-prod.txt boto3', 'tools/legacy/setup.py boto3', 'win/requirements.txt boto3',
    ]);
    expect(readFileSync(join(dir, 'flaskapp/requirement.txt'), 'utf8')).toBe('flask\npython-dotenv\nboto3\n');
    for (const [f, t] of [['svc/requirements-dev.txt', 'pytest\n'], ['multi/requirements/prod.txt', '-r base.txt\npsycopg2\n'], ['multi/requirements/dev.txt', '-r base.txt\npytest\n']]) {
      expect(readFileSync(join(dir, f!), 'utf8'), f).toBe(t);
    }
    expect(report.notes.some((n) => /^tools\/bare: the project is declared in setup\.py.*install_requires/.test(n))).toBe(true);
    expect(report.notes.some((n) => /^tools\/legacy: the project is declared/.test(n))).toBe(false);
    expect(readFileSync(join(dir, 'secret-sweep-migration.md'), 'utf8')).toContain('`pip install -r requirements.txt`');

    expect(readFileSync(join(dir, 'etl/Dockerfile'), 'utf8')).toBe('FROM python:3.12-slim\nRUN pip install boto3\nCOPY --chown=app job.py /app/\nCOPY --chown=app secret_sweep_secrets.py /app/\nCMD ["python", "/app/job.py"]\n');
    expect(r.stderr).toContain('creds/secret_sweep_secrets.py: git-ignored (.gitignore), so it was staged with `git add -f`');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'migrate');
    expect(git(dir, 'ls-files', 'creds').split('\n').filter(Boolean).sort()).toEqual(['creds/__init__.py', 'creds/secret_sweep_secrets.py']);
    const again = await migrate();
    expect(again.code, again.stderr).toBe(0);
    expect(git(dir, 'status', '--porcelain', '--untracked-files=no').split('\n').filter((l) => l && !/secret-sweep-migration\./.test(l))).toEqual([]);
  }, 120_000);
});
