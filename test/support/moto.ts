/**
 * A real AWS emulator for end-to-end migrate tests: moto's server (`moto_server`, Python), started on
 * 127.0.0.1 at a free port and stopped by the test; or an endpoint the user names in
 * SWEEP_TEST_SM_ENDPOINT (LocalStack, a running moto). The machine image's Python ships moto; Debian
 * bookworm has no package for it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

export interface Emulator {
  endpoint: string;
  stop(): Promise<void>;
}

const given = process.env.SWEEP_TEST_SM_ENDPOINT;

/** The command that starts moto's server, or undefined when there is none. */
function motoCommand(): string[] | undefined {
  if (spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status === 0) return ['moto_server'];
  if (spawnSync('python3', ['-c', 'import moto.server'], { stdio: 'ignore' }).status === 0) return ['python3', '-m', 'moto.server'];
  return undefined;
}

const command = given ? undefined : motoCommand();
export const emulatorAvailable = Boolean(given) || command !== undefined;
export const emulatorMissing = 'no AWS emulator: moto_server is not installed (the machine image\'s Python has moto; or set SWEEP_TEST_SM_ENDPOINT)';

export async function startEmulator(): Promise<Emulator> {
  if (given) return { endpoint: given, stop: async () => {} };
  if (!command) throw new Error(emulatorMissing);
  const child: ChildProcess = spawn(command[0]!, [...command.slice(1), '-H', '127.0.0.1', '-p', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`moto_server did not start in 30 s: ${seen.slice(-300)}`)), 30_000);
    const look = (b: Buffer) => {
      seen += b.toString();
      const m = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', look);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`moto_server exited (${code}): ${seen.slice(-300)}`));
    });
  });
  // Keep reading its log so a full pipe never blocks it.
  child.stdout!.resume();
  child.stderr!.resume();
  return {
    endpoint,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}
