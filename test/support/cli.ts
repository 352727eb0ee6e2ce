/** Run the built CLI (dist/) as a user would, capturing exit code and output. */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/secret-sweep.js', import.meta.url));

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { cwd?: string; input?: string; env?: Record<string, string> } = {}): RunResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd,
    input: opts.input ?? '',
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', CI: 'true', ...opts.env },
    timeout: 60_000,
    // SARIF lists every rule that ran (900+, over 1 MB): spawnSync's default 1 MB buffer would kill the child.
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Fake credentials for the local Secrets Manager (test/support/sm-server.ts checks only that they are present). */
export const TEST_AWS_ENV = { AWS_ACCESS_KEY_ID: 'test-not-a-key', AWS_SECRET_ACCESS_KEY: 'test-not-a-secret', AWS_REGION: 'us-east-1' };

export interface AsyncRunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time. */
  ms: number;
}

/**
 * Run a command without blocking this process (a test's local server lives here: spawnSync would
 * deadlock it). No colour, CI set, the CLI's test crash point cleared unless `env` sets one;
 * `killAfterMs` sends SIGKILL after that long.
 */
export function runAsync(cmd: string, args: string[], opts: { cwd: string; env?: Record<string, string>; killAfterMs?: number }): Promise<AsyncRunResult> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, {
      cwd: opts.cwd,
      env: { ...process.env, NO_COLOR: '1', CI: 'true', NODE_NO_WARNINGS: '1', SECRET_SWEEP_TEST_CRASH_AT: '', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = opts.killAfterMs === undefined ? undefined : setTimeout(() => p.kill('SIGKILL'), opts.killAfterMs);
    p.stdout.on('data', (b) => (stdout += b));
    p.stderr.on('data', (b) => (stderr += b));
    p.on('error', reject);
    p.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

/** The built CLI through runAsync. */
export function runCliAsync(args: string[], opts: { cwd: string; env?: Record<string, string>; killAfterMs?: number }): Promise<AsyncRunResult> {
  return runAsync(process.execPath, [BIN, ...args], opts);
}

/** A child with exactly `env` (nothing inherited from the test's environment): what a deployed program gets. */
export function runWithEnvOnly(cmd: string, args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (b) => (stdout += b));
    p.stderr.on('data', (b) => (stderr += b));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
