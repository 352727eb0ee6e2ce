/**
 * ES modules that CommonJS code loads with `require()` (Node 20.19+ / 22.12+ load an ES module that way),
 * directly or through the module's own static imports. A top-level `await` anywhere in such a graph
 * makes that `require()` throw ERR_REQUIRE_ASYNC_MODULE, so a value there must use the synchronous
 * helper instead. Relative specifiers only (`./config.mjs`, `../lib/config`): a package's own files are
 * what migrate edits.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { typescript } from './javascript.js';
import { repoTexts } from './repo-texts.js';

const MAX_BYTES = 1 << 20;
const JS_FILE = /\.(c|m)?(j|t)sx?$/i;
const REQUIRE = /\brequire\s*\(\s*(['"`])(\.{1,2}\/[^'"`]+)\1\s*\)/g;
const EXTENSIONS = ['', '.js', '.mjs', '.cjs', '.ts', '.mts', '.cts', '/index.js', '/index.mjs', '/index.ts'];

/** The repository file a relative specifier in `from` names, or undefined. */
function resolve(root: string, from: string, spec: string): string | undefined {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  if (base.startsWith('..')) return undefined;
  for (const ext of EXTENSIONS) {
    const rel = base + ext;
    try {
      if (statSync(path.join(root, rel)).isFile()) return rel;
    } catch {
      /* try the next form */
    }
  }
  return undefined;
}

/**
 * `file` (repository-relative, `/`-separated) → the file whose `require()` reaches it, for every file
 * required directly or imported (statically) by a required file. Computed once, from the repository's
 * JS/TS files (repo-texts.ts).
 */
export function requiredModulesOf(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const textOf = (rel: string): string | undefined => {
    try {
      const full = path.join(root, rel);
      return existsSync(full) && statSync(full).size <= MAX_BYTES ? readFileSync(full, 'utf8') : undefined;
    } catch {
      return undefined;
    }
  };
  const queue: string[] = [];
  for (const { file, text } of repoTexts(root, (f) => JS_FILE.test(f), (t) => t.includes('require'))) {
    for (const m of text.matchAll(REQUIRE)) {
      const target = resolve(root, file, m[2]!);
      if (target && !out.has(target)) {
        out.set(target, file);
        queue.push(target);
      }
    }
  }
  // What a required module imports statically is evaluated by the same require().
  const ts = typescript();
  while (queue.length) {
    const file = queue.shift()!;
    const text = textOf(file);
    if (!text) continue;
    for (const imp of ts.preProcessFile(text, true, false).importedFiles) {
      if (!imp.fileName.startsWith('.')) continue;
      const target = resolve(root, file, imp.fileName);
      if (target && !out.has(target)) {
        out.set(target, out.get(file)!);
        queue.push(target);
      }
    }
  }
  return out;
}
