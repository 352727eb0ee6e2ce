/**
 * CommonJS code that loads a `.env` into `process.env` with dotenv (`require('dotenv').config()`,
 * `dotenv.config(…)`, `require('dotenv/config')`) whose values migrate turned into `sm://` references:
 * right after the load, the rewritten code resolves them itself (synchronously, in one child process), so
 * `node app.js` runs as before, not only under `secret-sweep run`:
 *
 *   require('dotenv').config();   ->  require('dotenv').config();
 *                                     require('./secret-sweep-secrets.cjs').resolveEnvSync();
 *
 * Under `secret-sweep run` the variables already hold the values (dotenv keeps what is set): nothing to do.
 * Line-based and cautious: only a load that is a whole statement on its own line, in a plain `.js`/`.cjs`
 * file using `require` and no ES module syntax (an ES module's imports all run before any statement, so
 * a resolution there would come too late for modules that read the variables when imported). A load
 * already followed by the resolution is left alone, so a second run writes nothing.
 */
import path from 'node:path';
import { detectEol } from './fixer.js';
import type { TextEdit } from './rewriter.js';

export const JS_RESOLVE_HELPER = 'secret-sweep-secrets.cjs';
const LOAD = /^([ \t]*)(?:require\(\s*(['"])dotenv\2\s*\)|[A-Za-z_$][\w$]*)\.config\s*\((?:[^()]|\([^()]*\))*\)\s*;?[ \t]*(?:\/\/.*)?\r?$|^([ \t]*)require\(\s*(['"])dotenv\/config\4\s*\)\s*;?[ \t]*(?:\/\/.*)?\r?$/;
const ESM = /^\s*(import\s[^(]|import\s*\{|export\s)/m;

export interface JsDotenvResolve {
  edits: TextEdit[];
  /** 1-based lines of the loads now followed by the resolution. */
  lines: number[];
  /** The helper the edits require, repository-relative. */
  helper: string;
}

/** The edits that make a CommonJS file resolve references after each dotenv load; undefined when none. */
export function jsDotenvResolveEdits(file: string, text: string): JsDotenvResolve | undefined {
  if (!/\.c?js$/i.test(file) || !/\bdotenv\b/.test(text) || !/\brequire\s*\(/.test(text) || ESM.test(text)) return undefined;
  // A name bound to dotenv: `x.config()` counts only for it.
  const bound = new Set([...text.matchAll(/\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*require\(\s*['"]dotenv['"]\s*\)/g)].map((m) => m[1]!));
  const eol = detectEol(text);
  const lines = text.split('\n');
  const edits: TextEdit[] = [];
  const at: number[] = [];
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const start = offset;
    offset += line.length + 1;
    const m = LOAD.exec(line);
    if (!m) continue;
    const receiver = /^\s*([A-Za-z_$][\w$]*)\.config/.exec(line)?.[1];
    if (receiver && receiver !== 'require' && !bound.has(receiver)) continue;
    if (/\.resolveEnvSync\(\)/.test(lines[i + 1] ?? '')) continue;
    const indent = m[1] ?? m[3] ?? '';
    const insertAt = i + 1 < lines.length ? offset : start + line.length;
    edits.push({ start: insertAt, end: insertAt, replacement: `${i + 1 < lines.length ? '' : eol}${indent}require('./${JS_RESOLVE_HELPER}').resolveEnvSync(); // the sm:// references it loaded, resolved${eol}` });
    at.push(i + 1);
  }
  if (edits.length === 0) return undefined;
  const dir = path.posix.dirname(file);
  return { edits, lines: at, helper: dir === '.' ? JS_RESOLVE_HELPER : `${dir}/${JS_RESOLVE_HELPER}` };
}
