/**
 * Python code that loads a `.env` into `os.environ` (`load_dotenv(…)`, django-environ's `read_env(…)`, a
 * pydantic settings class's env_file: python-settings-env.ts)
 * whose values migrate turned into `sm://` references: right after the load, the rewritten code resolves
 * them itself, so the program runs as it did when started plainly (`python app.py`, a cron line, a
 * systemd unit), not only under `secret-sweep run`.
 *
 *   load_dotenv()                 ->  load_dotenv()
 *                                     get_secret.resolve_environ()
 *   cfg = dotenv_values(".env")   ->  cfg = get_secret.resolve_environ(dotenv_values(".env"))
 *
 * Under `secret-sweep run` the variables already hold the values (the load keeps what is set), so the
 * call finds no reference and changes nothing; after `load_dotenv(…, override=True)` (the file's text wins)
 * it resolves what the load wrote. python-env-readers.ts counts these reads as resolved in `.py` files (a
 * notebook's are not edited: still literal). A read already resolved is left alone, so a second run writes
 * nothing.
 */
import path from 'node:path';
import type { Node as TsNode } from 'web-tree-sitter';
import { detectEol } from './fixer.js';
import type { TextEdit } from './rewriter.js';
import { HELPER_FILE, helperNameFor, importEditFor, parsePython } from './python.js';
import { settingsResolveEdits, SETTINGS_METHOD } from './python-settings-env.js';
import { decoupleResolveEdits, DECOUPLE_METHOD } from './python-decouple-env.js';

export const RESOLVE_METHOD = 'resolve_environ';
const LOADERS = new Set(['load_dotenv', 'read_env']);
/** Text of a Python file that may load a .env: the calls above, a pydantic settings class's env_file (python-settings-env.ts), python-decouple (python-decouple-env.ts). */
export const LOADS_DOTENV = /load_dotenv|read_env|dotenv_values|env_file|decouple/;

export function callName(call: TsNode): string | undefined {
  const fn = call.childForFieldName('function');
  if (fn?.type === 'identifier') return fn.text;
  if (fn?.type === 'attribute') return fn.childForFieldName('attribute')?.text;
  return undefined;
}

export function overrides(call: TsNode): boolean {
  const args = call.childForFieldName('arguments');
  return (args?.namedChildren ?? []).some((a) => a?.type === 'keyword_argument'
    && ['override', 'overwrite'].includes(a.childForFieldName('name')?.text ?? '') && a.childForFieldName('value')?.text !== 'False');
}

/**
 * Whether the rewrite below resolves what `call` reads: `dotenv_values(…)` is wrapped wherever it is; a
 * `load_dotenv(…)` / `read_env(…)` (override or not) is followed by the resolution when it is a statement.
 */
export function resolvesAfterRewrite(call: TsNode): boolean {
  const name = callName(call);
  if (name === 'dotenv_values') return true;
  return LOADERS.has(name ?? '') && statementOf(call) !== undefined;
}

/**
 * The expression statement holding `n` (a call, an assignment), which a resolution can follow; undefined for
 * a load inside a larger statement (`return load_dotenv()`, `if load_dotenv():`).
 */
function statementOf(n: TsNode): TsNode | undefined {
  for (let p: TsNode | null = n.parent; p; p = p.parent) {
    if (p.type === 'expression_statement') return p;
    if (/(_definition|_statement|_clause|^block|^module)$/.test(p.type)) return undefined;
  }
  return undefined;
}

export interface DotenvResolveEdits {
  edits: TextEdit[];
  /** 1-based lines of the loads now followed by the resolution. */
  lines: number[];
  /** The helper's calls added (`get_secret.resolve_environ()`, `get_secret.resolve_settings_env(Settings)`). */
  calls: string[];
}

/**
 * The edits that make `text` (a `.py` file at `file`) resolve references after each `.env` load, plus the
 * helper's import when the file lacks it; undefined when there is nothing to do.
 */
export function dotenvResolveEdits(file: string, text: string): DotenvResolveEdits | undefined {
  // The generated helper reads env files itself (resolve_settings_env): never a loader to edit.
  if (!LOADS_DOTENV.test(text) || path.posix.basename(file) === HELPER_FILE) return undefined;
  // A file that imports the helper already (an earlier run's edits) calls it by the name it bound.
  const bound = /^[ \t]*from[ \t]+\.?secret_sweep_secrets[ \t]+import[ \t]+get_secret(?:[ \t]+as[ \t]+(\w+))?[ \t]*(?:#.*)?$/m.exec(text);
  const helperName = bound ? bound[1] ?? 'get_secret' : helperNameFor([text]);
  const eol = detectEol(text);
  const tree = parsePython(text);
  // Insertions at one offset apply in this order (the fixer keeps it): import, then a resolution line, then a wrap.
  const edits: TextEdit[] = [];
  const wraps: TextEdit[] = [];
  const lines: number[] = [];
  const added = new Set<string>();
  let firstUse = -1;
  try {
    const resolve = `${helperName}.${RESOLVE_METHOD}`;
    const calls = tree.rootNode.descendantsOfType('call').filter((c): c is TsNode => c !== null);
    // dotenv_values(…) -> get_secret.resolve_environ(dotenv_values(…)): the mapping it returns, resolved.
    for (const call of calls) {
      if (callName(call) !== 'dotenv_values') continue;
      const outer = call.parent?.type === 'argument_list' ? call.parent.parent : null;
      if (outer?.type === 'call' && outer.childForFieldName('function')?.text.replace(/\s+/g, '') === resolve) continue;
      wraps.push({ start: call.startIndex, end: call.startIndex, replacement: `${resolve}(` }, { start: call.endIndex, end: call.endIndex, replacement: ')' });
      lines.push(call.startPosition.row + 1);
      added.add(`${resolve}(dotenv_values(…))`);
      if (firstUse < 0 || call.startIndex < firstUse) firstUse = call.startIndex;
    }
    const seen = new Set<number>();
    for (const call of calls.filter((c) => LOADERS.has(callName(c) ?? ''))) {
      const stmt = statementOf(call);
      if (!stmt || seen.has(stmt.startIndex)) continue;
      seen.add(stmt.startIndex);
      const next = stmt.nextNamedSibling;
      if (next?.type === 'expression_statement' && next.text.replace(/\s+/g, '') === `${resolve}()`) continue;
      const nl = text.indexOf('\n', stmt.endIndex);
      const rest = text.slice(stmt.endIndex, nl < 0 ? text.length : nl);
      const lead = text.slice(text.lastIndexOf('\n', stmt.startIndex - 1) + 1, stmt.startIndex);
      if (/^[ \t]*$/.test(lead) && /^[ \t]*(#.*)?\r?$/.test(rest)) {
        // On a line of its own: the resolution goes on the next line, at the same indentation.
        const at = nl < 0 ? text.length : nl + 1;
        edits.push({ start: at, end: at, replacement: `${nl < 0 ? eol : ''}${lead}${resolve}()${eol}` });
      } else {
        // `if x: load_dotenv()` or `load_dotenv(); main()`: right after the call's statement, on its line.
        edits.push({ start: stmt.endIndex, end: stmt.endIndex, replacement: `; ${resolve}()` });
      }
      lines.push(stmt.startPosition.row + 1);
      added.add(`${resolve}()`);
      if (firstUse < 0 || stmt.startIndex < firstUse) firstUse = stmt.startIndex;
    }
    // A pydantic settings class that reads an env_file: the call after the class puts the values in os.environ.
    // python-decouple's config: the call after its import, likewise.
    const more = [
      ...settingsResolveEdits(tree.rootNode, text, helperName, eol).map((s) => ({ ...s, call: `${helperName}.${SETTINGS_METHOD}(…)` })),
      ...decoupleResolveEdits(tree.rootNode, text, helperName, eol).map((s) => ({ ...s, call: `${helperName}.${DECOUPLE_METHOD}()` })),
    ];
    for (const s of more) {
      edits.push(s.edit);
      lines.push(s.line);
      added.add(s.call);
      if (firstUse < 0 || s.at < firstUse) firstUse = s.at;
    }
  } finally {
    tree.delete();
  }
  edits.push(...wraps);
  if (edits.length === 0) return undefined;
  const folder = path.posix.dirname(file);
  const imp = importEditFor(text, { helper: true, os: false }, helperName, firstUse, 'package-aware', folder);
  if (imp) {
    // `from dotenv import load_dotenv; load_dotenv()` on the import's own line: the import would come after the use.
    if (edits.some((e) => e.start < imp.edit.start)) return undefined;
    edits.unshift(imp.edit);
  }
  return { edits, lines: [...new Set(lines)].sort((a, b) => a - b), calls: [...added] };
}
