/**
 * The harness of the "deployed Node programs" end-to-end rounds (round 5 on): migrate a committed
 * repository with `--apply` against the local Secrets Manager, commit, clone it fresh (`--no-local`),
 * and check that a second migrate writes nothing and that no value is left in the tree.
 */
import { expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, runAsync, TEST_AWS_ENV } from './cli.js';
import { git, type migrateTestBed } from './migrate-bed.js';
import { workTreeFiles, writeFiles } from './tree.js';

export const NODE_MODULES = realpathSync(fileURLToPath(new URL('../../node_modules', import.meta.url)));
export const ESBUILD = join(NODE_MODULES, 'esbuild', 'bin', 'esbuild');
export const TSC = join(NODE_MODULES, 'typescript', 'bin', 'tsc');
/** `ts-node --transpile-only`: each .ts file compiled alone to CommonJS as Node requires it. */
export const TS_NODE_REGISTER = `const ts = require(${JSON.stringify(join(NODE_MODULES, 'typescript'))});
const fs = require('node:fs');
require.extensions['.ts'] = (m, filename) => {
  const out = ts.transpileModule(fs.readFileSync(filename, 'utf8'), { fileName: filename, compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: true } });
  m._compile(out.outputText, filename);
};
`;
export const sha = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 12);
export const pkg = (o: Record<string, unknown>): string => JSON.stringify({ version: '1.0.0', private: true, ...o }, null, 2) + '\n';

/** Replaces each value in `s` by `<its name>`: what a failing assertion may print. */
export const redactor = (values: Record<string, string>) => (s: string): string =>
  Object.entries(values).reduce((t, [k, v]) => t.split(v).join(`<${k}>`), s);

/** A new repository holding `files` (those in `executable` with mode 755), committed once. */
export function commitRepo(dir: string, files: Record<string, string>, executable: string[] = []): void {
  writeFiles(dir, files);
  for (const f of executable) chmodSync(join(dir, f), 0o755);
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'legacy');
}

/** What stays: a file, the reason the report gives and (when given) the edit it suggests. */
export type ManualExpectation = [file: string, reason: RegExp, suggestion?: RegExp];

/** The report lists exactly `manual`'s files, each with its reason (and suggestion), and each is in `clone` as in `files`. */
export function expectManualUnchanged(clone: string, report: MigrationReport, manual: readonly ManualExpectation[], files: Record<string, string>): void {
  expect(report.manual.map((m) => m.file).sort()).toEqual(manual.map(([f]) => f).sort());
  for (const [file, reason, suggestion] of manual) {
    expect(readFileSync(join(clone, file), 'utf8'), `${file} unchanged`).toBe(files[file]);
    const u = report.manual.find((x) => x.file === file);
    expect(u?.reason, file).toMatch(reason);
    if (suggestion) expect(u?.suggestion, file).toMatch(suggestion);
  }
}

export interface MigrationReport {
  manual: Array<{ file: string; line: number; reason: string; suggestion?: string }>;
  notes?: string[];
}

export function deployedNodeHarness(bed: ReturnType<typeof migrateTestBed>, round: string) {
  const awsEnv = (): Record<string, string> => ({ ...TEST_AWS_ENV, AWS_DEFAULT_REGION: TEST_AWS_ENV.AWS_REGION, AWS_ENDPOINT_URL: bed.server().endpoint });
  const migrate = (cwd: string, app: string) =>
    runAsync(process.execPath, [BIN, 'migrate', '.', '--app', app, '--env', 'prod', '--apply', '--yes'], { cwd, env: awsEnv() });

  return {
    awsEnv,

    /** Migrate `repo` with --apply; commit; clone it fresh. Returns the clone and the migration report. */
    async migrateAndClone(repo: string, app: string, hide: (s: string) => string): Promise<{ clone: string; report: MigrationReport }> {
      const m = await migrate(repo, app);
      expect(m.code, hide(m.stderr)).toBe(0);
      const report = JSON.parse(readFileSync(join(repo, 'secret-sweep-migration.json'), 'utf8')) as MigrationReport;
      git(repo, 'add', '-A');
      git(repo, 'commit', '-qm', 'migrate secrets to Secrets Manager');
      const clone = bed.tempDir(`ss-${round}-${app}-clone-`);
      execFileSync('git', ['clone', '-q', '--no-local', repo, clone], { stdio: 'pipe' });
      return { clone, report };
    },

    /** A second migrate of the clone writes nothing to Secrets Manager nor to the tree. */
    async expectIdempotent(clone: string, app: string, hide: (s: string) => string): Promise<void> {
      const head = git(clone, 'rev-parse', 'HEAD');
      const writes = bed.server().calls.writeCalls();
      const again = await migrate(clone, app);
      expect(again.code, hide(again.stderr)).toBe(0);
      expect(bed.server().calls.writeCalls()).toBe(writes);
      expect(git(clone, 'rev-parse', 'HEAD')).toBe(head);
      expect(git(clone, 'status', '--porcelain').split('\n').filter((l) => l && !/node_modules\/$|dist\/$/.test(l))).toEqual([]);
    },

    /** No tracked or untracked file of `dir` (but node_modules, dist, .git and `except`) holds a value. */
    expectNoValueLeft(dir: string, values: Record<string, string>, except: (file: string) => boolean = () => false): void {
      for (const f of workTreeFiles(dir).filter((f) => !/(^|\/)(node_modules|dist|\.git)\//.test(f) && !except(f))) {
        const text = readFileSync(join(dir, f), 'utf8');
        for (const [k, v] of Object.entries(values)) expect(text.includes(v), `${f} holds ${k}`).toBe(false);
      }
    },
  };
}
