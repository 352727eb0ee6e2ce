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
import type { Node as TsNode } from 'web-tree-sitter';
import { callLineAfter, type SettingsResolveEdit } from './python-settings-env.js';

export const DECOUPLE_METHOD = 'resolve_decouple';

/** Whether import statement `n` brings in decouple's `config` (`from decouple import config [as c]`) or the module itself. */
function importsDecouple(n: TsNode): boolean {
  if (n.type === 'import_statement') return n.childrenForFieldName('name').some((x) => (x?.type === 'aliased_import' ? x.childForFieldName('name') : x)?.text === 'decouple');
  if (n.type !== 'import_from_statement' || n.childForFieldName('module_name')?.text !== 'decouple') return false;
  return n.childrenForFieldName('name').some((x) => (x?.type === 'aliased_import' ? x.childForFieldName('name') : x)?.text === 'config');
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
