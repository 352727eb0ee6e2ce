/**
 * Red team of `migrate`, round 6, on a Python data team's legacy programs (test/support/python-round6-repo.ts):
 * each is run as deployed before the migration, then `migrate --apply` against the local Secrets Manager
 * (test/support/sm-server.ts), commit, fresh `git clone --no-local`, and run again the same way — scripts
 * with no `.py` run directly by their `#!` line (their exec bit kept, a value with escapes decoded), latin-1 sources with a coding line,
 * files read by the program (configparser `%%`, `.netrc`, `.pgpass`, `logging.config.fileConfig`), split
 * settings with environment fallbacks, real SQLAlchemy/boto3/requests/Celery/paramiko clients, a notebook
 * with saved outputs run by `jupyter nbconvert --execute`, a folder deployed alone (`COPY app/ /app`).
 * Each must print what it printed before; the value stored is the value the program read (not the
 * file's escaped text); a value still in the tree is in a file the report lists as manual, with why;
 * every rewritten Python file compiles; a second migrate from the clone changes nothing.
 *
 * Needs Debian's /usr/bin/python3 with python3-boto3 (else skipped); a program whose modules are missing
 * is left out with a warning: python3-sqlalchemy + python3-psycopg2, python3-requests, python3-celery,
 * python3-paramiko, python3-nbconvert (jupyter-nbconvert) + python3-ipykernel.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commitNewRepo, git, migrateTestBed } from '../support/migrate-bed.js';
import { runAsync } from '../support/cli.js';
import { workTreeFiles } from '../support/tree.js';
import {
  expectCompiles, expectSecondMigrateIdle, migrateCommitClone, storedValues, valuesLeft, outputsBefore, programsThatChanged, programsWithModules, py,
  PYTHON, pythonAwsEnv, redactor, type Program,
} from '../support/deployed-python-check.js';
import { ROUND6_EXECUTABLES, round6Files, round6Values, type Round6Values } from '../support/python-round6-repo.js';

const havePython = spawnSync(PYTHON, ['-c', 'import boto3'], { cwd: '/' }).status === 0;
if (!havePython) console.warn(`deployed-python-round6-e2e: skipped: ${PYTHON} cannot import boto3 (apt-get install -y python3-boto3)`);

const V = round6Values(66);
const VALUES = Object.entries(V) as Array<[keyof Round6Values, string]>;
const redact = redactor(V);

const bed = migrateTestBed();
const awsEnv = () => pythonAwsEnv(bed.server().endpoint);
/** `#!/usr/bin/env python3` finds Debian's Python (the one with boto3) first. */
const DEBIAN_PATH = { PATH: '/usr/bin:/bin' };
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** The text of every output `jupyter nbconvert --to notebook --stdout` wrote, hashed. */
function notebookOutputs(stdout: string): string {
  const nb = JSON.parse(stdout) as { cells: Array<{ outputs?: Array<{ text?: string[] | string; data?: Record<string, string[] | string> }> }> };
  const text = (x: string[] | string | undefined) => (Array.isArray(x) ? x.join('') : x ?? '');
  return sha256(nb.cells.flatMap((c) => c.outputs ?? []).map((o) => text(o.text) + text(o.data?.['text/plain'])).join('\n'));
}

const PROGRAMS: Program[] = [
  { name: 'no .py, #!/usr/bin/env python3, run as ./bin/etl', start: (r) => ({ cmd: './bin/etl', args: [], cwd: join(r, 'etl'), env: DEBIAN_PATH }) },
  { name: 'no .py, #!/usr/bin/python3, run by path from /', start: (r) => ({ cmd: join(r, 'ops/sync-warehouse'), args: [], cwd: '/' }) },
  { name: 'latin-1 source, coding line, ASCII value', start: (r) => py([join(r, 'legacy/latin_job.py')]) },
  { name: 'latin-1 source, fileencoding line, latin-1 value', start: (r) => py([join(r, 'legacy/latin_pw.py')]) },
  { name: 'configparser with %% in a password', start: (r) => py([join(r, 'conf/read_ini.py')]) },
  // `secret-sweep run --file` as the report says, from the repository's root (its path is repository-relative).
  { name: '.netrc read by the netrc module', start: (r) => ({ ...py([join(r, 'home/netrc_login.py')], r), viaRun: 'home/.netrc' }) },
  { name: '.pgpass with \\: escaped, read as libpq does', start: (r) => py([join(r, 'home/pgpass.py')]) },
  { name: 'logging.config.fileConfig SMTPHandler credentials', start: (r) => py([join(r, 'logcfg/setup_logging.py')]) },
  { name: 'settings/base.py + prod.py (from .base import *), getenv/get/setdefault fallbacks', start: (r) => py([join(r, 'webproj/show.py')]) },
  { name: 'SQLAlchemy create_engine, percent-encoded password', needs: 'sqlalchemy, psycopg2', start: (r) => py([join(r, 'clients/sa_engine.py')]) },
  { name: 'boto3.Session(aws_access_key_id=, aws_secret_access_key=)', start: (r) => py([join(r, 'clients/aws_session.py')]) },
  { name: 'requests auth=(user, password)', needs: 'requests', start: (r) => py([join(r, 'clients/http_auth.py')]) },
  { name: 'Celery(broker="amqp://user:password@…")', needs: 'celery', start: (r) => py([join(r, 'clients/celery_app.py')]) },
  { name: 'paramiko RSA key in a triple-quoted string', needs: 'paramiko', start: (r) => py([join(r, 'clients/sftp_key.py')]) },
  {
    name: 'notebook with saved outputs, jupyter nbconvert --execute', needs: 'nbconvert, ipykernel',
    start: (r) => py(['-m', 'nbconvert', '--to', 'notebook', '--execute', '--stdout', join(r, 'notebooks/explore.ipynb')], join(r, 'notebooks')),
    keep: notebookOutputs,
  },
  {
    name: 'folder deployed alone (COPY app/ /app), python main.py', start: (r) => {
      const app = bed.tempDir('ss-r6-app-');
      cpSync(join(r, 'svc/app'), app, { recursive: true });
      return py(['main.py'], app);
    },
  },
];

/** Commit `files`, the executables with mode 0755. */
function commitRepo(dir: string, files: Record<string, string | Buffer>): void {
  commitNewRepo(dir, files as Record<string, string>);
  for (const f of ROUND6_EXECUTABLES) chmodSync(join(dir, f), 0o755);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--amend', '-m', 'legacy');
}

interface Report {
  manual: Array<{ file: string; line: number; reason: string }>;
  skipped: Array<{ location: { file: string }; reason: string }>;
}

/** How a value is written in its file, where the file's reader unescapes it. */
const AS_WRITTEN: Partial<Record<keyof Round6Values, (v: string) => string>> = {
  iniPassword: (v) => v.replace(/%/g, '%%'),
  pgpassPassword: (v) => v.replace(/:/g, '\\:'),
  shebangPassword: (v) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"'),
};
/**
 * Values the migration leaves in the tree: files whose readers take them literally (manual, with the edit
 * to make: logging.ini's handler `args=(…)` tuple is Python that fileConfig evaluates, so its edit is
 * `os.environ[…]` there), and a value that is not ASCII in a latin-1 file (skipped: the scanner cannot
 * read it exactly).
 */
const EXPECTED_LEFT = [
  'iniPassword in conf/app.ini (manual)',
  'latinPassword in legacy/latin_pw.py (skipped)',
  'logPassword in logcfg/logging.ini (manual)',
  'pgpassPassword in home/.pgpass (manual)',
];
/** Values not stored: the skipped one (above). */
const NOT_STORED = ['latinPassword'];

describe.skipIf(!havePython)('Python legacy programs (round 6), migrated, run from a fresh clone as deployed', () => {
  let orig: string;
  let clone: string;
  const programs: Program[] = [];
  const before = new Map<string, string>();

  beforeAll(async () => {
    orig = bed.tempDir('ss-r6-');
    commitRepo(orig, round6Files(V));
    programs.push(...programsWithModules(PROGRAMS, 'deployed-python-round6-e2e'));
    for (const [k, out] of await outputsBefore(orig, programs, awsEnv(), redact)) before.set(k, out);
  }, 300_000);

  it('--apply: each program prints the same from a fresh clone; stored values are the values read; a second run changes nothing', async () => {
    clone = bed.tempDir('ss-r6-clone-');
    const report = await migrateCommitClone(orig, clone, awsEnv(), V, redact) as Report;

    const failures = await programsThatChanged(clone, programs, before, awsEnv(), orig, redact);
    expect(failures).toEqual([]);
    for (const f of ROUND6_EXECUTABLES) expect(statSync(join(clone, f)).mode & 0o111, `${f} is executable`).toBe(0o111);

    // A value still in the tree (as written there, escapes and all) is in a place the report lists as manual or skipped, with why.
    const left = valuesLeft(clone, V, report, (k, v, text) => text.includes(AS_WRITTEN[k]?.(v) ?? v) || (k === 'sshKey' && text.includes(v.split('\n')[1]!)));
    expect.soft(left).toEqual(EXPECTED_LEFT);
    const why = (f: string) => [...report.manual.filter((x) => x.file === f).map((x) => x.reason), ...report.skipped.filter((x) => x.location.file === f).map((x) => x.reason)].join(' ');
    expect.soft(why('legacy/latin_pw.py')).toMatch(/not UTF-8.*latin-1/);
    expect.soft(why('conf/app.ini')).toMatch(/configparser/);
    expect.soft(why('home/.pgpass')).toMatch(/libpq/);
    expect.soft(why('logcfg/logging.ini')).toMatch(/fileConfig evaluates/);
    // The latin-1 file is rewritten in latin-1: its coding line first, its other text byte for byte.
    const latin = readFileSync(join(clone, 'legacy/latin_job.py'));
    expect(latin.toString('latin1').split('\n')[0]).toBe('# -*- coding: latin-1 -*-');
    for (const t of ['# Autor: José Müller, Straße 5\n', 'NAME = "Grüße"\n']) expect(latin.includes(Buffer.from(t, 'latin1')), t).toBe(true);

    // The value stored is the one the program read: unescaped (configparser's %%, .pgpass's \:), decoded, the key's final newline kept.
    const { all: stored, values: storedSet } = storedValues(bed.server());
    const read = (k: keyof Round6Values, v: string) => (k === 'sshKey' ? `${v}\n` : v);
    const notStored = VALUES.filter(([k, v]) => !storedSet.has(read(k, v))).map(([k]) => k).sort();
    expect.soft(notStored).toEqual(NOT_STORED);
    for (const s of stored) expect(s, 'a stored value holds U+FFFD').not.toContain('\uFFFD');

    // Every Python file compiles, the scripts with no .py too.
    const pys = workTreeFiles(clone).filter((f) => /\.py$/.test(f) || ROUND6_EXECUTABLES.includes(f));
    expectCompiles(PYTHON, clone, pys, bed.tempDir('ss-r6-pyc-'));

    await expectSecondMigrateIdle(clone, awsEnv(), bed.server(), redact);

    // The report's edit for conf/app.ini, made as a user would (the option emptied, the suggested line after
    // cfg.read()): the program reads the same value from the vault, through the helper generated beside it.
    const iniEdit = (report as { manual: Array<{ file: string; suggestion?: string }> }).manual.find((x) => x.file === 'conf/app.ini');
    const stmt = /`(cfg\[[^`]+get_secret[^`]+)`/.exec(iniEdit?.suggestion ?? '')?.[1];
    expect(stmt, iniEdit?.suggestion).toBeDefined();
    writeFileSync(join(clone, 'conf/app.ini'), readFileSync(join(clone, 'conf/app.ini'), 'utf8').replace(/^password = .*$/m, 'password ='));
    const reader = join(clone, 'conf/read_ini.py');
    writeFileSync(reader, readFileSync(reader, 'utf8').replace(/^cfg\.read\(.*\)\n/m, (m) => `${m}from secret_sweep_secrets import get_secret\n${stmt}\n`));
    // Not spawnSync: the Secrets Manager test server answers from this process.
    const edited = await runAsync(PYTHON, [reader], { cwd: '/', env: awsEnv() });
    expect({ code: edited.code, out: edited.stdout.trim(), err: redact(edited.stderr) })
      .toEqual({ code: 0, out: before.get('configparser with %% in a password'), err: '' });
  }, 900_000);
});
