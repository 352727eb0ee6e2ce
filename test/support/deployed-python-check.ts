/**
 * What the deployed-Python red-team rounds (deployed-python-round4/5/6-e2e) share: how a program is
 * described, started (four at once) and compared before and after the migration; every Python file of a
 * checkout compiles; a second `migrate --apply` from the fresh clone writes nothing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { BIN, runAsync, TEST_AWS_ENV, type AsyncRunResult } from './cli.js';
import { git } from './migrate-bed.js';
import { runArgsFromReport } from './python-repo-check.js';
import type { SmServer } from './sm-server.js';
import { workTreeFiles } from './tree.js';

/** Each work-tree file's SHA-256, the migration's own state folder left out. */
export const hashTree = (root: string) => new Map(workTreeFiles(root)
  .filter((f) => !f.startsWith('.secret-sweep/'))
  .map((f) => [f, createHash('sha256').update(readFileSync(join(root, f))).digest('hex')]));

/** `python` compiles each of `files` (repository-relative to `root`); bytecode goes to `pycDir`. */
export function expectCompiles(python: string, root: string, files: readonly string[], pycDir: string): void {
  const compiled = spawnSync(python, ['-c', 'import os, py_compile, sys\nfor i, f in enumerate(sys.argv[2:]): py_compile.compile(f, cfile=os.path.join(sys.argv[1], "%d.pyc" % i), doraise=True)', pycDir, ...files.map((f) => join(root, f))], { encoding: 'utf8' });
  expect(compiled.status, compiled.stderr).toBe(0);
}

/** A second `migrate --apply` in `clone`: exit 0, no file changed, nothing stored again, the report still there. */
export async function expectSecondMigrateIdle(clone: string, env: Record<string, string>, server: SmServer, redact: (s: string) => string): Promise<void> {
  const tree = hashTree(clone);
  const writes = server.calls.writeCalls();
  const again = await runAsync(process.execPath, [BIN, 'migrate', '.', '--app', 'shop', '--env', 'prod', '--apply', '--yes'], { cwd: clone, env });
  expect(again.code, redact(again.stderr)).toBe(0);
  expect(hashTree(clone)).toEqual(tree);
  expect(server.calls.writeCalls()).toBe(writes);
  expect(git(clone, 'status', '--porcelain')).toBe('');
  expect(existsSync(join(clone, 'secret-sweep-migration.json'))).toBe(true);
}

export const PYTHON = '/usr/bin/python3';

/** Which of `mods` Python cannot import (one process for all: each start costs a second on a loaded machine). */
export function missingModules(mods: readonly string[]): Set<string> {
  const r = spawnSync(PYTHON, ['-c', 'import importlib, sys\nfor m in sys.argv[1:]:\n    try: importlib.import_module(m)\n    except Exception: print(m)', ...new Set(mods)], { encoding: 'utf8', cwd: '/' });
  return new Set(r.stdout.split('\n').filter(Boolean));
}

/** Each value replaced by `<its name>` (for assertion messages). */
export const redactor = <K extends string>(values: Record<K, string>) => {
  const entries = Object.entries(values) as Array<[K, string]>;
  return (s: string) => entries.reduce((t, [k, v]) => t.split(v).join(`<${k}>`), s);
};

/** A deployment's environment: the local Secrets Manager at `endpoint`, its region and credentials, no cached bytecode. */
export const pythonAwsEnv = (endpoint: string): Record<string, string> =>
  ({ ...TEST_AWS_ENV, AWS_DEFAULT_REGION: TEST_AWS_ENV.AWS_REGION, AWS_ENDPOINT_URL: endpoint, PYTHONDONTWRITEBYTECODE: '1' });

export interface Started { cmd: string; args: string[]; cwd: string; env?: Record<string, string>; viaRun?: string }
export interface Program {
  name: string;
  /** Python modules it needs (left out, with a warning, when missing). */
  needs?: string;
  /** How it is started from checkout `root` (may build or install from it first). */
  start: (root: string) => Started | Promise<Started>;
  /** The part of its output compared (default: all of it). */
  keep?: (stdout: string) => string;
}

/** `python args` started in `cwd`. */
export const py = (args: string[], cwd = '/', env?: Record<string, string>): Started => ({ cmd: PYTHON, args, cwd, ...(env ? { env } : {}) });

/** The programs whose modules Python has; a warning names each one left out. */
export function programsWithModules(programs: readonly Program[], label: string): Program[] {
  const needs = (p: Program) => p.needs?.split(/,\s*/) ?? [];
  const missing = missingModules(programs.flatMap(needs));
  return programs.filter((p) => {
    const lacks = needs(p).filter((x) => missing.has(x));
    if (lacks.length) console.warn(`${label}: "${p.name}" is left out: ${PYTHON} cannot import ${lacks.join(', ')}`);
    return lacks.length === 0;
  });
}

/** Start `p` from checkout `root` in `env`; `reportDir`: after the migration, a program with `viaRun` starts as the report there says. */
export async function runStarted(root: string, p: Program, env: Record<string, string>, reportDir?: string): Promise<AsyncRunResult> {
  const s = await p.start(root);
  const all = { ...env, ...s.env };
  const viaRunArgs = reportDir && s.viaRun ? runArgsFromReport(reportDir, s.viaRun) : undefined;
  return viaRunArgs
    ? runAsync(process.execPath, [BIN, 'run', ...viaRunArgs, '--', s.cmd, ...s.args], { cwd: s.cwd, env: all })
    : runAsync(s.cmd, s.args, { cwd: s.cwd, env: all });
}

/** `f` of each item, at most four running at once (the programs mostly wait on Python's start-up). */
export async function fourAtATime<T, R>(items: readonly T[], f: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]!);
    }
  };
  await Promise.all([0, 1, 2, 3].map(worker));
  return out;
}

/** What `p` printed, the part compared. */
export const programOutput = (p: Program, r: AsyncRunResult) => (p.keep ?? ((o: string) => o))(r.stdout).trim();

/** Each program run from the migrated `clone` (as `reportDir`'s report says): those that fail or print other than `before`. */
export async function programsThatChanged(clone: string, programs: readonly Program[], before: ReadonlyMap<string, string>, env: Record<string, string>, reportDir: string, redact: (s: string) => string): Promise<string[]> {
  const failures = await fourAtATime(programs, async (p) => {
    let r: AsyncRunResult;
    try {
      r = await runStarted(clone, p, env, reportDir);
    } catch (e) {
      return `${p.name}: ${redact((e as Error).message)}`; // building or installing it failed
    }
    if (r.code === 0 && programOutput(p, r) === before.get(p.name)) return undefined;
    const last = r.stderr.trim().split('\n').filter((l) => l.trim()).slice(-2).join(' | ');
    return `${p.name}: exit ${r.code}, ${programOutput(p, r) === before.get(p.name) ? 'same' : 'different'} output; ${redact(last).split(clone).join('')}`;
  });
  return failures.filter((x) => x !== undefined);
}

/** Each program's output before the migration (each must exit 0 and print one hash). */
export async function outputsBefore(root: string, programs: readonly Program[], env: Record<string, string>, redact: (s: string) => string): Promise<Map<string, string>> {
  const results = await fourAtATime(programs, (p) => runStarted(root, p, env));
  const before = new Map<string, string>();
  for (const [i, p] of programs.entries()) {
    const r = results[i]!;
    expect(r.code, `${p.name} (before): ${redact(r.stderr + r.stdout)}`).toBe(0);
    expect(programOutput(p, r), p.name).toMatch(/^(HASH )?[0-9a-f]{64}$/);
    before.set(p.name, programOutput(p, r));
  }
  return before;
}

/**
 * `migrate --apply` in `orig` (exit 0, no value printed), the result committed, then cloned fresh into
 * `clone` (nothing untracked travels): the migration report's JSON.
 */
export async function migrateCommitClone(orig: string, clone: string, env: Record<string, string>, values: Record<string, string>, redact: (s: string) => string): Promise<unknown> {
  const m = await runAsync(process.execPath, [BIN, 'migrate', '.', '--app', 'shop', '--env', 'prod', '--apply', '--yes'], { cwd: orig, env });
  expect(m.code, redact(m.stderr)).toBe(0);
  for (const [k, v] of Object.entries(values)) expect(m.stdout + m.stderr, `value ${k} printed`).not.toContain(v);
  const report = JSON.parse(readFileSync(join(orig, 'secret-sweep-migration.json'), 'utf8')) as unknown;
  git(orig, 'add', '-A');
  git(orig, 'commit', '-qm', 'migrate secrets to Secrets Manager');
  execFileSync('git', ['clone', '-q', '--no-local', orig, clone], { stdio: 'pipe' });
  return report;
}

/** Every value the local Secrets Manager holds: each version's string, a JSON secret's fields one by one. */
export function storedValues(server: SmServer): { all: string[]; values: Set<string> } {
  const all = [...server.state.values()].flatMap((s) => [...s.versions.values()].map((x) => x.string ?? ''));
  return {
    all,
    values: new Set(all.flatMap((s) => {
      try {
        const j = JSON.parse(s) as unknown;
        return j && typeof j === 'object' ? Object.values(j as Record<string, unknown>).map(String) : [s];
      } catch {
        return [s];
      }
    })),
  };
}

/**
 * `KEY in FILE`, with ` (manual)` or ` (skipped)` when the report lists the file so, for each value still
 * in `clone`'s files (read as latin-1 and as UTF-8), as `asWritten` says it is written there.
 */
export function valuesLeft<K extends string>(
  clone: string, values: Record<K, string>, report: { manual: Array<{ file: string }>; skipped: Array<{ location: { file: string } }> },
  asWritten: (k: K, v: string, text: string) => boolean = (_k, v, text) => text.includes(v),
): string[] {
  const manualFiles = new Set(report.manual.map((x) => x.file));
  const skippedFiles = new Set(report.skipped.map((x) => x.location.file));
  const left: string[] = [];
  for (const f of workTreeFiles(clone).filter((x) => !x.startsWith('.secret-sweep/'))) {
    const text = readFileSync(join(clone, f), 'latin1') + readFileSync(join(clone, f), 'utf8');
    for (const [k, v] of Object.entries(values) as Array<[K, string]>) {
      if (asWritten(k, v, text)) left.push(`${k} in ${f}${manualFiles.has(f) ? ' (manual)' : skippedFiles.has(f) ? ' (skipped)' : ''}`);
    }
  }
  return left.sort();
}
