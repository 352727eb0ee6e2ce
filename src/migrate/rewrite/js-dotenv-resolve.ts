/**
 * CommonJS code that loads a `.env` into `process.env` with dotenv (`require('dotenv').config()`,
 * `dotenv.config(…)`, `require('dotenv/config')`) whose values migrate turned into `sm://` references:
 * right after the load, the rewritten code resolves them itself (synchronously, in one child process), so
 * `node app.js` runs as before, not only under `secret-sweep run`:
 *
 *   require('dotenv').config();   ->  require('dotenv').config();
 *                                     require('./secret-sweep-secrets.cjs').resolveEnvSync();
 *
 * An ES module loads it with `import 'dotenv/config'`, and its imports run in order before any statement:
 * a statement would come too late for the modules imported after the load, which may read the variables
 * when imported. So the resolution is an import too, of a generated one-line CommonJS module, placed
 * right after the load (ES modules may import CommonJS; it runs in its turn, synchronously):
 *
 *   import 'dotenv/config';       ->  import 'dotenv/config';
 *                                     import './secret-sweep-env.cjs';
 *
 * Under `secret-sweep run` the variables already hold the values (dotenv keeps what is set): nothing to do.
 * Line-based and cautious: only a load that is a whole statement on its own line, in a plain `.js`/`.cjs`
 * file using `require` and no ES module syntax, or an `import 'dotenv/config'` line in a `.js`/`.mjs` ES
 * module (a `dotenv.config()` statement there runs after every import: left as it is). A load already
 * followed by the resolution is left alone, so a second run writes nothing.
 */
import path from 'node:path';
import { GENERATED_MARKER } from '../backend/backend.js';
import { detectEol } from './fixer.js';
import type { TextEdit } from './rewriter.js';

export const JS_RESOLVE_HELPER = 'secret-sweep-secrets.cjs';
export const JS_RESOLVE_MODULE = 'secret-sweep-env.cjs';
const ESM_LOAD = /^([ \t]*)import\s*(['"])dotenv\/config(?:\.js)?\2\s*;?[ \t]*(?:\/\/.*)?\r?$/;

/** The module an ES module imports after `import 'dotenv/config'`: it resolves what the load brought. */
export function jsResolveModuleSource(eol = '\n'): string {
  return [
    `// ${JS_RESOLVE_MODULE}: ${GENERATED_MARKER}. Safe to edit; secret-sweep replaces it only while this line stays.`,
    "// Imported right after `import 'dotenv/config'`: replaces the sm:// references that load put in",
    '// process.env by their values, before the modules imported after it read them.',
    "'use strict';",
    `require('./${JS_RESOLVE_HELPER}').resolveEnvSync();`,
    '',
  ].join(eol);
}
const LOAD = /^([ \t]*)(?:require\(\s*(['"])dotenv\2\s*\)|[A-Za-z_$][\w$]*)\.config\s*\((?:[^()]|\([^()]*\))*\)\s*;?[ \t]*(?:\/\/.*)?\r?$|^([ \t]*)require\(\s*(['"])dotenv\/config\4\s*\)\s*;?[ \t]*(?:\/\/.*)?\r?$/;
const ESM = /^\s*(import\s[^(]|import\s*\{|export\s)/m;

export interface JsDotenvResolve {
  edits: TextEdit[];
  /** 1-based lines of the loads now followed by the resolution. */
  lines: number[];
  /** The helper the edits require, repository-relative. */
  helper: string;
  /** The module an ES module's edits import (it requires the helper), repository-relative. */
  module?: string;
}

/** The edits that make a CommonJS file resolve references after each dotenv load; undefined when none. */
export function jsDotenvResolveEdits(file: string, text: string): JsDotenvResolve | undefined {
  const dir = path.posix.dirname(file);
  const inDir = (name: string) => (dir === '.' ? name : `${dir}/${name}`);
  if (/\.m?js$/i.test(file) && ESM.test(text)) {
    // An ES module: each `import 'dotenv/config'` line is followed by the import of the resolving module.
    if (!/dotenv\/config/.test(text)) return undefined;
    const r = insertAfterLoads(text, (line, next) => {
      const m = ESM_LOAD.exec(line);
      return m && !next.includes(JS_RESOLVE_MODULE) ? `${m[1]}import './${JS_RESOLVE_MODULE}';` : undefined;
    });
    return r && { ...r, helper: inDir(JS_RESOLVE_HELPER), module: inDir(JS_RESOLVE_MODULE) };
  }
  if (!/\.c?js$/i.test(file) || !/\bdotenv\b/.test(text) || !/\brequire\s*\(/.test(text)) return undefined;
  // A name bound to dotenv: `x.config()` counts only for it.
  const bound = new Set([...text.matchAll(/\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*require\(\s*['"]dotenv['"]\s*\)/g)].map((m) => m[1]!));
  const r = insertAfterLoads(text, (line, next) => {
    const m = LOAD.exec(line);
    if (!m) return undefined;
    const receiver = /^\s*([A-Za-z_$][\w$]*)\.config/.exec(line)?.[1];
    if (receiver && receiver !== 'require' && !bound.has(receiver)) return undefined;
    if (/\.resolveEnvSync\(\)/.test(next)) return undefined;
    return `${m[1] ?? m[3] ?? ''}require('./${JS_RESOLVE_HELPER}').resolveEnvSync();`;
  });
  return r && { ...r, helper: inDir(JS_RESOLVE_HELPER) };
}

/** After each line for which `statement` gives one (it sees the line and the next), that statement on its own line. */
function insertAfterLoads(text: string, statement: (line: string, next: string) => string | undefined): { edits: TextEdit[]; lines: number[] } | undefined {
  const eol = detectEol(text);
  const lines = text.split('\n');
  const edits: TextEdit[] = [];
  const at: number[] = [];
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const start = offset;
    offset += line.length + 1;
    const add = statement(line, lines[i + 1] ?? '');
    if (add === undefined) continue;
    const last = i + 1 >= lines.length;
    const insertAt = last ? start + line.length : offset;
    edits.push({ start: insertAt, end: insertAt, replacement: `${last ? eol : ''}${add} // the sm:// references it loaded, resolved${eol}` });
    at.push(i + 1);
  }
  return edits.length ? { edits, lines: at } : undefined;
}
