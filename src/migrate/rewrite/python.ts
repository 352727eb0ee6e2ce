/**
 * The Python rewriter: each planned site (a span that held a migrated value) becomes a call to the
 * generated helper, `get_secret("prod/etl/db")["password"]`, or `os.environ["PROD_ETL_DB__PASSWORD"]`
 * for the dotenv backend.
 *
 * Parser: tree-sitter's Python grammar, run by `web-tree-sitter` (WebAssembly) with the prebuilt
 * `tree-sitter-python.wasm` that the `tree-sitter-python` npm package ships. Why: it is a real,
 * error-tolerant parser with exact UTF-16 spans for every node (string prefix, quotes, content,
 * escapes, f-string interpolations), it runs in-process with no native build and no Python, and one
 * parse of a file takes well under a millisecond after a ~50 ms one-time load. (Python's own `ast`
 * via a subprocess would have cost a process per file and gives no spans for string prefixes/escapes.)
 * The grammar is loaded asynchronously once (`loadPythonParser()`); `rewrite()` itself is synchronous
 * and pure, as the Rewriter interface asks.
 *
 * What it rewrites, conservatively (anything else is left untouched and reported as unhandled, with a
 * reason and a suggested edit):
 * - a string literal that is exactly the secret, where it is a plain value: the right side of an
 *   assignment (module-level constants), a keyword or positional argument (`password=`, `auth=(…)`),
 *   a dict value, a tuple/list/set element, a default parameter, a return value. The literal is
 *   replaced whole, with the author's quote character.
 * - a string that holds the secret among other text (a connection string, `"Bearer …"`, an f-string):
 *   it becomes an f-string with the secret interpolated and everything else kept literal, e.g.
 *   `f"postgresql://etl:{get_secret('prod/etl/db')['password']}@db.internal:5432/warehouse"`. That is
 *   the clearest safe form: the string reads (and prints) as before, with one lookup in it. Context
 *   values grouped into the secret (user, host, port, database) are never replaced: they are not
 *   secrets, and the JSON secret carries them for rotation and for other consumers.
 * - the default of an environment lookup, `os.environ.get("X", "…")` / `os.getenv("X", "…")`: the
 *   whole call becomes `os.environ["X"] if "X" in os.environ else get_secret(…)[…]` (or the f-string
 *   above, for a URL default), so the secret is fetched only where the original used the literal (X
 *   unset), never when X is set.
 * Not rewritten: a bytes literal that holds more than the secret (one that is the secret whole gets `.encode()`), escape sequences inside a secret that is only part of its string (a
 *   whole literal is replaced whole: the plan stores its decoded value), a secret used as an operand (`"…" + x`, `"…".encode()`), a dict key, a docstring,
 *   a match pattern, a comment, the same secret twice in one string, a percent-encoded URL password in a
 *   notebook cell (in a module it is stored decoded and interpolated as `urllib.parse.quote(ref, safe="")`).
 *
 * The import (`from .secret_sweep_secrets import get_secret`, falling back to the absolute form; see
 * `HelperImportForm`), or `import os`, is added once, after the
 * module docstring, `from __future__` imports and the leading imports, unless already there.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Node as TsNode, Parser as TsParser, Tree } from 'web-tree-sitter';
import { applyEdits, detectEol, type Eol } from './fixer.js';
import { awsBackend } from '../backend/aws.js';
import type { Backend } from '../backend/backend.js';
import { backendFor } from '../backend/backends.js';
import type { RewriteInput, RewriteResult, RewriteSite, Rewriter, TextEdit } from './rewriter.js';
import { lineStarts, siteOffsets, URI_RULE, type UnhandledSite } from './sites.js';
import { formatConflict, formattingOf } from './python-format-strings.js';

const requireCjs = createRequire(import.meta.url);

let parser: TsParser | undefined;
let loading: Promise<TsParser> | undefined;

/** Load the WebAssembly grammar once (about 50 ms). Call before `rewrite()`. */
export async function loadPythonParser(): Promise<void> {
  if (parser) return;
  loading ??= (async () => {
    // A plain require keeps the package (and its own tree-sitter.wasm lookup) out of the bundle.
    const ts = requireCjs('web-tree-sitter') as typeof import('web-tree-sitter');
    await ts.Parser.init();
    const lang = await ts.Language.load(requireCjs.resolve('tree-sitter-python/tree-sitter-python.wasm'));
    const p = new ts.Parser();
    p.setLanguage(lang);
    return p;
  })();
  parser = await loading;
}

/** Parse Python source (the grammar must be loaded). The caller deletes the tree. */
export function parsePython(text: string): Tree {
  if (!parser) throw new Error('the Python grammar is not loaded: await loadPythonParser() first');
  const tree = parser.parse(text);
  if (!tree) throw new Error('tree-sitter returned no tree');
  return tree;
}

/** The helper module's name (import path) and file name. */
export const HELPER_MODULE = 'secret_sweep_secrets';
export const HELPER_FILE = `${HELPER_MODULE}.py`;
const HELPER_FN = 'get_secret';
const HELPER_ALIAS = 'sweep_get_secret';

export type { UnhandledSite };
export { lineStarts, siteOffsets };

export interface PythonRewriteOptions {
  backend: RewriteInput['backend'];
  /** Add the import line (false for notebook cells: the notebook adds it once). Default true. */
  addImport?: boolean;
  /** The name to call the helper by (see `helperNameFor`). */
  helperName?: string;
  /** The file's folder, repository-relative and `/`-separated: where the import's last fallback looks for the helper. */
  folder?: string;
}

export interface PythonRewriteResult extends RewriteResult {
  unhandled: UnhandledSite[];
  /** What the edits use: the helper (aws) or `os` (dotenv). */
  uses: { helper: boolean; os: boolean; urlQuote?: boolean };
}

// ---------------------------------------------------------------------------------------------------
// References

const QUOTE_FREE = /^[^'"\\\r\n{}]*$/;

/** The Python expression that now yields the site's value, quoted with `q`. */
export function referenceExpr(site: RewriteSite, backend: string, q: string, helperName = HELPER_FN): string | undefined {
  const { secretName, jsonKey } = site.ref;
  if (!QUOTE_FREE.test(secretName) || !QUOTE_FREE.test(jsonKey ?? '')) return undefined;
  const b = backendFor(backend);
  if (!b.capabilities.helpers) {
    return `os.environ[${q}${b.reference.envVariable(site.ref)}${q}]`;
  }
  const call = `${helperName}(${q}${secretName}${q})`;
  return jsonKey ? `${call}[${q}${jsonKey}${q}]` : call;
}

/** `get_secret` unless the code already binds that name to something else; then `sweep_get_secret`. */
export function helperNameFor(texts: readonly string[]): string {
  for (const text of texts) {
    if (!text.includes(HELPER_FN)) continue;
    const tree = parsePython(text);
    try {
      for (const id of tree.rootNode.descendantsOfType('identifier')) {
        if (id?.text !== HELPER_FN) continue;
        const imp = ancestor(id, (n) => n.type === 'import_from_statement');
        if (imp && isHelperImport(imp)) continue;
        return HELPER_ALIAS;
      }
    } finally {
      tree.delete();
    }
  }
  return HELPER_FN;
}

function ancestor(n: TsNode, pred: (n: TsNode) => boolean): TsNode | undefined {
  for (let p: TsNode | null = n; p; p = p.parent) if (pred(p)) return p;
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Sites -> edits

/** Parents in which a string literal is a plain value, safe to replace by an expression of equal value. */
const VALUE_PARENTS = new Set([
  'assignment', 'keyword_argument', 'argument_list', 'pair', 'tuple', 'list', 'set', 'expression_list',
  'parenthesized_expression', 'default_parameter', 'typed_default_parameter', 'return_statement',
  // `os.environ.get("URL") or "…"`, `"…" if prod else "dev"`: a call binds tighter than both, and
  // `or`/`if` evaluate it only where the literal was used.
  'boolean_operator', 'conditional_expression',
]);

interface Located {
  site: RewriteSite;
  start: number;
  end: number;
  /** A percent-encoded URL password: the vault holds it decoded, the code quotes it back. */
  quoted?: boolean;
}

export function rewritePythonSource(text: string, sites: readonly RewriteSite[], opts: PythonRewriteOptions): PythonRewriteResult {
  const out: PythonRewriteResult = { edits: [], notes: [], unhandled: [], uses: { helper: false, os: false } };
  if (sites.length === 0) return out;
  const starts = lineStarts(text);
  const tree = parsePython(text);
  try {
    const root = tree.rootNode;
    const manual = (site: RewriteSite, reason: string, suggestion?: string) => {
      out.unhandled.push({ ...site, reason, ...(suggestion ? { suggestion } : {}) });
    };
    const helperName = opts.helperName ?? HELPER_FN;
    const suggest = (site: RewriteSite) => {
      const ref = referenceExpr(site, opts.backend, '"', helperName) ?? `the secret ${site.ref.secretName} key ${site.ref.jsonKey}`;
      return !backendFor(opts.backend).capabilities.helpers
        ? `use ${ref} here (import os)`
        : `use ${ref} here (from ${HELPER_MODULE} import ${HELPER_FN})`;
    };
    if (root.hasError) {
      for (const s of sites) if (s.kind === 'secret') manual(s, 'the file does not parse as Python 3', suggest(s));
      return out;
    }

    // 1. Each site -> its string literal.
    const groups = new Map<number, { str: TsNode; items: Located[] }>();
    for (const site of sites) {
      const off = siteOffsets(starts, text.length, site);
      if (!off) {
        if (site.kind === 'secret') manual(site, 'the location is not in the file (did it change?)');
        continue;
      }
      const [start, end] = off;
      const inner = root.descendantForIndex(start, end);
      const str = inner ? ancestor(inner, (n) => n.type === 'string') : undefined;
      if (!str) {
        if (site.kind === 'secret') {
          const inComment = inner?.type === 'comment';
          manual(site, inComment ? 'the value is in a comment' : 'the value is not a string literal',
            inComment ? 'delete the comment (and rotate the secret)' : suggest(site));
        }
        continue;
      }
      const g = groups.get(str.startIndex) ?? { str, items: [] };
      g.items.push({ site, start, end });
      groups.set(str.startIndex, g);
    }

    // 2. Each literal that holds a secret -> one edit.
    for (const { str, items } of groups.values()) {
      items.sort((a, b) => a.start - b.start);
      // Only secrets are interpolated: context values (user, host, port, database) stay literal, so the
      // string reads (and prints) as before.
      const secrets = items.filter((x) => x.site.kind === 'secret');
      if (secrets.length === 0) continue;
      items.splice(0, items.length, ...secrets);
      const fail = (reason: string) => {
        for (const x of secrets) manual(x.site, reason, suggest(x.site));
      };
      const open = str.child(0);
      const close = str.child(str.childCount - 1);
      if (!open || open.type !== 'string_start' || !close || close.type !== 'string_end') {
        fail('unusual string literal');
        continue;
      }
      const prefix = /^[A-Za-z]*/.exec(open.text)![0];
      const quote = open.text.slice(prefix.length);
      const isF = /f/i.test(prefix);
      const isRaw = /r/i.test(prefix);
      // A bytes literal that is the secret whole (Flask's `app.secret_key = b'…'`) becomes the text's `.encode()`:
      // the plan stored it decoded as UTF-8, so that gives the same bytes back.
      const isBytes = /b/i.test(prefix);
      if (isBytes && !(items.length === 1 && secrets.length === 1 && items[0]!.start === open.endIndex && items[0]!.end === close.startIndex
        && str.parent?.type !== 'concatenated_string' && !envDefault(str))) {
        fail('a bytes literal: the helper returns text; encode it yourself');
        continue;
      }
      // Where the literal sits.
      const outer = str.parent?.type === 'concatenated_string' ? str.parent : str;
      const holder = outer.parent;
      if (ancestor(str, (n) => n.type === 'case_pattern')) {
        fail('a match/case pattern cannot call a function');
        continue;
      }
      if (holder?.type === 'expression_statement' && holder.namedChildCount === 1) {
        fail('a string on its own (a docstring?) holds the secret; delete it and rotate the secret');
        continue;
      }
      const formatting = formattingOf(outer);
      if (!holder || (!VALUE_PARENTS.has(holder.type) && !formatting)) {
        fail(`the literal is used in a computed expression (${holder?.type ?? 'unknown'}); replace the literal by hand`);
        continue;
      }
      const conflict = formatting && secrets.map((x) => formatConflict(formatting, text.slice(x.start, x.end))).find(Boolean);
      if (conflict) {
        fail(conflict);
        continue;
      }
      if (holder.type === 'pair' && holder.childForFieldName('key')?.startIndex === outer.startIndex) {
        fail('the secret is a dict key');
        continue;
      }
      // Each site must sit inside literal text, not across an escape or an interpolation.
      const contents = str.children.filter((c): c is TsNode => c?.type === 'string_content');
      let bad: string | undefined;
      for (const x of items) {
        const c = contents.find((c) => c.startIndex <= x.start && x.end <= c.endIndex);
        if (!c) {
          bad = 'the value runs across an f-string interpolation';
          break;
        }
        // A site that is the literal's whole content is replaced whole: the vault holds the decoded value.
        const wholeContent = x.start === open.endIndex && x.end === close.startIndex && str.parent?.type !== 'concatenated_string';
        if (!isRaw && !wholeContent && c.children.some((e) => e && (e.type === 'escape_sequence' || e.type === 'escape_interpolation') && e.startIndex < x.end && x.start < e.endIndex)) {
          bad = 'the value contains escape sequences, so the stored text differs from what the program used';
          break;
        }
        if (x.site.rule && URI_RULE.test(x.site.rule) && /%[0-9A-Fa-f]{2}/.test(text.slice(x.start, x.end))) {
          // The plan stores the password percent-decoded (what the driver reads); the URL gets it quoted
          // back. A notebook cell adds no imports of its own, and a whole literal is not a URL: by hand.
          if (opts.addImport === false || wholeContent) {
            bad = 'a percent-encoded value in a URL: interpolate urllib.parse.quote(<reference>, safe="") by hand';
            break;
          }
          x.quoted = true;
        }
      }
      if (bad) {
        fail(bad);
        continue;
      }
      for (let i = 1; i < items.length; i++) {
        if (items[i]!.start < items[i - 1]!.end) bad = 'overlapping sites';
      }
      const keys = secrets.map((x) => `${x.site.ref.secretName}\u0000${x.site.ref.jsonKey}`);
      if (new Set(keys).size !== keys.length) bad = 'the secret appears more than once in one string';
      if (bad) {
        fail(bad);
        continue;
      }

      const contentStart = open.endIndex;
      const contentEnd = close.startIndex;
      const q = quote[0]!;
      const whole = items.length === 1 && items[0]!.start === contentStart && items[0]!.end === contentEnd && outer === str;
      if (whole) {
        const ref = referenceExpr(items[0]!.site, opts.backend, q, helperName);
        if (!ref) {
          fail('the secret name or key has characters that need escaping');
          continue;
        }
        const lazy = envDefault(str);
        if (lazy) out.edits.push({ start: lazy.call.startIndex, end: lazy.call.endIndex, replacement: lazy.rewrite(ref) });
        else out.edits.push({ start: str.startIndex, end: str.endIndex, replacement: isBytes ? `${ref}.encode()` : ref });
      } else {
        // An f-string: the other quote character inside the braces (Python < 3.12 needs that).
        const iq = q === '"' ? "'" : '"';
        let body = '';
        let pos = contentStart;
        const lit = (s: string) => (isF ? s : s.replace(/[{}]/g, (m) => m + m));
        let ok = true;
        for (const x of items) {
          const ref = referenceExpr(x.site, opts.backend, iq, helperName);
          if (!ref) {
            ok = false;
            break;
          }
          body += lit(text.slice(pos, x.start)) + (x.quoted ? `{urllib.parse.quote(${ref}, safe=${iq}${iq})}` : `{${ref}}`);
          if (x.quoted) out.uses.urlQuote = true;
          pos = x.end;
        }
        if (!ok) {
          fail('the secret name or key has characters that need escaping');
          continue;
        }
        body += lit(text.slice(pos, contentEnd));
        const newPrefix = isF ? prefix : prefix.replace(/[uU]/, '') + 'f';
        const fstring = newPrefix + quote + body + text.slice(close.startIndex, close.endIndex);
        // A URL default of an environment lookup is fetched only when the variable is unset, as a whole one is.
        const lazy = outer === str ? envDefault(str) : undefined;
        if (lazy) out.edits.push({ start: lazy.call.startIndex, end: lazy.call.endIndex, replacement: lazy.rewrite(fstring) });
        else out.edits.push({ start: str.startIndex, end: str.endIndex, replacement: fstring });
      }
      if (backendFor(opts.backend).capabilities.helpers) out.uses.helper = true;
      else out.uses.os = true;
    }

    if (out.edits.length && opts.addImport !== false) {
      const imp = importEdit(text, root, out.uses, helperName, Math.min(...out.edits.map((e) => e.start)), 'package-aware', opts.folder);
      if (imp) {
        out.edits.push(imp.edit);
        out.notes.push(`added ${imp.line}`);
      }
    }
  } finally {
    tree.delete();
  }
  // Safety net: the result must parse; if it does not, nothing is changed and every secret is manual.
  if (out.edits.length) {
    const after = parsePython(applyEdits(text, out.edits));
    const broken = after.rootNode.hasError;
    after.delete();
    if (broken) {
      const done = new Set(out.unhandled.map((u) => `${u.line}:${u.column}`));
      for (const s of sites) {
        if (s.kind === 'secret' && !done.has(`${s.line}:${s.column}`)) out.unhandled.push({ ...s, reason: 'the rewritten file would not parse; left unchanged' });
      }
      return { edits: [], notes: [], unhandled: out.unhandled, uses: { helper: false, os: false } };
    }
  }
  return out;
}

/** Parents where a conditional expression needs no parentheses. */
const BARE_CONDITIONAL_PARENTS = new Set(['assignment', 'keyword_argument', 'return_statement', 'argument_list', 'parenthesized_expression', 'expression_statement']);

/**
 * The literal is the default of an environment lookup, `os.environ.get("X", "lit")`,
 * `os.environ.setdefault("X", "lit")` or `os.getenv("X", "lit")` (also `environ.get`, a bare `getenv`):
 * the original read the literal only
 * when X is unset, so the rewrite fetches the secret only then (an eager default would call Secrets
 * Manager even when X is set, and fail offline). Same semantics, an empty X included.
 */
function envDefault(str: TsNode): { call: TsNode; rewrite: (ref: string) => string } | undefined {
  const args = str.parent;
  const call = args?.parent;
  if (args?.type !== 'argument_list' || call?.type !== 'call') return undefined;
  const named = args.namedChildren.filter((c): c is TsNode => c !== null);
  if (named.length !== 2 || named[1]!.startIndex !== str.startIndex) return undefined;
  const key = named[0]!;
  // The key is evaluated twice: only a plain literal or a name.
  if (key.type !== 'identifier' && !(key.type === 'string' && !/^[A-Za-z]*[fF]/.test(key.text))) return undefined;
  const fn = call.childForFieldName('function');
  if (!fn) return undefined;
  const k = key.text;
  const wrap = (e: string) => (BARE_CONDITIONAL_PARENTS.has(call.parent?.type ?? '') ? e : `(${e})`);
  const method = fn.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
  if (method === 'get' || method === 'setdefault') {
    const mapping = fn.childForFieldName('object');
    if (!mapping || !/^(?:[A-Za-z_][A-Za-z0-9_]*\.)*environ$/.test(mapping.text)) return undefined;
    const m = mapping.text;
    if (method === 'get') return { call, rewrite: (ref) => wrap(`${m}[${k}] if ${k} in ${m} else ${ref}`) };
    // A statement of its own on its line (the usual `os.environ.setdefault(...)`) reads best as an `if`.
    const stmt = call.parent;
    const src = stmt?.tree.rootNode.text ?? '';
    const before = stmt ? src.slice(src.lastIndexOf('\n', stmt.startIndex - 1) + 1, stmt.startIndex) : '';
    if (stmt?.type === 'expression_statement' && stmt.namedChildCount === 1 && /^[ \t]*$/.test(before)) {
      return { call, rewrite: (ref) => `if ${k} not in ${m}: ${m}[${k}] = ${ref}` };
    }
    return { call, rewrite: (ref) => wrap(`${m}[${k}] if ${k} in ${m} else ${m}.setdefault(${k}, ${ref})`) };
  }
  const isGetenv = (fn.type === 'identifier' && fn.text === 'getenv')
    || (fn.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'getenv' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(fn.childForFieldName('object')?.text ?? ''));
  if (!isGetenv) return undefined;
  return { call, rewrite: (ref) => wrap(`${fn.text}(${k}) if ${fn.text}(${k}) is not None else ${ref}`) };
}

/** `from secret_sweep_secrets import …` or `from .secret_sweep_secrets import …`. */
function isHelperImport(n: TsNode): boolean {
  if (n.type !== 'import_from_statement') return false;
  const m = n.childForFieldName('module_name')?.text;
  return m === HELPER_MODULE || m === `.${HELPER_MODULE}`;
}

/**
 * How the helper is imported. 'package-aware' (modules): the helper sits beside the module, and the
 * import tries the package-relative form first, then the absolute one, then the file beside `__file__`,
 * so it resolves however the module is started: `python -m pkg.sub.mod`, an import as `mysite.settings`
 * (Django), pytest from the root (package-relative), `python path/mod.py` and a top-level import (the
 * module's folder is on sys.path: absolute), or a file run by path from elsewhere, whose folder is on no
 * path (Flask's `config.from_pyfile`, `runpy.run_path`, `importlib.util.spec_from_file_location`).
 * 'plain' (notebook cells): cells have no package and no `__file__`; the kernel usually starts in the
 * notebook's folder (absolute import), and where it does not (papermill, a script that runs the cells
 * from the repository root) the helper is looked for in the notebook's folder, repository-relative,
 * under the working folder and each folder above it.
 */
export type HelperImportForm = 'package-aware' | 'plain';

/** The import lines the edits need, as one insertion edit (undefined when already imported). */
export function importEditFor(text: string, uses: PythonRewriteResult['uses'], helperName: string, firstUse: number, form: HelperImportForm = 'package-aware', folder = '.'): { edit: TextEdit; line: string } | undefined {
  const tree = parsePython(text);
  try {
    return importEdit(text, tree.rootNode, uses, helperName, firstUse, form, folder);
  } finally {
    tree.delete();
  }
}

/** `folder`: the file's folder, repository-relative and `/`-separated (where its helper is), for the 'plain' form's search. */
function importEdit(text: string, root: TsNode, uses: PythonRewriteResult['uses'], helperName: string, firstUse: number, form: HelperImportForm = 'package-aware', folder = '.'): { edit: TextEdit; line: string } | undefined {
  const wanted: string[] = [];
  /** What the report says was added, one line each. */
  const said: string[] = [];
  const eol: Eol = detectEol(text);
  const tops = root.namedChildren.filter((c): c is TsNode => c !== null);
  const before = (n: TsNode) => n.endIndex <= firstUse;
  if (uses.os) {
    const has = tops.some((c) => before(c) && c.type === 'import_statement'
      && c.childrenForFieldName('name').some((n) => n?.type === 'dotted_name' && n.text === 'os'));
    if (!has) {
      wanted.push('import os');
      said.push('`import os`');
    }
  }
  if (uses.urlQuote) {
    const has = tops.some((c) => before(c) && c.type === 'import_statement'
      && c.childrenForFieldName('name').some((n) => n?.type === 'dotted_name' && n.text === 'urllib.parse'));
    if (!has) {
      wanted.push('import urllib.parse');
      said.push('`import urllib.parse`');
    }
  }
  if (uses.helper) {
    const binds = (c: TsNode) => isHelperImport(c)
      && c.childrenForFieldName('name').some((n) => (helperName === HELPER_FN ? n?.text === HELPER_FN : n?.type === 'aliased_import' && n.childForFieldName('alias')?.text === helperName));
    const has = tops.some((c) => before(c) && (binds(c) || (c.type === 'try_statement' && c.descendantsOfType('import_from_statement').some((n) => n !== null && binds(n)))));
    const names = `${HELPER_FN}${helperName === HELPER_FN ? '' : ` as ${helperName}`}`;
    const indent = /^\t/m.test(text) && !/^ +\S/m.test(text) ? '\t' : '    ';
    // The fallback binds the helper by loading its file; private names, so no user name is shadowed.
    const byPath = (pathExpr: string) => `${helperName} = _sweep_runpy.run_path(${pathExpr})["${HELPER_FN}"]`;
    const parts = [...(folder === '.' ? [] : folder.split('/')), HELPER_FILE].map((p) => JSON.stringify(p)).join(', ');
    const at = (dir: string) => `_sweep_os.path.join(${dir}, ${parts})`;
    if (!has && form === 'plain') {
      said.push(`\`from ${HELPER_MODULE} import ${names}\` (else the helper in ${folder}/ found from the working folder up)`);
      wanted.push([
        'try:',
        `${indent}from ${HELPER_MODULE} import ${names}`,
        "except ImportError:  # the kernel started outside the notebook's folder: find that folder from here up",
        `${indent}import os as _sweep_os, runpy as _sweep_runpy`,
        `${indent}_sweep_dir = _sweep_os.getcwd()`,
        `${indent}while not _sweep_os.path.isfile(${at('_sweep_dir')}) and _sweep_os.path.dirname(_sweep_dir) != _sweep_dir:`,
        `${indent}${indent}_sweep_dir = _sweep_os.path.dirname(_sweep_dir)`,
        `${indent}${byPath(at('_sweep_dir'))}`,
      ].join(eol));
    } else if (!has) {
      said.push(`\`from .${HELPER_MODULE} import ${names}\` (else \`from ${HELPER_MODULE} import ${names}\`, else the file \`${folder === '.' ? '' : `${folder}/`}${HELPER_FILE}\` found from this file's folder, its callers' or the working folder)`);
      wanted.push([
        'try:',
        `${indent}from .${HELPER_MODULE} import ${names}`,
        // KeyError: code exec()'d into a bare dict (`exec(open("settings.py").read(), cfg)`) has no __name__.
        'except (ImportError, KeyError):  # not imported as part of a package (a script, a top-level module, exec())',
        `${indent}try:`,
        `${indent}${indent}from ${HELPER_MODULE} import ${names}`,
        `${indent}except ImportError:  # run by path from elsewhere (Flask's from_pyfile, runpy, exec()): find the helper's file`,
        `${indent}${indent}import os as _sweep_os, runpy as _sweep_runpy, sys as _sweep_sys`,
        `${indent}${indent}_sweep_f, _sweep_dirs = _sweep_sys._getframe(), []`,
        `${indent}${indent}while _sweep_f:  # this file's folder, then its callers' (exec()'d source has no __file__)`,
        `${indent}${indent}${indent}_sweep_dirs.append(_sweep_os.path.dirname(_sweep_os.path.abspath(_sweep_f.f_code.co_filename)))`,
        `${indent}${indent}${indent}_sweep_f = _sweep_f.f_back`,
        `${indent}${indent}_sweep_at = [_sweep_os.path.join(_sweep_dirs[0], "${HELPER_FILE}")]  # beside this file, else ${folder}/ above one of them or the working folder`,
        `${indent}${indent}for _sweep_dir in _sweep_dirs + [_sweep_os.getcwd()]:`,
        `${indent}${indent}${indent}while _sweep_dir != _sweep_os.path.dirname(_sweep_dir):`,
        `${indent}${indent}${indent}${indent}_sweep_at.append(${at('_sweep_dir')})`,
        `${indent}${indent}${indent}${indent}_sweep_dir = _sweep_os.path.dirname(_sweep_dir)`,
        `${indent}${indent}${byPath(`next((p for p in _sweep_at if _sweep_os.path.isfile(p)), _sweep_at[0])`)}`,
      ].join(eol));
    }
  }
  if (wanted.length === 0) return undefined;

  // After leading comments (shebang, coding cookie, licence), the docstring, __future__ and other imports.
  let anchor: TsNode | undefined;
  let i = 0;
  while (i < tops.length && tops[i]!.type === 'comment' && (anchor === undefined ? tops[i]!.startIndex === 0 || onlyCommentsBefore(text, tops[i]!) : true)) {
    anchor = tops[i];
    i++;
  }
  const first = tops[i];
  if (first?.type === 'expression_statement' && first.namedChildCount === 1 && ['string', 'concatenated_string'].includes(first.namedChild(0)?.type ?? '')) {
    anchor = first;
    i++;
  }
  for (; i < tops.length; i++) {
    const t = tops[i]!.type;
    if (t === 'import_statement' || t === 'import_from_statement' || t === 'future_import_statement') anchor = tops[i];
    else if (t !== 'comment') break;
  }
  const lines = wanted.join(eol);
  if (!anchor) return { edit: { start: 0, end: 0, replacement: lines + eol }, line: said.join('; ') };
  const nl = text.indexOf('\n', anchor.endIndex);
  // The use shares the last import's line (`from decouple import config; PW = config("PW")`): after that
  // line would be too late, so the import goes on a line of its own before it (not before a __future__ import).
  if (firstUse >= 0 && (nl < 0 ? text.length : nl + 1) > firstUse) {
    const lineStart = text.lastIndexOf('\n', anchor.startIndex - 1) + 1;
    const sameLine = tops.filter((c) => c.startIndex >= lineStart && c.startIndex < firstUse);
    if (sameLine[0]?.startIndex === lineStart && !sameLine.some((c) => c.type === 'future_import_statement')) {
      return { edit: { start: lineStart, end: lineStart, replacement: lines + eol }, line: said.join('; ') };
    }
  }
  if (nl < 0) return { edit: { start: text.length, end: text.length, replacement: eol + lines }, line: said.join('; ') };
  return { edit: { start: nl + 1, end: nl + 1, replacement: lines + eol }, line: said.join('; ') };
}

function onlyCommentsBefore(text: string, n: TsNode): boolean {
  return text.slice(0, n.startIndex).split('\n').every((l) => /^\s*(#.*)?\r?$/.test(l));
}

// ---------------------------------------------------------------------------------------------------
// The Rewriter

export interface HelperFile {
  /** Relative to the repository root, `/`-separated. */
  path: string;
  content: string;
}

export class PythonRewriter implements Rewriter {
  readonly id = 'python';

  appliesTo(file: string, text: string): boolean {
    if (/\.pyw?$/i.test(file)) return true;
    return !path.extname(file) && /^#!.*\bpython[0-9.]*\b/.test(text.slice(0, 200));
  }

  rewrite(input: RewriteInput): PythonRewriteResult {
    if (input.sites.length === 0) return { edits: [], notes: [], unhandled: [], uses: { helper: false, os: false } };
    const helperName = backendFor(input.backend).capabilities.helpers ? helperNameFor([input.text]) : HELPER_FN;
    const folder = path.posix.dirname(input.file.split(path.sep).join('/'));
    const res = rewritePythonSource(input.text, input.sites, { backend: input.backend, helperName, folder });
    for (const u of res.unhandled) res.notes.push(`${u.file}:${u.line}:${u.column}: left for you: ${u.reason}${u.suggestion ? `; ${u.suggestion}` : ''}`);
    // Name the file: a run that rewrites several gives one such note each.
    res.notes = res.notes.map((n) => (n.startsWith('added ') ? `${input.file}: ${n}` : n));
    return res;
  }

  /**
   * The helper modules the rewritten files import (aws backend only): one `secret_sweep_secrets.py`
   * beside each rewritten file, where its package-aware import finds it both ways (package-relative
   * when it is imported as part of a package, a regular or a namespace one; absolute when it runs as a
   * script or a top-level module, its folder then being on sys.path; a notebook kernel starts in the
   * notebook's folder).
   */
  helperFiles(rewrittenFiles: readonly string[], backend: Backend = awsBackend): HelperFile[] {
    const content = backend.helperSource('python', HELPER_FILE);
    if (content === undefined) return [];
    const dirs = new Set<string>();
    for (const f of rewrittenFiles) dirs.add(path.posix.dirname(f.split(path.sep).join('/')));
    return [...dirs].sort().map((d) => ({ path: d === '.' ? HELPER_FILE : `${d}/${HELPER_FILE}`, content }));
  }
}

/** A rewriter with its grammar loaded. */
export async function createPythonRewriter(): Promise<PythonRewriter> {
  await loadPythonParser();
  return new PythonRewriter();
}

/** The helper module the AWS backend generates (kept here for the tests that run it). */
export const PYTHON_HELPER = awsBackend.helperSource('python', HELPER_FILE)!;
