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
import { dotenvResolveEdits, LOADS_DOTENV } from './python-dotenv-resolve.js';
import { nearestPackageDir } from './package-deps.js';
import { tsTopLevelAwaitFinder } from './tsconfig.js';
import { babelFinder } from './babel.js';
import { packageTypeFinder } from './run-rewriters.js';
import { DotenvRewriter, quoteUnquotedReferences } from './dotenv.js';
import { envFileCommandSources, envFilePreloadEdits, nodeLoadsDotenvIn } from './node-env-file.js';
import { JS_RESOLVE_MODULE } from './js-dotenv-resolve.js';

const ENV_FILE = /(^|\/)\.env[^/]*$|\.env$/;

/** The .env-like files of the repository that hold sm:// references. */
export function envFilesWithReferences(root: string): Array<{ file: string; text: string }> {
  return repoTexts(root, (f) => ENV_FILE.test(f), (t) => t.includes('sm://'));
}

/** Whether some .env-like file of the repository holds sm:// references. */
export function envFilesHoldReferences(root: string): boolean {
  return envFilesWithReferences(root).length > 0;
}

/** One line per loader that reads references without resolving them; none when no .env holds any. */
export async function unresolvedLoaderLines(root: string): Promise<string[]> {
  const envFiles = envFilesWithReferences(root).filter((x) => new DotenvRewriter().appliesTo(x.file));
  if (!envFiles.length) return [];
  const out: string[] = [];
  // Node's readers end an unquoted value at `#`: an earlier version's `KEY=sm://NAME#KEY` reads `sm://NAME`.
  const commands = envFileCommandSources(root);
  if (nodeLoadsDotenvIn(root, commands)) {
    for (const x of envFiles) {
      const lines = quoteUnquotedReferences(x.text).map((e) => x.text.slice(0, e.start).split('\n').length);
      if (lines.length) out.push(`secret-sweep: ${x.file}:${lines.join(',')}: an unquoted sm://…#KEY reference (an earlier migrate wrote it), which Node's .env readers cut at # (the program would get the whole secret): quote it as 'sm://…#KEY' (a run with --apply does)`);
    }
  }
  const says = (file: string, lines: number[], call: string) => {
    out.push(`secret-sweep: ${file}:${lines.join(',')}: loads a .env holding sm:// references (an earlier migrate wrote them) without resolving them, so it reads the text sm://…: start it with \`secret-sweep run -- <command>\`, or add ${call} where it loads it (a run with --apply does, with the helper and its import)`);
  };

  const loaders = pythonSourcesOf(root).filter((x) => /\.py$/.test(x.file) && LOADS_DOTENV.test(x.text));
  // The Python edits parse the file (tree-sitter), loaded once, when there is one to read.
  if (loaders.length) await (await import('./python.js')).loadPythonParser();
  for (const src of loaders) {
    const r = dotenvResolveEdits(src.file, src.text);
    if (r?.edits.length) says(src.file, r.lines, r.calls.map((c) => `\`${c}\``).join(', '));
  }
  const ctx = { packageType: packageTypeFinder(root), tsTopLevelAwait: tsTopLevelAwaitFinder(root), babel: babelFinder(root) };
  for (const src of jsSourcesOf(root)) {
    if (nearestPackageDir(src.file, (rel) => existsSync(path.join(root, rel))) === undefined) continue;
    const r = jsDotenvResolveEdits(src.file, src.text, ctx);
    if (r?.edits.length) says(src.file, r.lines, r.module ? `\`import '${path.posix.basename(r.module.path)}'\`` : '`resolveEnvSync()`');
  }
  // `node --env-file=.env`, `node -r dotenv/config` (node-env-file.ts).
  const names = new Set(envFiles.map((x) => x.file));
  for (const src of commands) {
    const r = envFilePreloadEdits(src.file, src.text, (e) => names.has(e), (e) => /\$\{sm:\/\//.test(envFiles.find((x) => x.file === e)?.text ?? ''));
    if (r?.edits.length) out.push(`secret-sweep: ${src.file}:${r.lines.join(',')}: starts node with --env-file (or -r dotenv/config) of a .env holding sm:// references (an earlier migrate wrote them) without resolving them, so it reads the text sm://…: start it with \`secret-sweep run -- <command>\`, or add \`--require ./${JS_RESOLVE_MODULE}\` after that flag (a run with --apply does, and generates ${r.modules.join(', ')})`);
  }
  return out;
}
