/**
 * Migrate a small Python repository for real and check that every program still uses the same values:
 * write the files, commit, run each program (it prints hashes of the values it used), `migrate --apply`
 * against a Secrets Manager endpoint, commit, clone fresh (nothing untracked travels), run each program
 * again in the clone with only a deployment's environment (AWS endpoint, region, credentials), under
 * `secret-sweep run` where the program says so. Debian's /usr/bin/python3 runs the programs.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, runAsync, runCliAsync, type AsyncRunResult } from './cli.js';
import { git } from './migrate-bed.js';
import { writeFiles } from './tree.js';

export const PYTHON = '/usr/bin/python3';

export interface PyProgram {
  name: string;
  /** Arguments to python3. */
  args: string[];
  /** Folder to start in, repository-relative ('.' by default). */
  cwd?: string;
  env?: Record<string, string>;
  /** The interpreter, when not Debian's (a library Debian does not package: pydantic-settings). */
  python?: string;
  /**
   * After the migration, started as the report's start command for this file says
   * (`secret-sweep run [--env-file F] -- python3 …`); the file must be listed there.
   */
  startFor?: string;
}

/** Python source of `h(x)`: a short hash of a value, what the programs print instead of the value. */
export const HASH_PY = 'import hashlib\ndef h(x): return hashlib.sha256(str(x).encode()).hexdigest()[:16]\n';

export { writeFiles };

export interface ProgramOutcome {
  name: string;
  before: AsyncRunResult;
  after: AsyncRunResult;
}

export interface RepoCheck {
  dir: string;
  clone: string;
  migrate: AsyncRunResult;
  outcomes: ProgramOutcome[];
}

/** The environment a deployment has: AWS endpoint, region and credentials, no cached bytecode. */
export function deployEnv(aws: Record<string, string>): Record<string, string> {
  return { ...aws, AWS_DEFAULT_REGION: aws.AWS_REGION ?? '', PYTHONDONTWRITEBYTECODE: '1' };
}

/** `runArgs`: the `secret-sweep run` options before `--`, or undefined to start the program as before. */
export function runProgram(root: string, p: PyProgram, aws: Record<string, string>, runArgs?: string[]): Promise<AsyncRunResult> {
  const env = { ...deployEnv(aws), ...p.env };
  const cwd = join(root, p.cwd ?? '.');
  const python = p.python ?? PYTHON;
  return runArgs ? runAsync(process.execPath, [BIN, 'run', ...runArgs, '--', python, ...p.args], { cwd, env }) : runAsync(python, p.args, { cwd, env });
}

/** The `secret-sweep run` options the report's start command for `file` gives (`secret-sweep run OPTS -- COMMAND`). */
export function runArgsFromReport(dir: string, file: string): string[] {
  const report = JSON.parse(readFileSync(join(dir, 'secret-sweep-migration.json'), 'utf8')) as { startCommands?: Array<{ file: string; start: string }> };
  const c = (report.startCommands ?? []).find((x) => x.file === file);
  if (!c) throw new Error(`the report gives no start command for ${file}`);
  const m = /^secret-sweep run (.*?)-- COMMAND$/.exec(c.start);
  if (!m) throw new Error(`unexpected start command for ${file}: ${c.start}`);
  return m[1]!.trim().split(/\s+/).filter(Boolean);
}

/**
 * `aws`: AWS_* variables for both migrate and the programs (AWS_ENDPOINT_URL names the endpoint).
 * `migrateArgs`: extra migrate flags. The repository and its clone are made in `tempDir`.
 */
export async function migrateAndRun(opts: {
  tempDir: (prefix: string) => string;
  files: Record<string, string>;
  programs: readonly PyProgram[];
  aws: Record<string, string>;
  app: string;
  migrateArgs?: string[];
}): Promise<RepoCheck> {
  const dir = opts.tempDir('ss-pyrepo-');
  writeFiles(dir, opts.files);
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'legacy');
  const before = await Promise.all(opts.programs.map((p) => runProgram(dir, p, opts.aws)));
  const migrate = await runCliAsync(['migrate', '.', '--app', opts.app, '--env', 'prod', '--apply', '--yes', ...(opts.migrateArgs ?? [])], { cwd: dir, env: opts.aws });
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'migrate');
  const clone = opts.tempDir('ss-pyrepo-clone-');
  execFileSync('git', ['clone', '-q', dir, clone], { stdio: 'pipe' });
  const outcomes: ProgramOutcome[] = [];
  for (const [i, p] of opts.programs.entries()) {
    outcomes.push({ name: p.name, before: before[i]!, after: await runProgram(clone, p, opts.aws, p.startFor ? runArgsFromReport(dir, p.startFor) : undefined) });
  }
  return { dir, clone, migrate, outcomes };
}
