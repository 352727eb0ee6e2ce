/**
 * Updating a package-lock.json for a package.json that now declares the SDK: `npm install
 * --package-lock-only --ignore-scripts` (it resolves from the registry, installs nothing and runs no
 * script), in a private scratch copy of the lock's folder holding only what npm reads for that (the
 * lock, the .npmrc, every package.json: the workspaces). npm never touches the work tree: the caller
 * writes the new lock atomically and journals it like any other file, and a failure (no registry, a
 * `file:` dependency outside the folder) leaves the lock as it was and becomes a manual step.
 */
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NPM_LOCK_COMMAND, lockPins, relToLock, type NodeLock } from './node-locks.js';

const TIMEOUT_MS = 300_000;
const SKIP_DIRS = new Set(['node_modules', '.git', '.secret-sweep']);

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
      cwd, stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, npm_config_update_notifier: 'false', npm_config_audit: 'false', npm_config_fund: 'false' },
    });
    let stderr = '';
    const timer = setTimeout(() => p.kill('SIGKILL'), TIMEOUT_MS);
    p.stderr.on('data', (b) => (stderr = (stderr + b).slice(-20_000)));
    p.on('error', (e) => (clearTimeout(timer), resolve({ code: null, stderr, error: (e as NodeJS.ErrnoException).code ?? e.message })));
    p.on('close', (code) => (clearTimeout(timer), resolve({ code, stderr })));
  });
}

/** npm's first error line, without the log path (a reason for the manual step; npm never prints a secret there). */
function npmReason(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.replace(/^npm (error|ERR!)\s*/, '').trim()).filter((l) => l && !/complete log of this run|^A complete log/.test(l));
  const code = lines.find((l) => /^code /.test(l));
  const msg = lines.find((l) => !/^(code|errno|syscall) /.test(l));
  return [code, msg].filter(Boolean).join(': ').slice(0, 300) || 'npm failed';
}

export type NpmLockResult = { ok: true; text: string; summary: string } | { ok: false; reason: string };

/**
 * The lock text npm writes for the package.json files as they are on disk now, computed in a scratch
 * copy. `pkgDirs`: the packages (repository-relative) that must come out pinning `name` at `specs[i]`.
 */
export async function npmLockUpdate(root: string, lock: NodeLock, pkgDirs: readonly string[], name: string, specs: readonly string[]): Promise<NpmLockResult> {
  const from = path.join(root, lock.dir);
  const scratch = mkdtempSync(path.join(tmpdir(), 'secret-sweep-npm-'));
  try {
    chmodSync(scratch, 0o700);
    const lockName = path.posix.basename(lock.file);
    const before = readFileSync(path.join(from, lockName), 'utf8');
    for (const rel of [lockName, ...packageJsons(from), ...(existsSync(path.join(from, '.npmrc')) ? ['.npmrc'] : [])]) {
      mkdirSync(path.dirname(path.join(scratch, rel)), { recursive: true });
      copyFileSync(path.join(from, rel), path.join(scratch, rel));
    }
    if (existsSync(path.join(scratch, '.npmrc'))) chmodSync(path.join(scratch, '.npmrc'), 0o600);
    const args = NPM_LOCK_COMMAND.split(' ').slice(1);
    // Keep the lock's format: npm would turn a v1 lock (npm 5/6) into v3, which npm 6 cannot read.
    const version = (JSON.parse(before) as { lockfileVersion?: unknown }).lockfileVersion;
    if (version === 1) args.push('--lockfile-version=1');
    const r = await run('npm', args, scratch);
    if (r.error) return { ok: false, reason: r.error === 'ENOENT' ? 'npm is not installed here' : `npm could not start (${r.error})` };
    if (r.code !== 0) return { ok: false, reason: npmReason(r.stderr) };
    const text = readFileSync(path.join(scratch, lockName), 'utf8');
    const missing = pkgDirs.findIndex((d, i) => lockPins('npm', text, relToLock(lock, d), name, specs[i]!) !== true);
    if (missing >= 0) return { ok: false, reason: `npm finished but ${lock.file} still does not pin ${name} for ${pkgDirs[missing]}` };
    const entries = (t: string) => {
      const l = JSON.parse(t) as { packages?: object; dependencies?: object };
      return Object.keys(l.packages ?? l.dependencies ?? {}).length;
    };
    return { ok: true, text, summary: `\`${NPM_LOCK_COMMAND}\`: ${entries(text) - entries(before)} package(s) added` };
  } catch (e) {
    return { ok: false, reason: `could not prepare npm's scratch copy (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
