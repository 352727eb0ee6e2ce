/**
 * The command line: yargs commands, flags in, exit code out. The only layer that decides exit codes;
 * nothing below it prints errors or exits.
 */
import type { Argv, CommandModule } from 'yargs';
import { quoteUserText } from '../findings/redact.js';
import { hookMain } from './hook-main.js';
import { quickScanArgs } from './hook-argv.js';
import { reportError, UsageError } from './report-error.js';
import { version } from './version.js';

export { reportError, usageLine } from './report-error.js';

export type CommandResult = number;

type CommandFactory = (setCode: (c: number) => void) => CommandModule<object, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Every command, loaded on demand: a pre-commit `scan --staged` must not pay for parsing the migrate,
 * hook or rewriter code. To add a command, add a line here (its module exports the factory).
 */
const COMMANDS: Record<string, () => Promise<CommandFactory>> = {
  scan: async () => (await import('./commands/scan.js')).scanCommand,
  baseline: async () => (await import('./commands/baseline.js')).baselineCommand,
  rules: async () => (await import('./commands/rules.js')).rulesCommand,
  hook: async () => (await import('./commands/hook.js')).hookCommand,
  migrate: async () => (await import('./commands/migrate.js')).migrateCommand,
  run: async () => (await import('./commands/run.js')).runCommand,
  'verify-refs': async () => (await import('./commands/verify-refs.js')).verifyRefsCommand,
};

/** The commands to register: just the one being run, or all of them for help and typo suggestions. */
async function commandsFor(argv: string[]): Promise<CommandFactory[]> {
  const first = argv.find((a) => !a.startsWith('-'));
  const names = first !== undefined && first in COMMANDS && !argv.includes('--help') && !argv.includes('-h') ? [first] : Object.keys(COMMANDS);
  return Promise.all(names.map((n) => COMMANDS[n]!()));
}

/** Run the CLI with these arguments; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  // The AWS SDK prints a multi-line Node-version notice on stderr; our stderr is one line per problem.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const debug = argv.includes('--debug');
  let code = 0;
  const setCode = (c: number) => {
    code = c;
  };
  // The pre-commit hook's fixed command lines, and common `scan PATH` lines, skip loading yargs (hook-argv.ts).
  const hooked = await hookMain(argv, quickScanArgs);
  if (hooked !== undefined) return hooked;
  try {
    const unknown = unknownCommand(argv);
    if (unknown) throw unknown;
    const { default: yargs } = await import('yargs');
    // yargs swallows a bare "-"; keep it as the stdin path.
    const args = runSeparated(argv).map((a) => (a === '-' ? STDIN_TOKEN : a));
    let cli: Argv = yargs(args)
      .scriptName('secret-sweep')
      .usage('$0 <command> [options]\n\nFind credentials in code and git history; move them into AWS Secrets Manager.')
      .option('debug', { type: 'boolean', describe: 'Print stack traces and dropped-candidate reasons', global: true });
    for (const factory of await commandsFor(argv)) cli = cli.command(factory(setCode));
    cli = cli
      .demandCommand(1, 'Say which command to run, e.g. `secret-sweep scan .`')
      .strict()
      .version(version())
      .help()
      .alias('h', 'help')
      // CLI.md: `secret-sweep --help` shows examples, as each command's does.
      .example([
        ['$0 scan .', 'scan a folder (the working tree of a repository)'],
        ['$0 scan --staged', 'pre-commit: the lines the commit adds'],
        ['$0 scan --ci --format sarif -o leaks.sarif', 'CI: what the push or pull request adds'],
        ['$0 hook install', 'wire the pre-commit hook'],
        ['$0 migrate . --app etl --env prod', 'dry run: move the credentials found into Secrets Manager'],
        ['$0 <command> --help', "a command's options and examples"],
      ])
      .epilogue('Exit codes: 0 nothing found, 1 findings, 2 usage/config/runtime error.')
      .wrap(process.stdout.isTTY ? Math.min(110, process.stdout.columns || 100) : null)
      .exitProcess(false)
      .fail((msg, err) => {
        if (err) throw err;
        throw new UsageError(msg);
      });
    skipHelpCache(cli);
    await cli.parseAsync();
    return code;
  } catch (e) {
    return await reportError(e, debug);
  }
}


/**
 * yargs renders the whole help text after every command just in case it is needed later (~30 ms, a
 * tenth of a pre-commit run). Our fail handler never shows it, so skip that work. Internal API: guarded.
 */
function skipHelpCache(cli: Argv): void {
  try {
    const usage = (cli as unknown as { getInternalMethods(): { getUsageInstance(): { cacheHelpMessage?: () => void } } })
      .getInternalMethods()
      .getUsageInstance();
    if (typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
  } catch {
    /* a yargs without this internal: keep its default behaviour */
  }
}

export const STDIN_TOKEN = '\u0000stdin';


/** `run`'s options that take a value (the word after them is not the command). */
const RUN_VALUE_OPTIONS = new Set(['--env-file', '--region', '--endpoint-url', '--file', '--profile']);

/**
 * `run node -e CODE` without `--`: the command starts at the first word after `run` that is not one of
 * run's own options, and everything from there is the command's (`-e` is node's, not ours).
 */
export function runSeparated(argv: string[]): string[] {
  const at = argv.findIndex((a) => !a.startsWith('-'));
  if (at < 0 || argv[at] !== 'run' || argv.includes('--')) return argv;
  for (let i = at + 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (RUN_VALUE_OPTIONS.has(a)) i++;
    else if (!a.startsWith('-')) return [...argv.slice(0, i), '--', ...argv.slice(i)];
  }
  return argv;
}


/** The first non-option word, when it is not a command: an error listing the commands (a near miss is suggested). */
function unknownCommand(argv: string[]): UsageError | undefined {
  const first = argv.find((a) => !a.startsWith('-'));
  if (first === undefined || first in COMMANDS) return undefined;
  const near = Object.keys(COMMANDS).filter((c) => c.startsWith(first) || editDistance(c, first) <= 1);
  const hint = near.length === 1 ? ` Did you mean ${near[0]}?` : '';
  return new UsageError(`unknown command ${JSON.stringify(quoteUserText(first))}; the commands are ${Object.keys(COMMANDS).join(', ')}.${hint}`);
}

/** Edit distance with adjacent transpositions ("sacn" is one edit from "scan"). */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  return d[a.length]![b.length]!;
}


