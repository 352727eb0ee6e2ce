/**
 * Python code that reads a `.env`-style file itself, so that an `sm://` reference written into that file
 * would reach the program as its value even under `secret-sweep run` (which sets the variable in the
 * environment, not in the file):
 * - `dotenv_values(…)` returns the file's values, never the environment's;
 * - `load_dotenv(…, override=True)` overwrites the variable `secret-sweep run` set with the file's text;
 * - `open(…)`, `Path(…)`, `io.open`, `codecs.open`: the file parsed by hand.
 * `load_dotenv(…)` without override keeps a variable already set, so it reads the resolved value: fine.
 *
 * Which file a call reads: a string literal in the call (or in an `os.path.join` inside it) that ends
 * with the file's name; a call without a path (`dotenv_values()`, `find_dotenv()`) reads the `.env` found
 * from the calling file's folder upwards. A literal that names the file outside any known call (`ENV_FILE
 * = ".env"`) counts as read literally when the same source calls one of the literal readers: cautious,
 * because a wrong "fine" breaks the program, while a wrong "literal" only leaves the value for a human.
 */
import path from 'node:path';
import type { Node as TsNode } from 'web-tree-sitter';
import { parsePython } from './python.js';
import { callName, overrides, resolvesAfterRewrite } from './python-dotenv-resolve.js';
import { isGeneratedText } from '../backend/backend.js';

export interface PythonSource {
  /** Repository-relative, `/`-separated. */
  file: string;
  text: string;
}

export interface LiteralEnvRead {
  /** The Python file (or notebook) and 1-based line of the read. */
  file: string;
  line: number;
  /** How it reads: `dotenv_values()`, `load_dotenv(override=True)`, `open()`. */
  how: string;
}

const OPENERS = new Set(['open', 'Path', 'PurePath', 'PosixPath']);

/**
 * How `call` reads a file literally, or undefined (not a reader, `load_dotenv` that keeps the environment, or
 * a dotenv read that the migrated code resolves itself: `selfResolving`, python-dotenv-resolve.ts).
 */
function literalHowOf(call: TsNode, selfResolving: boolean, notebook = false): string | undefined {
  if (selfResolving && resolvesAfterRewrite(call)) return undefined;
  const name = callName(call);
  if (name === 'dotenv_values') return 'dotenv_values()';
  if ((name === 'load_dotenv' || name === 'read_env') && overrides(call)) return `${name}(override=True)`;
  // A notebook's cells get no resolution after the load: a kernel started plainly would read the reference.
  if ((name === 'load_dotenv' || name === 'read_env') && notebook) return `${name}() in a notebook cell`;
  if (name && OPENERS.has(name)) return `${name}()`;
  // python-decouple's explicit repository (`Config(RepositoryEnv(".env"))`): python-decouple-env.ts resolves only `config`'s own.
  if (name === 'RepositoryEnv') return 'RepositoryEnv()';
  // `AutoConfig(search_path=BASE_DIR)` finds its .env from a folder computed at run time: not the one
  // resolve_decouple() finds from the module's folder. `AutoConfig()` without one is `config`'s own search.
  if (name === 'AutoConfig' && (call.childForFieldName('arguments')?.namedChildren ?? []).some((a) => a && a.type !== 'comment')) return 'AutoConfig(search_path=…)';
  return undefined;
}

const isReaderName = (n: string | undefined) => n === 'load_dotenv' || n === 'read_env' || n === 'dotenv_values' || n === 'RepositoryEnv' || n === 'AutoConfig' || (n !== undefined && OPENERS.has(n));

/**
 * `env_file` when string `s` is a pydantic settings class's env_file (`env_file=".env"`, `"env_file": ".env"`,
 * pydantic 1's `env_file = ".env"`, also inside a tuple of files), `_env_file` when it is given at the
 * instantiation (`Settings(_env_file=".env")`: python-settings-env.ts does not see it), else undefined.
 */
function pydanticEnvFileOf(s: TsNode): string | undefined {
  let n: TsNode = s;
  while (n.parent && ['tuple', 'list', 'parenthesized_expression'].includes(n.parent.type)) n = n.parent;
  const p = n.parent;
  const key = p?.type === 'keyword_argument' ? p.childForFieldName('name')?.text
    : p?.type === 'assignment' && p.childForFieldName('right')?.id === n.id ? p.childForFieldName('left')?.text
      : p?.type === 'pair' && p.childForFieldName('value')?.id === n.id ? literalText(p.childForFieldName('key')!) : undefined;
  return key === 'env_file' || key === '_env_file' ? key : undefined;
}

/** The text of a plain string literal (no interpolation), else undefined. */
function literalText(s: TsNode): string | undefined {
  if (s.children.some((c) => c?.type === 'interpolation')) return undefined;
  return s.children.filter((c): c is TsNode => c?.type === 'string_content').map((c) => c.text).join('');
}

/** How many leading folders `source` and `file` share (repository-relative paths). */
function nearness(source: string, file: string): number {
  const a = path.posix.dirname(source).split('/');
  const b = path.posix.dirname(file).split('/');
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n] && a[n] !== '.') n++;
  return n;
}

/**
 * For each of `envFiles` that some source reads literally, the read nearest the file (the first of equals). `sources` are the
 * repository's Python files and notebooks' code (a notebook's text is its code cells joined).
 */
export function literalEnvReads(envFiles: readonly string[], sources: readonly PythonSource[]): Map<string, LiteralEnvRead> {
  const out = new Map<string, LiteralEnvRead>();
  if (envFiles.length === 0) return out;
  const names = (lit: string, f: string) => {
    const norm = lit.replace(/\\/g, '/');
    return norm === path.posix.basename(f) || norm.endsWith('/' + path.posix.basename(f));
  };
  for (const src of sources) {
    // The generated helper reads .env files to resolve their references (resolve_decouple): not the user's reader.
    if (!/dotenv|\.env|open\(|Path\(|AutoConfig/.test(src.text) || isGeneratedText(src.text)) continue;
    const tree = parsePython(src.text);
    try {
      const calls = tree.rootNode.descendantsOfType('call').filter((c): c is TsNode => c !== null);
      // A UTF-8 .py file gets the resolution after its dotenv reads (python-dotenv-resolve.ts); a notebook does not.
      const selfResolving = src.file.endsWith('.py') && !src.text.includes('\uFFFD');
      const literalHow = (c: TsNode) => literalHowOf(c, selfResolving, /\.ipynb$/i.test(src.file));
      const literalCalls = calls.filter((c) => literalHow(c) !== undefined);
      const dotenvCalls = literalCalls.filter((c) => !OPENERS.has(callName(c) ?? ''));
      // Names match by file name alone (cautious, see above); of several readers the report names the one
      // nearest the file (`app/.env` read by `app/app.py`, not by `other/app.py`'s own `.env`).
      const record = (f: string, at: TsNode, how: string) => {
        const prev = out.get(f);
        if (prev && nearness(prev.file, f) >= nearness(src.file, f)) return;
        out.set(f, { file: src.file, line: at.startPosition.row + 1, how });
      };
      // Literals that name a file.
      for (const s of tree.rootNode.descendantsOfType('string')) {
        if (!s) continue;
        const lit = literalText(s);
        if (!lit) continue;
        for (const f of envFiles) {
          if (out.get(f)?.file === src.file || !names(lit, f)) continue;
          // pydantic settings: `Settings(_env_file=".env")` at the call, or a class's env_file where its call is not added.
          const setting = pydanticEnvFileOf(s);
          if (setting === '_env_file' || (setting && !selfResolving)) {
            record(f, s, setting === '_env_file' ? 'Settings(_env_file=…)' : 'a pydantic settings env_file');
            continue;
          }
          let reader: TsNode | undefined;
          for (let p = s.parent; p; p = p.parent) {
            if (p.type === 'call' && isReaderName(callName(p))) {
              reader = p;
              break;
            }
          }
          if (reader) {
            const how = literalHow(reader);
            if (how) record(f, reader, how);
          } else if (literalCalls.length) {
            record(f, literalCalls[0]!, literalHow(literalCalls[0]!)!);
          }
        }
      }
      // Calls without a path read the `.env` found from this file's folder upwards.
      const dir = path.posix.dirname(src.file);
      for (const c of dotenvCalls) {
        // Which .env AutoConfig(search_path=…) reads is known only at run time (Django's BASE_DIR, the module's
        // folder, a folder in them), searching upwards: cautiously, each one under this file's parent folder, else
        // the nearest above it.
        if (callName(c) === 'AutoConfig') {
          const base = path.posix.dirname(dir);
          const dotenvs = envFiles.filter((f) => path.posix.basename(f) === '.env');
          const under = dotenvs.filter((f) => base === '.' || f.startsWith(base + '/'));
          const above = dotenvs.filter((f) => { const fdir = path.posix.dirname(f); return fdir === '.' || base.startsWith(fdir + '/'); })
            .sort((a, b) => b.length - a.length);
          for (const f of under.length ? under : above.slice(0, 1)) record(f, c, literalHow(c)!);
          continue;
        }
        const args = (c.childForFieldName('arguments')?.namedChildren ?? []).filter((a) => a && a.type !== 'keyword_argument' && a.type !== 'comment');
        const pathKw = (c.childForFieldName('arguments')?.namedChildren ?? []).some((a) => a?.type === 'keyword_argument' && ['dotenv_path', 'path', 'env_file'].includes(a.childForFieldName('name')?.text ?? ''));
        const found = args.length === 0 ? !pathKw : args[0]!.type === 'call' && callName(args[0]!) === 'find_dotenv';
        if (!found) continue;
        // find_dotenv() stops at the first .env from this file's folder up: the nearest one.
        const nearest = envFiles.filter((f) => {
          const fdir = path.posix.dirname(f);
          return path.posix.basename(f) === '.env' && (fdir === '.' || dir === fdir || dir.startsWith(fdir + '/'));
        }).sort((a, b) => b.length - a.length)[0];
        if (nearest) record(nearest, c, literalHow(c)!);
      }
    } finally {
      tree.delete();
    }
  }
  return out;
}

/** A notebook's code cells as one Python text (cells joined by newlines), or undefined when it is not a notebook. */
export function notebookCode(text: string): string | undefined {
  try {
    const nb = JSON.parse(text) as { cells?: Array<{ cell_type?: string; source?: string | string[] }> };
    if (!Array.isArray(nb.cells)) return undefined;
    return nb.cells.filter((c) => c.cell_type === 'code')
      .map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source ?? ''))
      // IPython magics and shell escapes are not Python.
      .map((t) => t.split('\n').map((l) => (/^\s*[%!]/.test(l) ? '' : l)).join('\n'))
      .join('\n');
  } catch {
    return undefined;
  }
}
