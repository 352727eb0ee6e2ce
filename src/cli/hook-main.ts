/**
 * The pre-commit hook's way in: `scan --staged` in the fixed shapes hook-argv.ts recognises, without yargs.
 * `npm run build` also bundles this file alone into dist/bundle/hook.cjs, which bin/secret-sweep.js loads
 * for `scan --staged` (through V8's code cache, bin/precompiled.js): one module to load instead of the
 * forty-odd chunks the full CLI's bundle splits the same code into (module loading was an eighth of a hook run). Other command lines get undefined
 * here and go to the full CLI (main.ts), which calls this first too.
 */
import { hookScanArgs } from './hook-argv.js';
import type { ScanArgs } from './commands/scan.js';
import { reportError } from './report-error.js';

/**
 * The exit code of a hook-shaped `scan --staged`, or undefined when `argv` is not one (main.ts parses it).
 * `recognise`: which command lines to take (main.ts passes the wider `scan PATH` shapes, quickScanArgs).
 */
export async function hookMain(argv: string[], recognise: (argv: readonly string[]) => ScanArgs | undefined = hookScanArgs): Promise<number | undefined> {
  const args = recognise(argv);
  if (!args) return undefined;
  let code = 0;
  try {
    // git starts (discovery, the staged diff, the blob reader) while the scan command loads.
    if (args.staged) (await import('../sources/git/staged.js')).startStagedEarly(args.path, { allLines: args['all-lines'] });
    const scan = (await import('./commands/scan.js')).scanCommand((c) => {
      code = c;
    });
    await scan.handler(args as never);
    return code;
  } catch (e) {
    return await reportError(e, argv.includes('--debug'));
  }
}
