/**
 * A repository an earlier version migrated: its `.env` holds `sm://` references, and code that loads it
 * (dotenv, python-dotenv, ConfigModule.forRoot()) may not resolve them, as this version's rewrite does
 * (js-dotenv-resolve.ts, python-dotenv-resolve.ts). A re-run has nothing left to migrate, so it rewrites
 * nothing: it names those loaders and what to add, or to start them under `secret-sweep run`.
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { repoTexts } from './repo-texts.js';
import { jsSourcesOf } from './js-env-readers.js';
import { jsDotenvResolveEdits } from './js-dotenv-resolve.js';
import { pythonSourcesOf } from './python-sources.js';
import { dotenvResolveEdits } from './python-dotenv-resolve.js';
import { nearestPackageDir } from './package-deps.js';
import { tsTopLevelAwaitFinder } from './tsconfig.js';
import { babelFinder } from './babel.js';
import { packageTypeFinder } from './run-rewriters.js';
import type { TextEdit } from './rewriter.js';

const ENV_FILE = /(^|\/)\.env[^/]*$|\.env$/;

/** One line per loader that reads references without resolving them; none when no .env holds any. */
export function unresolvedLoaderLines(root: string): string[] {
  if (!repoTexts(root, (f) => ENV_FILE.test(f), (t) => t.includes('sm://')).length) return [];
  const out: string[] = [];
  const says = (file: string, lines: number[], edits: TextEdit[]) => {
    const add = [...edits].sort((a, b) => a.start - b.start).map((e) => e.replacement.replace(/\s*\/\/[^\n]*/g, '').trim()).filter((s) => s).map((s) => `\`${s}\``).join(' then ');
    out.push(`secret-sweep: ${file}:${lines.join(',')}: loads a .env holding sm:// references (an earlier migrate wrote them) without resolving them, so it reads the text sm://…: start it with \`secret-sweep run -- <command>\`, or add ${add} (after the load, imports at the top; the helper secret-sweep-secrets beside it must have resolveEnvSync)`);
  };
  for (const src of pythonSourcesOf(root)) {
    if (!/\.py$/.test(src.file)) continue;
    const r = dotenvResolveEdits(src.file, src.text);
    if (r?.edits.length) says(src.file, r.lines, r.edits);
  }
  const ctx = { packageType: packageTypeFinder(root), tsTopLevelAwait: tsTopLevelAwaitFinder(root), babel: babelFinder(root) };
  for (const src of jsSourcesOf(root)) {
    if (nearestPackageDir(src.file, (rel) => existsSync(path.join(root, rel))) === undefined) continue;
    const r = jsDotenvResolveEdits(src.file, src.text, ctx);
    if (r?.edits.length) says(src.file, r.lines, r.edits);
  }
  return out;
}
