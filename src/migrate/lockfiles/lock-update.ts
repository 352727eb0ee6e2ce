/**
 * Updating a lock for package.json files that now declare the SDK, with the package manager's own
 * lock-only mode (it resolves from the registry, installs nothing and runs no script): npm `install
 * --package-lock-only`, pnpm `install --lockfile-only`. It runs in a private scratch copy of the lock's
 * folder holding only what the tool reads for that (the lock, its config files, every package.json: the
 * workspaces), so the tool never touches the work tree: the caller writes the new lock atomically and
 * journals it like any other file. A failure (no registry, the tool not installed, a `file:` dependency
 * outside the folder, a tool that would change the lock's format) leaves the lock as it was and becomes
 * a manual step.
 */
import { spawn } from 'node:child_process';
import { accessSync, chmodSync, constants as fsc, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LOCK_COMMANDS, lockPins, relToLock, type NodeLock, type NodeLockKind } from './node-locks.js';

const TIMEOUT_MS = 300_000;
const SKIP_DIRS = new Set(['node_modules', '.git', '.secret-sweep']);

interface LockTool {
  /** Files beside the lock the tool reads (copied when present). */
  config: string[];
  /** Extra arguments for this lock's text (npm: keep a v1 lock v1). */
  args: (lockText: string) => string[];
  /** The lock format's version, which the update must not change (a newer tool would rewrite the whole lock). */
  format: (lockText: string) => string | undefined;
}

const TOOLS: Partial<Record<NodeLockKind, LockTool>> = {
  npm: {
    config: ['.npmrc'],
    args: (t) => ((JSON.parse(t) as { lockfileVersion?: unknown }).lockfileVersion === 1 ? ['--lockfile-version=1'] : []),
    format: (t) => String((JSON.parse(t) as { lockfileVersion?: unknown }).lockfileVersion),
  },
  pnpm: {
    config: ['.npmrc', 'pnpm-workspace.yaml', '.pnpmfile.cjs'],
    args: () => ['--ignore-scripts'],
    format: (t) => /^lockfileVersion:\s*['"]?([^'"\s]+)/m.exec(t)?.[1],
  },
};

/** The lock kinds secret-sweep updates itself (when the tool is installed). */
export const UPDATABLE: ReadonlySet<NodeLockKind> = new Set(Object.keys(TOOLS) as NodeLockKind[]);

/** Whether `cmd` is an executable file in a folder of PATH (nothing is run). */
export function onPath(cmd: string, env: NodeJS.ProcessEnv = process.env): boolean {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    try {
      accessSync(path.join(dir, cmd), fsc.X_OK);
      return true;
    } catch {
      /* not here */
    }
  }
  return false;
}

/** Every package.json under `dir` (relative to it), outside node_modules and dot folders. */
function packageJsons(dir: string, rel = ''): string[] {
  let entries;
  try {
    entries = readdirSync(path.join(dir, rel), { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isFile() && e.name === 'package.json') out.push(r);
    else if (e.isDirectory() && !SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) out.push(...packageJsons(dir, r));
  }
  return out;
}

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number | null; stderr: string; error?: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, {
      cwd, stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, npm_config_update_notifier: 'false', npm_config_audit: 'false', npm_config_fund: 'false' },
    });
    let out = '';
    const timer = setTimeout(() => p.kill('SIGKILL'), TIMEOUT_MS);
    const keep = (b: Buffer) => (out = (out + b.toString()).slice(-20_000));
    p.stdout.on('data', keep);
    p.stderr.on('data', keep);
    p.on('error', (e) => (clearTimeout(timer), resolve({ code: null, stderr: out, error: (e as NodeJS.ErrnoException).code ?? e.message })));
    p.on('close', (code) => (clearTimeout(timer), resolve({ code, stderr: out })));
  });
}

/** The tool's error in one line, without log paths (a reason for the manual step; no secret is printed there). */
function failureReason(output: string): string {
  const lines = output.split('\n').map((l) => l.replace(/^npm (error|ERR!)\s*/, '').replace(/^\s*ERR_PNPM_/, 'ERR_PNPM_').trim())
    .filter((l) => l && !/complete log of this run|^A complete log|^Progress: |^Scope: /.test(l));
  const code = lines.find((l) => /^code |^ERR_PNPM_/.test(l));
  const msg = lines.find((l) => l !== code && !/^(code|errno|syscall) /.test(l));
  return [code, msg].filter(Boolean).join(': ').slice(0, 300) || 'it failed';
}

export type LockUpdateResult = { ok: true; text: string; summary: string } | { ok: false; reason: string };

/**
 * The lock text the tool writes for the package.json files as they are on disk now, computed in a
 * scratch copy. `pkgDirs`: the packages (repository-relative) that must come out pinning `name` at `specs[i]`.
 */
export async function lockUpdate(root: string, lock: NodeLock, pkgDirs: readonly string[], name: string, specs: readonly string[]): Promise<LockUpdateResult> {
  const tool = TOOLS[lock.kind];
  if (!tool) return { ok: false, reason: `secret-sweep does not run ${lock.kind} itself` };
  const from = path.join(root, lock.dir);
  const scratch = mkdtempSync(path.join(tmpdir(), `secret-sweep-${lock.kind}-`));
  try {
    chmodSync(scratch, 0o700);
    const lockName = path.posix.basename(lock.file);
    const before = readFileSync(path.join(from, lockName), 'utf8');
    for (const rel of [lockName, ...packageJsons(from), ...tool.config.filter((c) => existsSync(path.join(from, c)))]) {
      mkdirSync(path.dirname(path.join(scratch, rel)), { recursive: true });
      copyFileSync(path.join(from, rel), path.join(scratch, rel));
      chmodSync(path.join(scratch, rel), 0o600);
    }
    const [cmd, ...args] = LOCK_COMMANDS[lock.kind].split(' ') as [string, ...string[]];
    const r = await run(cmd, [...args, ...tool.args(before)], scratch);
    if (r.error) return { ok: false, reason: r.error === 'ENOENT' ? `${cmd} is not installed here` : `${cmd} could not start (${r.error})` };
    if (r.code !== 0) return { ok: false, reason: `${cmd} failed: ${failureReason(r.stderr)}` };
    const text = readFileSync(path.join(scratch, lockName), 'utf8');
    if (tool.format(text) !== tool.format(before)) {
      return { ok: false, reason: `this ${cmd} writes lock format ${tool.format(text)}, not the project's ${tool.format(before)}: run it with the ${cmd} version the project uses` };
    }
    const missing = pkgDirs.findIndex((d, i) => lockPins(lock.kind, text, relToLock(lock, d), name, specs[i]!) !== true);
    if (missing >= 0) return { ok: false, reason: `${cmd} finished but ${lock.file} still does not pin ${name} for ${pkgDirs[missing]}` };
    return { ok: true, text, summary: `\`${LOCK_COMMANDS[lock.kind]}\` in a scratch copy` };
  } catch (e) {
    return { ok: false, reason: `could not prepare the scratch copy (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
