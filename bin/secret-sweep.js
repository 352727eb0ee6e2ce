#!/usr/bin/env node
// Thin launcher: all logic lives in dist/; this file only hands over argv and sets the exit code.
// The bundled CLI (dist/bundle) starts fastest; dist/cli is the unbundled fallback.

// `secret-sweep scan . | head`: the reader went away; stop quietly instead of printing a stack trace.
// Any other write error (`>/dev/full`, a closed descriptor): the report was not delivered, so one line
// and exit 2, never a clean exit.
process.stdout.on('error', (e) => {
  if (e && e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  process.stderr.write(`secret-sweep: cannot write to standard output: ${e?.code ?? String(e?.message ?? e).split('\n')[0]}\n`);
  process.exit(2);
});
async function load(bundled, unbundled) {
  try {
    return await import(`../dist/bundle/${bundled}`);
  } catch (e) {
    if (e?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
    return import(`../dist/cli/${unbundled}`);
  }
}
const argv = process.argv.slice(2);
// A pre-commit hook's `scan --staged` loads the one-file hook entry; it answers undefined to any command
// line it does not take, which then goes to the full CLI.
let code;
if (argv[0] === 'scan' && argv.includes('--staged')) code = await (await load('hook.js', 'hook-main.js')).hookMain(argv);
// Common `scan` lines (a folder with --format, -o …) load the one-file scan entry, likewise.
else if (argv[0] === 'scan') code = await (await load('scan.js', 'scan-main.js')).scanMain(argv);
code ??= await (await load('cli.js', 'main.js')).main(argv);
process.exitCode = code;
