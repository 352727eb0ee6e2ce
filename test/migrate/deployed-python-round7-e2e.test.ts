/**
 * Red team of `migrate`, round 7, on a Python data team's legacy programs (test/support/python-round7-repo.ts):
 * each is run as deployed before the migration, then `migrate --apply` against the local Secrets Manager
 * (test/support/sm-server.ts), commit, fresh `git clone --no-local`, and run again the same way — a
 * fileConfig SMTP credentials tuple, configparser files read with and without interpolation (`%%`, a bare
 * `%`), environment fallbacks spelled other ways, YAML with several tokens and a list of them, a cp1252
 * source, an Airflow-style Connection, a boto3 client in a default argument, class and dataclass
 * attributes, a package run with `python -m`, a SQLAlchemy URL, `dotenv_values()`, tomllib, values inside
 * f-strings and %- / str.format()-ed literals, a token in a comment, notebook magics (`%env`, `!git clone`).
 * Each must print what it printed before; each value is stored as the program reads it; a value still in
 * the tree is in a file the report lists as manual, with why; every rewritten Python file compiles; a
 * second migrate from the clone changes nothing.
 *
 * Needs Debian's /usr/bin/python3 with python3-boto3 (else skipped); a program whose modules are missing
 * is left out with a warning: python3-sqlalchemy, python3-dotenv, python3-yaml.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commitNewRepo, migrateTestBed } from '../support/migrate-bed.js';
import { workTreeFiles } from '../support/tree.js';
import { BIN, runAsync } from '../support/cli.js';
import {
  expectCompiles, expectSecondMigrateIdle, fourAtATime, migrateCommitClone, storedValues, valuesLeft, outputsBefore, programsThatChanged, programsWithModules, py,
  PYTHON, pythonAwsEnv, redactor, type Program,
} from '../support/deployed-python-check.js';
import { logArg, round7Files, round7Values, type Round7Values } from '../support/python-round7-repo.js';

const havePython = spawnSync(PYTHON, ['-c', 'import boto3'], { cwd: '/' }).status === 0;
if (!havePython) console.warn(`deployed-python-round7-e2e: skipped: ${PYTHON} cannot import boto3 (apt-get install -y python3-boto3)`);

const V = round7Values(77);
const VALUES = Object.entries(V) as Array<[keyof Round7Values, string]>;
const redact = redactor(V);

const bed = migrateTestBed();
const awsEnv = () => pythonAwsEnv(bed.server().endpoint);

const PROGRAMS: Program[] = [
  { name: 'fileConfig SMTPHandler args=(…, (user, password))', start: (r) => py([join(r, 'logcfg/setup_logging.py')]) },
  { name: 'ConfigParser(), %% in the file', start: (r) => py([join(r, 'conf/read_interp.py')]) },
  { name: 'ConfigParser(), no % in the value', start: (r) => py([join(r, 'conf/read_plain.py')]) },
  { name: 'RawConfigParser(), a bare % in the file', start: (r) => py([join(r, 'conf/read_raw.py')]) },
  { name: 'ConfigParser(interpolation=None), a bare % in the file', start: (r) => py([join(r, 'conf/read_nointerp.py')]) },
  { name: 'environ.get / default= / getenv() or / default argument / setdefault', start: (r) => py([join(r, 'envfb/show.py')]) },
  { name: 'YAML tokens one per line and in a list, yaml.safe_load', needs: 'yaml', start: (r) => py([join(r, 'yamlcfg/read_yaml.py')]) },
  { name: 'cp1252 source with a coding line', start: (r) => py([join(r, 'legacy/win_job.py')]) },
  { name: 'Airflow-style Connection(password=), boto3.client in a default argument', start: (r) => py([join(r, 'dags/conns.py')]) },
  { name: 'class attribute, dataclass default', start: (r) => py([join(r, 'models/records.py')]) },
  { name: 'package __init__.py, python -m etlpkg.export', start: (r) => py(['-m', 'etlpkg.export'], join(r, 'pkgrun')) },
  { name: 'SQLAlchemy make_url of a URL literal', needs: 'sqlalchemy', start: (r) => py([join(r, 'sa/read_url.py')]) },
  { name: '.env read by dotenv_values()', needs: 'dotenv', start: (r) => py([join(r, 'dotenvapp/app.py')]) },
  { name: 'settings.toml read by tomllib', start: (r) => py([join(r, 'tomlapp/app.py')]) },
  { name: 'os.environ[X] = literal, Bearer header, a token in a comment, a value shared with YAML', start: (r) => py([join(r, 'misc/job.py')]) },
  { name: 'values inside an f-string, %-formatting, str.format()', start: (r) => py([join(r, 'strfmt/urls.py')]) },
  { name: '.env read by load_dotenv(override=True)', needs: 'dotenv', start: (r) => py([join(r, 'overapp/app.py')]) },
  { name: 'config.conf read by configparser in a package module (from utils.constants import *)', start: (r) => py([join(r, 'footy/job.py')]) },
  { name: "airflow.cfg read as Airflow's conf.get does", start: (r) => py([join(r, 'airflowhome/read_cfg.py')]) },
  { name: 'config.toml of INI lines read by configparser (a Streamlit app)', start: (r) => py([join(r, 'stapp/app.py')]) },
];

interface Report {
  manual: Array<{ file: string; line: number; reason: string; suggestion?: string }>;
  skipped: Array<{ location: { file: string }; reason: string }>;
}

/** How a value is written in its file, where the file's reader unescapes it. */
const AS_WRITTEN: Partial<Record<keyof Round7Values, (v: string) => string>> = {
  iniPassword: (v) => v.replace(/%/g, '%%'),
  confPassword: (v) => v.replace(/%/g, '%%'),
  logPassword: logArg,
};

/** Values left in the tree, each in a file the report lists as manual (none skipped). */
const EXPECTED_LEFT = [
  'airflowDbPassword in airflowhome/airflow.cfg (manual)',
  'airflowFernetKey in airflowhome/airflow.cfg (manual)',
  'airflowSecretKey in airflowhome/airflow.cfg (manual)',
  'commentToken in misc/job.py (manual)',
  'confPassword in footy/config/config.conf (manual)',
  'iniPassword in conf/interp.ini (manual)',
  'logPassword in logcfg/logging.conf (manual)',
  'magicEnvToken in notebooks/magics.ipynb (manual)',
  'noInterpPassword in conf/nointerp.ini (manual)',
  'plainIniPassword in conf/plain.ini (manual)',
  'rawPassword in conf/raw.ini (manual)',
  'sharedToken in misc/shared.yml (manual)',
  'shellCloneToken in notebooks/magics.ipynb (manual)',
  'streamlitPassword in stapp/.streamlit/secrets.toml (manual)',
  'tomlIniPassword in stapp/config.toml (manual)',
  'tomlToken in tomlapp/settings.toml (manual)',
  'yamlBlockA in yamlcfg/tokens.yml (manual)',
  'yamlBlockB in yamlcfg/tokens.yml (manual)',
  'yamlFlowA in yamlcfg/tokens.yml (manual)',
  'yamlFlowB in yamlcfg/tokens.yml (manual)',
  'yamlListA in yamlcfg/tokens.yml (manual)',
  'yamlListB in yamlcfg/tokens.yml (manual)',
  'yamlTokenA in yamlcfg/tokens.yml (manual)',
  'yamlTokenB in yamlcfg/tokens.yml (manual)',
  'yamlTokenC in yamlcfg/tokens.yml (manual)',
];

/** The variable to start the program with (the environment variant), none for the helper variant. */
interface Edit { variable?: string; reference?: string }
const edit = (root: string, file: string, f: (text: string) => string) => writeFileSync(join(root, file), f(readFileSync(join(root, file), 'utf8')));

/** configparser: the option's line removed, the suggested assignment (environment variant) after `cfg.read(...)`. */
function configparserEdit(ini: string, program: string) {
  return (root: string, suggestion: string): Edit | undefined => {
    const m = /set `(cfg\[[^`]+\] = os\.environ\["([A-Z0-9_]+)"\][^`]*)` \(`\2=(sm:\/\/[^`]+)`\)/.exec(suggestion);
    if (!m) return undefined;
    edit(root, ini, (t) => t.replace(/^password = .*\n/m, ''));
    edit(root, program, (t) => t.replace(/^(cfg\.read\(.*\)\n)/m, `$1${m[1]}\n`));
    return { variable: m[2]!, reference: m[3]! };
  };
}

/** The edits the report suggests for files the programs read, and the program that reads each. */
const SUGGESTED: Array<{ file: string; program: string; apply: (root: string, suggestion: string, v: Round7Values) => Edit | undefined }> = [
  { file: 'conf/interp.ini', program: 'conf/read_interp.py', apply: configparserEdit('conf/interp.ini', 'conf/read_interp.py') },
  { file: 'conf/plain.ini', program: 'conf/read_plain.py', apply: configparserEdit('conf/plain.ini', 'conf/read_plain.py') },
  { file: 'conf/raw.ini', program: 'conf/read_raw.py', apply: configparserEdit('conf/raw.ini', 'conf/read_raw.py') },
  { file: 'conf/nointerp.ini', program: 'conf/read_nointerp.py', apply: configparserEdit('conf/nointerp.ini', 'conf/read_nointerp.py') },
  {
    file: 'logcfg/logging.conf', program: 'logcfg/setup_logging.py', apply: (root, suggestion, v) => {
      const m = /with `(os\.environ\["([A-Z0-9_]+)"\])`.* `\2=(sm:\/\/\S+) secret-sweep run -- COMMAND`/.exec(suggestion);
      if (!m) return undefined;
      edit(root, 'logcfg/logging.conf', (t) => t.replace(`'${logArg(v.logPassword)}'`, m[1]!));
      return { variable: m[2]!, reference: m[3]! };
    },
  },
  {
    // The helper variant, in the reader's own words: its parser `parser`, the helper imported as the package's.
    file: 'footy/config/config.conf', program: 'footy/job.py', apply: (root, suggestion) => {
      const m = /after `parser\.read\(\.\.\.\)` \(footy\/utils\/constants\.py:5\): `(parser\["aws"\]\["aws_redshift_password"\] = get_secret\([^`]+)` \(`(from utils\.secret_sweep_secrets import get_secret)`\)/.exec(suggestion);
      if (!m) return undefined;
      edit(root, 'footy/config/config.conf', (t) => t.replace(/^(aws_redshift_password =).*\r$/m, '$1\r'));
      edit(root, 'footy/utils/constants.py', (t) => t.replace(/^(parser\.read\(.*\)\n)/m, `$1${m[2]}\n${m[1]}\n`));
      return {};
    },
  },
  {
    // A `.toml` that configparser reads gets the INI edit, inside the function that reads it (its indentation).
    file: 'stapp/config.toml', program: 'stapp/app.py', apply: (root, suggestion) => {
      const m = /after `parser\.read\(\.\.\.\)` \(stapp\/config\.py:\d+\): `(parser\["postgresql"\]\["password"\] = get_secret\([^`]+)` \(`(from secret_sweep_secrets import get_secret)`\)/.exec(suggestion);
      if (!m) return undefined;
      edit(root, 'stapp/config.toml', (t) => t.replace(/^password=.*$/m, 'password='));
      edit(root, 'stapp/config.py', (t) => t.replace(/^( *)(parser\.read\(.*\)\n)/m, `$1$2$1${m[2]}\n$1${m[1]}\n`));
      return {};
    },
  },
  {
    // Airflow's own way: each option becomes `<option>_cmd = python3 -c "…"` (run here with the test's Python).
    file: 'airflowhome/airflow.cfg', program: 'airflowhome/read_cfg.py', apply: (root, suggestions) => {
      const cmds = [...suggestions.matchAll(/with `((\w+)_cmd = python3 -c "[^`]+")` \(Airflow runs the command/g)];
      if (cmds.length !== 3) return undefined;
      for (const [, line, option] of cmds) edit(root, 'airflowhome/airflow.cfg', (t) => t.replace(new RegExp(`^${option} = .*$`, 'm'), line!.replace('python3 -c', `${PYTHON} -c`)));
      return {};
    },
  },
];

describe.skipIf(!havePython)('Python legacy programs (round 7), migrated, run from a fresh clone as deployed', () => {
  let orig: string;
  let clone: string;
  const programs: Program[] = [];
  const before = new Map<string, string>();

  beforeAll(async () => {
    orig = bed.tempDir('ss-r7-');
    commitNewRepo(orig, round7Files(V) as Record<string, string>);
    programs.push(...programsWithModules(PROGRAMS, 'deployed-python-round7-e2e'));
    for (const [k, out] of await outputsBefore(orig, programs, awsEnv(), redact)) before.set(k, out);
  }, 300_000);

  it('--apply: each program prints the same from a fresh clone; stored values are the values read; a second run changes nothing', async () => {
    clone = bed.tempDir('ss-r7-clone-');
    const report = await migrateCommitClone(orig, clone, awsEnv(), V, redact) as Report;
    if (process.env.R7_DEBUG) console.log(redact(JSON.stringify({ manual: report.manual, skipped: report.skipped }, null, 1)));

    const failures = await programsThatChanged(clone, programs, before, awsEnv(), orig, redact);
    expect(failures).toEqual([]);

    expect.soft(valuesLeft(clone, V, report, (k, v, text) => text.includes(AS_WRITTEN[k]?.(v) ?? v))).toEqual(EXPECTED_LEFT);
    const manualOf = (f: string) => report.manual.filter((x) => x.file === f);
    expect.soft(manualOf('logcfg/logging.conf')[0]?.reason).toMatch(/fileConfig evaluates `args` of \[handler_mail\] as Python/);
    // An interpolating reader gets the value with `%` escaped, a `%` in it today or not (a rotated value may hold one).
    for (const f of ['conf/interp.ini', 'conf/plain.ini']) expect.soft(manualOf(f)[0]?.suggestion, f).toContain('.replace("%", "%%")');
    for (const f of ['conf/raw.ini', 'conf/nointerp.ini']) expect.soft(manualOf(f)[0]?.suggestion, f).not.toContain('.replace(');
    // The .env files read with dotenv_values() / load_dotenv(override=True) moved: the .py readers resolve what they read.
    for (const f of ['dotenvapp/.env', 'overapp/.env']) {
      expect.soft(manualOf(f), f).toEqual([]);
      expect.soft(readFileSync(join(clone, f), 'utf8'), f).toMatch(/^[A-Z_]+=sm:\/\//m);
    }
    expect.soft(manualOf('misc/job.py')[0]?.reason).toMatch(/in a comment/);
    expect.soft(manualOf('notebooks/magics.ipynb').map((x) => x.reason)).toEqual([expect.stringMatching(/IPython magic or shell line/), expect.stringMatching(/IPython magic or shell line/)]);
    // A YAML or TOML file a program of the repository opens itself: the reason names it; no program opens misc/shared.yml.
    expect.soft(manualOf('tomlapp/settings.toml')[0]?.reason).toMatch(/^tomlapp\/app\.py:\d+ opens this file itself \(open\(\)\)/);
    expect.soft(new Set(manualOf('yamlcfg/tokens.yml').map((x) => x.reason.replace(/:\d+ /, ':N ')))).toEqual(new Set(['yamlcfg/read_yaml.py:N opens this file itself (open()) and takes its values as written: a reference written here would be read as the value']));
    expect.soft(manualOf('misc/shared.yml')[0]?.reason).toMatch(/^the program that loads this file is unknown/);
    expect.soft(manualOf('tomlapp/settings.toml')[0]?.suggestion).toContain('data["github"]["token"] = get_secret(');
    expect.soft(manualOf('yamlcfg/tokens.yml')).toHaveLength(9);
    // The YAML edit goes after the program's own load (its variable `c`), with the helper generated beside it;
    // a scalar holding two tokens gets no key assignment (it would drop the other token).
    const yamlEdit = (key: string) => manualOf('yamlcfg/tokens.yml').find((x) => x.line === 1 + ['ci_token', 'release_token', 'docs_token'].indexOf(key) + 1)?.suggestion;
    expect.soft(yamlEdit('ci_token')).toContain(`after \`c = yaml.safe_load(f)\` (yamlcfg/read_yaml.py): \`c["github"]["ci_token"] = get_secret("`);
    expect.soft(manualOf('yamlcfg/tokens.yml').filter((x) => x.suggestion?.includes('c["rotation_tokens"]'))).toEqual([]);
    expect.soft(existsSync(join(clone, 'yamlcfg/secret_sweep_secrets.py'))).toBe(true);
    // Streamlit's secrets file: the reason names st.secrets; the edit passes the value to st.connection, with the
    // helper generated beside the app's module that opens it (and boto3 declared nowhere else: no requirements file).
    expect.soft(manualOf('stapp/.streamlit/secrets.toml')[0]?.reason).toMatch(/^Streamlit loads this file into st\.secrets as written/);
    expect.soft(manualOf('stapp/.streamlit/secrets.toml')[0]?.suggestion).toMatch(/^remove `password` from \[connections\.pg\] in stapp\/\.streamlit\/secrets\.toml and pass it where the app opens the connection, .*`st\.connection\("pg", …, password=get_secret\("[^"]+"\)\["password"\]\)`/);
    expect.soft(existsSync(join(clone, 'stapp/secret_sweep_secrets.py'))).toBe(true);
    expect.soft(manualOf('stapp/config.toml')[0]?.reason).toMatch(/^configparser reads INI values literally/);
    // The cp1252 file is rewritten in place: its coding line first, its other bytes as they were.
    const win = readFileSync(join(clone, 'legacy/win_job.py'));
    expect(win.toString('latin1').split('\n')[0]).toBe('# -*- coding: cp1252 -*-');
    for (const t of ['# \x93Nightly\x94 export \x96 costs \x80 5\n', 'LABEL = "Preis \x80"\n']) expect(win.includes(Buffer.from(t, 'latin1')), t).toBe(true);

    const stored = storedValues(bed.server()).values;
    expect.soft(VALUES.filter(([, v]) => !stored.has(v)).map(([k]) => k).sort()).toEqual([]);

    const pys = workTreeFiles(clone).filter((f) => /\.py$/.test(f));
    expectCompiles(PYTHON, clone, pys, bed.tempDir('ss-r7-pyc-'));

    await expectSecondMigrateIdle(clone, awsEnv(), bed.server(), redact);

    // Each manual edit the report gives for a file the program reads (its environment variant), made as
    // written and started as it says: the program prints what it printed before.
    const edited = await fourAtATime(SUGGESTED, async (x) => {
      const suggestions = manualOf(x.file).map((m) => m.suggestion ?? '').join('\n');
      const edit = suggestions ? x.apply(clone, suggestions, V) : undefined;
      if (!edit) return `${x.file}: no edit found in ${redact(suggestions || '(no manual entry)')}`;
      const r = await runAsync(process.execPath, [BIN, 'run', '--', PYTHON, join(clone, x.program)], { cwd: clone, env: { ...awsEnv(), ...(edit.variable ? { [edit.variable]: edit.reference! } : {}) } });
      const name = PROGRAMS.find((p) => p.start(clone).args[0] === join(clone, x.program))!.name;
      return r.code === 0 && r.stdout.trim() === before.get(name) ? undefined : `${x.file}: exit ${r.code}, ${redact(r.stderr).split('\n').slice(-3).join(' | ')}`;
    });
    expect(edited.filter(Boolean)).toEqual([]);
  }, 900_000);
});
