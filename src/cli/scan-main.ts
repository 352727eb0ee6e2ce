/**
 * The common `scan` command lines (hook-argv.ts quickScanArgs: a folder scan with --format, -o and the
 * like, or a hook shape), without yargs. `npm run build` bundles this file alone into dist/bundle/scan.cjs,
 * which bin/secret-sweep.js loads for `scan` (through V8's code cache, bin/precompiled.js): one module instead of the forty-odd chunks of the full CLI
 * (resolving and loading them was a tenth of an empty folder's scan). Other command lines get undefined
 * here and go to the full CLI (main.ts).
 */
import { hookMain } from './hook-main.js';
import { quickScanArgs } from './hook-argv.js';

/** The exit code of a common `scan` line, or undefined when `argv` is not one (main.ts parses it). */
export function scanMain(argv: string[]): Promise<number | undefined> {
  return hookMain(argv, quickScanArgs);
}
