/**
 * The pre-commit hook's command line, recognised without yargs.
 *
 * Loading yargs (and the text-layout packages it pulls in) costs 50-80 ms of Node start-up, a third of the
 * 250 ms a `scan --staged` hook may take. The hooks we install run a handful of fixed shapes
 * (`scan --staged`, `--baseline FILE`, maybe a path), so those are recognised here and handed to the scan
 * command as the same arguments yargs would build (test/cli/hook-argv.test.ts holds the two side by
 * side). Anything else, including `--help`, `--flag=value` and repeated flags, returns undefined and goes
 * through yargs as usual: this is a recogniser of known shapes, not a second parser.
 */
import type { ScanArgs } from './commands/scan.js';

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

/** The scan arguments for a hook-shaped argv (`scan --staged …`), or undefined to let yargs parse it. */
export function hookScanArgs(argv: readonly string[]): ScanArgs | undefined {
  if (argv[0] !== 'scan') return undefined;
  const args: ScanArgs = { path: '.', format: 'text', gitignore: true };
  const seen = new Set<string>();
  let path: string | undefined;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (seen.has(a)) return undefined;
    seen.add(a);
    const flag = BOOLEAN_FLAGS[a];
    if (flag) {
      Object.assign(args, flag);
      continue;
    }
    const key = VALUE_FLAGS[a];
    if (key) {
      const v = argv[++i];
      // A value yargs would read differently (a flag, a number, nothing) is left to yargs.
      if (v === undefined || v.startsWith('-') || numberLike(v)) return undefined;
      args[key] = v;
      continue;
    }
    if (a.startsWith('-') || path !== undefined || numberLike(a)) return undefined;
    path = a;
  }
  if (args.staged !== true) return undefined;
  if (path !== undefined) args.path = path;
  return args;
}

/** Text yargs might read as a number (or as nothing): left to yargs rather than second-guessed. */
function numberLike(v: string): boolean {
  return v.trim() === '' || !Number.isNaN(Number(v));
}
