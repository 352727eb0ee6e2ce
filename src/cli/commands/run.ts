/**
 * `secret-sweep run [--env-file FILE] [--file PATH=sm://NAME[#KEY]]... [--region R] [--endpoint-url URL] -- COMMAND [ARGS...]`
 *
 * Reads, lowest precedence first: the committed `secret-sweep.refs` of the repository (found from the
 * current folder upwards, so a program started in a package folder gets the root's references), the
 * root's `.env`, and the env file (default `.env` in the current folder when there is one), all under
 * the process environment (which wins, as with dotenv); resolves every `sm://NAME#KEY` reference (syntax: src/migrate/run-env.ts) from Secrets
 * Manager, each secret fetched once, then runs COMMAND with that environment and inherited stdio.
 * From the files, only variables holding a reference go into the environment, and those the dotenv
 * backend wrote (its `# secret-sweep:` blocks, which nothing else loads): a file's other variables are
 * its program's own reader's to load. That reader (dotenv, python-dotenv, `node --env-file`, compose,
 * Next.js) never overrides the environment, so a value put there as run reads it would replace the
 * program's own reading of it where the two parse differently (`'a\\b'`, `v1#beta`, `${X}` expansion),
 * and a root `.env`'s settings would reach every program of the repository.
 * The exit code is the child's; SIGINT / SIGTERM / SIGHUP are forwarded, and a child killed by a signal
 * gives 128 + its number. A reference that cannot be resolved: one line naming the variable and the
 * secret, exit 2, and the command is not started. `--file` writes whole-file secrets (mode 0600) before
 * the command starts and removes them after it ends (src/migrate/run-files.ts).
 */
import type { Argv, CommandModule } from 'yargs';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { constants as osc } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { optionalMissing } from '../../lazy.js';
import { SweepError } from '../../errors.js';
import { parseEnvText, referencesIn, REFS_FILE, resolveEnv, smReference } from '../../migrate/run-env.js';
import { vaultVariableNames } from '../../migrate/vault/dotenv.js';
import { materializeFiles, parseFileMapping, removeFiles } from '../../migrate/run-files.js';

export interface RunArgs {
  'env-file'?: string;
  file?: string[];
  region?: string;
  'endpoint-url'?: string;
  command?: string[];
  '--'?: string[];
}

const STDIN_TOKEN = '\u0000stdin'; // as in ../main.ts (not imported: main.ts imports this file)
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export function runCommand(setCode: (c: number) => void): CommandModule<object, RunArgs> {
  return {
    command: 'run [command..]',
    describe: 'Run a command with Secrets Manager references (sm://NAME#KEY) in its environment resolved',
    builder: (y: Argv<object>) =>
      y
        .parserConfiguration({ 'populate--': true })
        .positional('command', { type: 'string', array: true, describe: 'The command and its arguments (after --)' })
        .option('env-file', { type: 'string', describe: `Read references from this file (default: .env when present; the repository's ${REFS_FILE} and root .env are read first)` })
        .option('file', { type: 'string', array: true, describe: 'Write a whole-file secret to PATH (mode 0600) for the command\'s lifetime: PATH=sm://NAME[#KEY]' })
        .option('region', { type: 'string', describe: 'AWS region (default: AWS_REGION / AWS_DEFAULT_REGION)' })
        .option('endpoint-url', { type: 'string', describe: 'Secrets Manager endpoint (LocalStack, a test server)' })
        .example('$0 run -- python etl.py', 'Run etl.py with the .env references resolved')
        .example('$0 run --env-file deploy/prod.env -- node server.js', 'Use another env file')
        .example('$0 run --file keys/deploy.pem=sm://prod/etl/deploy-pem#file -- python3 sign.py', 'Write a key file for the command, remove it after') as unknown as Argv<RunArgs>,
    handler: async (args) => {
      setCode(await executeRun(args));
    },
  };
}

function childCommand(args: RunArgs): string[] {
  // main.ts hides a bare "-" from yargs as STDIN_TOKEN; the child gets it back as "-".
  return [...(args.command ?? []), ...(args['--'] ?? [])].map((a) => (String(a) === STDIN_TOKEN ? '-' : String(a)));
}

/** Run the command; resolves to the exit code (throws a SweepError for exit 2). */
export async function executeRun(args: RunArgs): Promise<number> {
  const cmd = childCommand(args);
  if (cmd.length === 0) throw new SweepError('say which command to run, after --: secret-sweep run -- COMMAND [ARGS...]');

  // The root's references, the root's .env, the env file: each over the one before, all under the process environment.
  const fileVars: Record<string, string> = {};
  const envFile = args['env-file'];
  const cwd = process.cwd();
  const root = repositoryRoot(cwd);
  const layers: Array<{ file: string; required: boolean }> = [];
  if (root) layers.push({ file: join(root, REFS_FILE), required: false });
  if (root && root !== cwd && envFile === undefined) layers.push({ file: join(root, '.env'), required: false });
  layers.push({ file: resolve(envFile ?? '.env'), required: envFile !== undefined });
  for (const layer of layers) {
    let text: string | undefined;
    try {
      text = readFileSync(layer.file, 'utf8');
    } catch (e) {
      if (layer.required || (e as NodeJS.ErrnoException).code !== 'ENOENT') {
        const shown = layer.required ? envFile! : relative(cwd, layer.file) || layer.file;
        throw new SweepError(`cannot read the env file (${(e as NodeJS.ErrnoException).code ?? 'error'})`, shown);
      }
    }
    if (text === undefined) continue;
    const written = vaultVariableNames(text);
    for (const l of parseEnvText(text)) if (referencesIn(l.value).length || written.has(l.key)) fileVars[l.key] = l.value;
  }
  const merged: Record<string, string | undefined> = { ...fileVars, ...process.env };
  const files = (args.file ?? []).map((f) => parseFileMapping(String(f)));
  // The files' references resolve with the environment's (each secret fetched once), under names no
  // variable can have; they are taken out again before the child gets its environment.
  const fileVar = (i: number) => `--file ${files[i]!.path}`;
  if (new Set(files.map((f) => f.path)).size < files.length) throw new SweepError('the same --file PATH is given twice');
  files.forEach((f, i) => (merged[fileVar(i)] = smReference(f.ref.secretName, f.ref.jsonKey)));

  let vault: { get(name: string): Promise<{ value: string }>; close(): void } | undefined;
  const env = await resolveEnv(merged, async (name) => {
    if (!vault) {
      // A missing SDK (npm --omit=optional) is said as such, not as an unreadable secret.
      const { AwsVault } = await import('../../migrate/vault/aws.js').catch(optionalMissing);
      vault ??= new AwsVault({ region: args.region, endpoint: args['endpoint-url'] });
    }
    return (await vault.get(name)).value;
  }).finally(() => vault?.close());

  const contents = files.map((_, i) => env[fileVar(i)]!);
  for (let i = 0; i < files.length; i++) delete env[fileVar(i)];
  const written = materializeFiles(process.cwd(), files, contents);
  try {
    return await spawnChild(cmd[0]!, cmd.slice(1), env);
  } finally {
    removeFiles(written);
  }
}

/** The repository root: the nearest folder upwards holding `secret-sweep.refs` or `.git`, or undefined. */
function repositoryRoot(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, REFS_FILE)) || existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

function spawnChild(file: string, argv: string[], env: Record<string, string>): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(file, argv, { stdio: 'inherit', env });
    const handlers = new Map<string, () => void>();
    for (const sig of FORWARDED) {
      const h = () => {
        if (child.exitCode === null && child.signalCode === null) child.kill(sig);
      };
      handlers.set(sig, h);
      process.on(sig, h);
    }
    const cleanup = () => {
      for (const [sig, h] of handlers) process.off(sig, h);
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      cleanup();
      reject(new SweepError(e.code === 'ENOENT' ? 'command not found' : `cannot start the command (${e.code ?? e.message})`, file));
    });
    child.on('exit', (code, signal) => {
      cleanup();
      if (signal) resolvePromise(128 + ((osc.signals as Record<string, number>)[signal] ?? 0));
      else resolvePromise(code ?? 0);
    });
  });
}
