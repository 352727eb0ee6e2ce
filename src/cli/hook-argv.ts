/**
 * The pre-commit hook's command line, and the common `scan PATH` lines, recognised without yargs.
 *
 * Loading yargs (and the text-layout packages it pulls in) costs 50-80 ms of Node start-up, a third of the
 * 250 ms a `scan --staged` hook may take, and about a tenth of a folder scan's CPU. The hooks we install run
 * a handful of fixed shapes (`scan --staged`, `--baseline FILE`, maybe a path), and a folder scan is mostly
 * `scan PATH [--format F] [-o FILE]`, so those are recognised here and handed to the scan command as the
 * same arguments yargs would build (test/cli/hook-argv.test.ts holds the two side by side). Anything
 * else, including `--help`, `--flag=value` and repeated flags, returns undefined and goes through yargs as
 * usual: this is a recogniser of known shapes, not a second parser.
 */
import type { ScanArgs } from './commands/scan.js';
import { FORMATS } from '../report/index.js';

const BOOLEAN_FLAGS: Record<string, Partial<ScanArgs>> = {
  '--staged': { staged: true },
  '--all-lines': { 'all-lines': true },
  '--debug': { debug: true },
  '--no-color': { color: false },
};
const VALUE_FLAGS: Record<string, 'baseline' | 'config'> = {
  '--baseline': 'baseline',
  '--config': 'config',
};
/** What `scan PATH` lines may add to the hook's shapes (not the hook entry's: it has text output only). */
const SCAN_BOOLEAN_FLAGS: Record<string, Partial<ScanArgs>> = {
  ...BOOLEAN_FLAGS,
  '--no-gitignore': { gitignore: false },
};
const SCAN_VALUE_FLAGS: Record<string, 'baseline' | 'config' | 'format' | 'output'> = {
  ...VALUE_FLAGS,
  '--format': 'format',
  '--output': 'output',
  '-o': 'output',
};

/** The scan arguments for a hook-shaped argv (`scan --staged …`), or undefined to let yargs parse it. */
export function hookScanArgs(argv: readonly string[]): ScanArgs | undefined {
  const args = recognise(argv, BOOLEAN_FLAGS, VALUE_FLAGS);
  return args?.staged === true ? args : undefined;
}

/**
 * The scan arguments for a common `scan` line (a hook shape, or `scan [PATH] [--format F] [-o FILE]
 * [--no-gitignore] …`), or undefined to let yargs parse it. The full CLI's fast path (main.ts).
 */
export function quickScanArgs(argv: readonly string[]): ScanArgs | undefined {
  const args = recognise(argv, SCAN_BOOLEAN_FLAGS, SCAN_VALUE_FLAGS);
  // A format yargs would refuse (its `choices`) is left to yargs' message.
  if (!args || !(FORMATS as readonly string[]).includes(args.format)) return undefined;
  return args;
}

function recognise(argv: readonly string[], booleans: Record<string, Partial<ScanArgs>>, values: Record<string, 'baseline' | 'config' | 'format' | 'output'>): ScanArgs | undefined {
  if (argv[0] !== 'scan') return undefined;
  const args: ScanArgs = { path: '.', format: 'text', gitignore: true };
  const seen = new Set<string>();
  let path: string | undefined;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (seen.has(a)) return undefined;
    seen.add(a);
    const flag = booleans[a];
    if (flag) {
      Object.assign(args, flag);
      continue;
    }
    const key = values[a];
    if (key) {
      // `-o` and `--output` are one option: both given is yargs' business.
      if (key === 'output' && args.output !== undefined) return undefined;
      const v = argv[++i];
      // A value yargs would read differently (a flag, a number, nothing) is left to yargs.
      if (v === undefined || v.startsWith('-') || numberLike(v)) return undefined;
      args[key] = v;
      continue;
    }
    if (a.startsWith('-') || path !== undefined || numberLike(a)) return undefined;
    path = a;
  }
  if (path !== undefined) args.path = path;
  return args;
}

/** Text yargs might read as a number (or as nothing): left to yargs rather than second-guessed. */
function numberLike(v: string): boolean {
  return v.trim() === '' || !Number.isNaN(Number(v));
}
