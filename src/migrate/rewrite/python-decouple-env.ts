/**
 * python-decouple's `config` reads the `settings.ini` or `.env` it finds from its caller's folder upwards, the
 * environment first: an `sm://` reference migrate wrote into that `.env` would reach the settings as their value
 * when the program is started plainly (`manage.py runserver`, gunicorn). Right after the module's import of
 * `config` (or of `decouple`), the rewritten code calls the helper's `resolve_decouple()`, which finds the same
 * `.env` from that module's folder and puts each referenced value into os.environ:
 *
 *   from decouple import config   ->  from decouple import config
 *                                     get_secret.resolve_decouple()
 *
 * A `Config(RepositoryEnv(…))` or `AutoConfig(search_path=…)` reads a file named elsewhere: a literal read
 * (python-env-readers.ts). An import already followed by the call is left alone, so a second run writes nothing.
 */
import path from 'node:path';
import type { Node as TsNode } from 'web-tree-sitter';
import { callLineAfter, type SettingsResolveEdit } from './python-settings-env.js';
import type { RewriteSite } from './rewriter.js';
import type { PythonSource } from './python-env-readers.js';
import { iniOptionAt } from './ini.js';
import { smReference } from '../run-env.js';

export const DECOUPLE_METHOD = 'resolve_decouple';

/** Whether import statement `n` brings in decouple's `config` (`from decouple import config [as c]`) or the module itself. */
function importsDecouple(n: TsNode): boolean {
  if (n.type === 'import_statement') return n.childrenForFieldName('name').some((x) => (x?.type === 'aliased_import' ? x.childForFieldName('name') : x)?.text === 'decouple');
  if (n.type !== 'import_from_statement' || n.childForFieldName('module_name')?.text !== 'decouple') return false;
  // `AutoConfig` too: `config = AutoConfig()` searches as `config` does (one given a search_path is a literal read).
  return n.childrenForFieldName('name').some((x) => ['config', 'AutoConfig'].includes((x?.type === 'aliased_import' ? x.childForFieldName('name') : x)?.text ?? ''));
}

/** One edit per import of decouple's `config` in `root` (a parsed `.py` file): `${helper}.resolve_decouple()` on the next line. */
export function decoupleResolveEdits(root: TsNode, text: string, helper: string, eol: string): SettingsResolveEdit[] {
  const out: SettingsResolveEdit[] = [];
  const call = `${helper}.${DECOUPLE_METHOD}()`;
  for (const imp of [...root.descendantsOfType('import_statement'), ...root.descendantsOfType('import_from_statement')]) {
    if (!imp || !importsDecouple(imp)) continue;
    const added = callLineAfter(imp, text, call, eol);
    if (added) out.push(added);
  }
  return out;
}

/** An import of decouple's `config` (or of the module) on a line of its own, as text. */
const DECOUPLE_IMPORT = /^[ \t]*(?:from[ \t]+decouple[ \t]+import[ \t]+(?:\(?[^\n]*\bconfig\b[^\n]*)|import[ \t]+decouple\b[^\n]*)$/m;

/**
 * The Python source that reads `file` (a `settings.ini`) through python-decouple's `config`: decouple looks for
 * settings.ini (before .env) in its caller's folder and upwards, so a module at or below the file's folder that
 * imports `config` (the nearest one first).
 */
export function decoupleIniReaderOf(file: string, sources: readonly PythonSource[]): { file: string; line: number; importText: string } | undefined {
  if (path.posix.basename(file) !== 'settings.ini') return undefined;
  const dir = path.posix.dirname(file);
  const under = sources.filter((x) => x.file.endsWith('.py') && (dir === '.' || x.file.startsWith(`${dir}/`)) && DECOUPLE_IMPORT.test(x.text));
  const src = under.sort((a, b) => a.file.split('/').length - b.file.split('/').length)[0];
  if (!src) return undefined;
  const m = DECOUPLE_IMPORT.exec(src.text)!;
  return { file: src.file, line: src.text.slice(0, m.index).split('\n').length, importText: m[0].trim() };
}

/**
 * The manual step for a value in a settings.ini that decouple reads (the environment first): the option removed
 * from the file and the variable set before config() reads it, from the helper (`os.environ.setdefault`, so a
 * variable already set still wins) or by `secret-sweep run`. A reference in the file would be read as the value.
 */
export function decoupleIniManual(file: string, text: string, site: RewriteSite, reader: { file: string; line: number; importText: string },
  helpers: boolean, importLine: string): { reason: string; suggestion: string } {
  const at = iniOptionAt(text, site.line);
  const option = at?.option ?? 'the option';
  const { secretName, jsonKey } = site.ref;
  const value = `get_secret("${secretName}")${jsonKey ? `["${jsonKey}"]` : ''}`;
  const viaEnv = `start it with \`secret-sweep run -- COMMAND\` and \`${option}=${smReference(secretName, jsonKey)}\` in secret-sweep.refs`;
  const remove = `remove \`${option}\`${at ? ` from [${at.section}]` : ''} of ${file}`;
  return {
    reason: `${reader.file}:${reader.line} reads this file with python-decouple's config(), which takes the environment over it and the file's values as written: a reference written here would be read as the value`,
    suggestion: helpers
      ? `${remove} and set the variable before config() reads it, right after \`${reader.importText}\` (${reader.file}:${reader.line}): \`os.environ.setdefault("${option}", ${value})\` (\`import os\`, \`${importLine}\`, generated beside it), or ${viaEnv}`
      : `${remove} and ${viaEnv}`,
  };
}
