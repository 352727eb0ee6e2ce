#!/usr/bin/env node
'use strict';
// Thin launcher: all logic lives in dist/; this file only hands over argv and sets the exit code.
// The bundled CLI (dist/bundle) starts fastest; dist/cli is the unbundled fallback. CommonJS (bin/package.json):
// a pre-commit hook's `scan --staged` and the common `scan` lines then run without Node's ES module loader,
// their one-file entries (dist/bundle/hook.cjs, dist/bundle/scan.cjs) compiled from V8's code cache (precompiled.js).

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
/**
 * A one-file entry (dist/bundle/<name>.cjs) through the code cache, else its unbundled module (with nothing to
 * save): `run` is its export `fn`.
 */
async function loadEntry(name, unbundled, fn) {
  try {
    const entry = require('./precompiled.js').requireWithCodeCache(require('node:path').join(__dirname, `../dist/bundle/${name}.cjs`));
    return { run: entry.exports[fn], saveCache: entry.saveCache };
  } catch (e) {
    if (e?.code !== 'ENOENT') throw e;
    return { run: (await import(`../dist/cli/${unbundled}`))[fn], saveCache() {} };
  }
}
/**
 * A scan has answered (its report written, synchronously: scan-main.ts, hook-main.ts): end the process now
 * rather than let Node tear down its heap first, ~3 ms of a pre-commit run. One turn of the event loop
 * first, so that a failed report write (its 'error' comes on the next tick) still ends in exit 2 through
 * the handler above; and only when neither stream holds unwritten data (pipes are asynchronous on macOS
 * and Windows): otherwise Node ends as usual, once they drain.
 */
function exitOnceWritten() {
  setImmediate(() => {
    const { stdout, stderr } = process;
    if (stdout.writableLength === 0 && stderr.writableLength === 0 && !stdout.errored && !stderr.errored) process.exit();
  });
}
async function run(argv) {
  // A pre-commit hook's `scan --staged` loads the one-file hook entry; it answers undefined to any command
  // line it does not take, which then goes to the full CLI.
  // Common `scan` lines (a folder with --format, -o …) load the one-file scan entry, likewise.
  let code;
  if (argv[0] === 'scan') {
    const entry = argv.includes('--staged') ? await loadEntry('hook', 'hook-main.js', 'hookMain') : await loadEntry('scan', 'scan-main.js', 'scanMain');
    code = await entry.run(argv);
    // A cache made after a whole scan holds the functions a scan compiles (not those of an early error).
    if (code === 0 || code === 1) entry.saveCache();
  }
  process.exitCode = code;
  if (code !== undefined) return exitOnceWritten();
  process.exitCode = await (await load('cli.js', 'main.js')).main(argv);
}
// A rejection here is a bug. Exit 2 (a runtime error), never Node's default 1, which means "leaks found".
run(process.argv.slice(2)).catch((e) => {
  const debug = process.argv.includes('--debug');
  process.stderr.write(`secret-sweep: internal error: ${debug ? (e?.stack ?? String(e)) : String(e?.message ?? e).split('\n')[0]}\n`);
  process.exitCode = 2;
});
