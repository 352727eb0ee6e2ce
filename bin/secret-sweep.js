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
let mod;
try {
  mod = await import('../dist/bundle/cli.js');
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
  mod = await import('../dist/cli/main.js');
}
process.exitCode = await mod.main(process.argv.slice(2));
