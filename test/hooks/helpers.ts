/** Temp git repositories for the hook tests, and running `git commit` in them as a user would. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { BIN, runCli, type RunResult } from '../support/cli.js';

/** The environment hooks run with: this checkout's binary, node on PATH, no user/global git config. */
export function hookEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    SECRET_SWEEP_BIN: BIN,
    PATH: dirname(process.execPath) + delimiter + (process.env.PATH ?? ''),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    NO_COLOR: '1',
    ...extra,
  };
}

export function sh(cwd: string, cmd: string, args: string[], env: Record<string, string> = {}): RunResult {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, ...hookEnv(), ...env }, timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

export function git(cwd: string, ...args: string[]): string {
  const r = sh(cwd, 'git', args);
  if (r.code !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

/** A fresh repository with one commit, identity set locally. */
export function makeRepo(prefix = 'ss-hook-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'Hook Test');
  git(dir, 'config', 'user.email', 'hook-test@example.invalid');
  git(dir, 'config', 'commit.gpgsign', 'false');
  writeFileSync(join(dir, 'README.md'), '# demo\n');
  git(dir, 'add', 'README.md');
  git(dir, 'commit', '-q', '--no-verify', '-m', 'initial');
  return dir;
}

/** Write files, stage them, `git commit` (hooks run). */
export function commit(dir: string, files: Record<string, string>, env: Record<string, string> = {}): RunResult {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  git(dir, 'add', '--', ...Object.keys(files));
  return sh(dir, 'git', ['commit', '-m', `add ${Object.keys(files).join(', ')}`], env);
}

/** Throw away what is staged and not committed (after a blocked commit). */
export function unstageAll(dir: string): void {
  git(dir, 'reset', '-q', '--hard', 'HEAD');
}

export function hook(dir: string, ...args: string[]): RunResult {
  return runCli(['hook', ...args], { cwd: dir, env: hookEnv() });
}

export function headSubject(dir: string): string {
  return git(dir, 'log', '-1', '--format=%s');
}

export { BIN };
