/**
 * Python code that loads a `.env` into `os.environ` (`load_dotenv(…)`, django-environ's `read_env(…)`)
 * whose values migrate turned into `sm://` references: right after the load, the rewritten code resolves
 * them itself, so the program runs as it did when started plainly (`python app.py`, a cron line, a
 * systemd unit), not only under `secret-sweep run`.
 *
 *   load_dotenv()                 ->  load_dotenv()
 *                                     get_secret.resolve_environ()
 *
 * Under `secret-sweep run` the variables already hold the values (the load keeps what is set), so the
 * call finds no reference and changes nothing. `load_dotenv(…, override=True)` and `dotenv_values(…)` stay
 * with python-env-readers.ts (the file's text wins there). A call already followed by the resolution is
 * left alone, so a second run writes nothing.
 */
import path from 'node:path';
import type { Node as TsNode } from 'web-tree-sitter';
import { detectEol } from './fixer.js';
import type { TextEdit } from './rewriter.js';
import { helperNameFor, importEditFor, parsePython } from './python.js';
import { callName, overrides } from './python-env-readers.js';

export const RESOLVE_METHOD = 'resolve_environ';
const LOADERS = new Set(['load_dotenv', 'read_env']);

/** The simple statement holding `n` (an expression statement, an assignment's statement, a return). */
function statementOf(n: TsNode): TsNode | undefined {
  for (let p: TsNode | null = n.parent; p; p = p.parent) {
    if (p.type === 'expression_statement' || p.type === 'return_statement') return p;
    if (/(_definition|_statement|_clause|^block|^module)$/.test(p.type)) return undefined;
  }
  return undefined;
}

export interface DotenvResolveEdits {
  edits: TextEdit[];
  /** 1-based lines of the loads now followed by the resolution. */
  lines: number[];
}

/**
 * The edits that make `text` (a `.py` file at `file`) resolve references after each `.env` load, plus the
 * helper's import when the file lacks it; undefined when there is nothing to do.
 */
export function dotenvResolveEdits(file: string, text: string): DotenvResolveEdits | undefined {
  if (!/load_dotenv|read_env/.test(text)) return undefined;
  const helperName = helperNameFor([text]);
  const eol = detectEol(text);
  const tree = parsePython(text);
  const edits: TextEdit[] = [];
  const lines: number[] = [];
  let firstUse = -1;
  try {
    const calls = tree.rootNode.descendantsOfType('call').filter((c): c is TsNode => c !== null && LOADERS.has(callName(c) ?? '') && !overrides(c));
    const seen = new Set<number>();
    for (const call of calls) {
      const stmt = statementOf(call);
      // A load inside a larger expression or a compound header (`if load_dotenv():`) has no statement to follow.
      if (!stmt || seen.has(stmt.startIndex) || stmt.type === 'return_statement') continue;
      seen.add(stmt.startIndex);
      const resolve = `${helperName}.${RESOLVE_METHOD}()`;
      const rest = text.slice(stmt.endIndex, text.indexOf('\n', stmt.endIndex) < 0 ? text.length : text.indexOf('\n', stmt.endIndex));
      const next = stmt.nextNamedSibling;
      if (next?.type === 'expression_statement' && next.text.replace(/\s+/g, '') === resolve) continue;
      const lineStart = text.lastIndexOf('\n', stmt.startIndex - 1) + 1;
      const lead = text.slice(lineStart, stmt.startIndex);
      if (/^[ \t]*$/.test(lead) && /^[ \t]*(#.*)?\r?$/.test(rest)) {
        // On a line of its own: the resolution goes on the next line, at the same indentation.
        const nl = text.indexOf('\n', stmt.endIndex);
        const at = nl < 0 ? text.length : nl + 1;
        edits.push({ start: at, end: at, replacement: `${nl < 0 ? eol : ''}${lead}${resolve}${eol}` });
      } else {
        // `if x: load_dotenv()` or `load_dotenv(); main()`: right after the call's statement, on its line.
        edits.push({ start: stmt.endIndex, end: stmt.endIndex, replacement: `; ${resolve}` });
      }
      lines.push(stmt.startPosition.row + 1);
      if (firstUse < 0 || stmt.startIndex < firstUse) firstUse = stmt.startIndex;
    }
  } finally {
    tree.delete();
  }
  if (edits.length === 0) return undefined;
  const folder = path.posix.dirname(file);
  const imp = importEditFor(text, { helper: true, os: false }, helperName, firstUse, 'package-aware', folder);
  if (imp) {
    // `from dotenv import load_dotenv; load_dotenv()` on the import's own line: the import would come after the use.
    if (edits.some((e) => e.start < imp.edit.start)) return undefined;
    edits.push(imp.edit);
  }
  return { edits: edits.sort((a, b) => a.start - b.start), lines };
}
