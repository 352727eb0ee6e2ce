'use strict';
// Loads a CommonJS bundle (dist/bundle/hook.cjs, dist/bundle/scan.cjs) through V8's code cache: Node 20 has no
// compile cache (module.enableCompileCache is Node 22), and compiling the pre-commit entry, its functions
// included, was a fifth of a `scan --staged` run. The cache is V8's compiled form of the bundle, made after a run (so the
// functions the run compiled are in it) and kept next to the bundle as `<bundle>.v8-cache`.
//
// It is only ever a shortcut: missing, for another bundle or another Node, damaged or rejected by V8, it is
// not used, the bundle is compiled from its text, and a new cache replaces it. V8 compares a cache with the
// text by length only, so the cache's first line names the bundle by the SHA-256 the build wrote on the
// bundle's first line (scripts/bundle.mjs), with Node's version and architecture; V8 checks its own version
// and flags, and with --verify-snapshot-checksum a checksum of the whole cache (without it, a damaged cache
// can crash the process, or run wrong code). That flag is on only while this cache is read or made: on, it
// also rejects the code caches built into Node for its own modules, which then compile from source. Written
// whole or not at all (a temporary file renamed); where the package's folder is read-only, nothing is
// written and every run compiles.
const { readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname } = require('node:path');
const { setFlagsFromString } = require('node:v8');
const { Script } = require('node:vm');

/** The bundle's name for its content, from its first line (`// bundle <sha256>`). */
const NAME = /^\/\/ bundle ([0-9a-f]{64})\n/;

/** `f()` with V8 checksumming the code caches it makes and checking those it reads. */
function checksummed(f) {
  setFlagsFromString('--verify-snapshot-checksum');
  try {
    return f();
  } finally {
    setFlagsFromString('--no-verify-snapshot-checksum');
  }
}

/**
 * Run the CommonJS bundle `file` as `require` would, compiled from its code cache when there is a good one.
 * `saveCache()`, called once the run has done its work, writes a new cache when none was used.
 * `name` names a file that has no `// bundle` line (a package's module: its path, size and mtime), and
 * `cacheFile` then keeps its cache outside the package's folder.
 */
function requireWithCodeCache(file, { name: given, cacheFile = `${file}.v8-cache` } = {}) {
  const text = readFileSync(file, 'utf8');
  const name = given ?? NAME.exec(text)?.[1];
  const key = name === undefined ? undefined : `${name} ${process.version} ${process.arch}\n`;
  let cachedData;
  if (key !== undefined) {
    try {
      const bytes = readFileSync(cacheFile);
      if (bytes.length > key.length && bytes.toString('latin1', 0, key.length) === key) cachedData = bytes.subarray(key.length);
    } catch {
      /* no cache yet */
    }
  }
  // Node's own CommonJS wrapper, on the bundle's first line: line numbers stay those of the file.
  const script = checksummed(() => new Script(`(function (exports, require, module, __filename, __dirname) {${text}\n})`, { filename: file, cachedData }));
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  const used = cachedData !== undefined && script.cachedDataRejected === false;
  return {
    exports: module.exports,
    saveCache() {
      if (key === undefined || used) return;
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      try {
        writeFileSync(tmp, Buffer.concat([Buffer.from(key, 'latin1'), checksummed(() => script.createCachedData())]));
        renameSync(tmp, cacheFile);
      } catch {
        // A read-only install: compiled on every run.
        try {
          rmSync(tmp, { force: true });
        } catch {
          /* nothing was written */
        }
      }
    },
  };
}

module.exports = { requireWithCodeCache };
