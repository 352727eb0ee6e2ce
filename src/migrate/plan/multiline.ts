/**
 * String literals that span lines, found in the whole file and decoded the way their reader does:
 * Python triple-quoted strings (and backslash-continued ones), JS/TS template literals without
 * substitutions (and continued strings), python-dotenv double- or single-quoted values over several
 * lines, YAML block scalars (`|`, `>`, with chomping and indentation indicators). A PEM key kept in one
 * of these is the usual case.
 *
 * Source line breaks are read as LF, as every one of these readers does (Python and YAML read universal
 * newlines, a template literal normalises CRLF, python-dotenv opens the file in text mode).
 */
import { createRequire } from 'node:module';
import type * as TS from 'typescript';
import { decodeDotenv, decodePython, decodeShell, type Syntax } from './literals.js';
import { typescript } from '../typescript-lib.js';

export interface SpanLiteral {
  /** The literal's content in the file (UTF-16 offsets, end exclusive): what a rewriter replaces. */
  start: number;
  end: number;
  /** What the program reads from it. */
  value: string;
  exact: boolean;
  why?: string;
}

const requireCjs = createRequire(import.meta.url);
let yamlLib: typeof import('yaml') | undefined;

/** The literal of `text` (a whole file) that holds [s, e), or undefined when none this module reads does. */
export function enclosingLiteral(file: string, text: string, s: number, e: number, syntax: Syntax): SpanLiteral | undefined {
  if (syntax === 'python') return pythonLiteral(text, s, e);
  if (syntax === 'javascript') return jsLiteral(file, text, s, e);
  if (syntax === 'dotenv') return dotenvValue(text, s, e, ASSIGNED_QUOTE, decodeDotenv);
  if (syntax === 'shell') return dotenvValue(text, s, e, SHELL_ASSIGNED_QUOTE, decodeShell);
  if (syntax === 'yaml') return yamlBlock(text, s, e);
  return undefined;
}

const lf = (s: string) => s.replace(/\r\n?/g, '\n');

/** Python: a scan of the whole file for string literals (comments skipped), then the one holding the span. */
function pythonLiteral(text: string, s: number, e: number): SpanLiteral | undefined {
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '#') {
      const nl = text.indexOf('\n', i);
      if (nl < 0) return undefined;
      i = nl + 1;
      continue;
    }
    let prefix = '';
    const m = /^[rRbBfFuU]{1,2}(?=['"])/.exec(text.slice(i, i + 3));
    if (m && (i === 0 || !/[A-Za-z0-9_]/.test(text[i - 1]!))) prefix = m[0];
    else if (/[A-Za-z0-9_]/.test(c)) {
      i++;
      continue;
    }
    const q = text[i + prefix.length];
    if (q !== '"' && q !== "'") {
      i++;
      continue;
    }
    const triple = text.startsWith(q.repeat(3), i + prefix.length);
    const quote = triple ? q.repeat(3) : q;
    const start = i + prefix.length + quote.length;
    let j = start;
    let end = -1;
    while (j < text.length) {
      if (text[j] === '\\') {
        j += text.startsWith('\r\n', j + 1) ? 3 : 2;
        continue;
      }
      if (!triple && text[j] === '\n') break; // unterminated: not a literal
      if (text.startsWith(quote, j)) {
        end = j;
        break;
      }
      j++;
    }
    if (end < 0) {
      i = j + 1;
      continue;
    }
    if (start <= s && e <= end) {
      if (/b/i.test(prefix)) return undefined;
      const d = decodePython(lf(text.slice(start, end)), prefix);
      return { start, end, value: d.value, exact: d.exact, ...(d.why ? { why: d.why } : {}) };
    }
    if (start > s) return undefined;
    i = end + quote.length;
  }
  return undefined;
}

/** JS/TS: the TypeScript parser's string or substitution-free template literal, its cooked text. */
function jsLiteral(file: string, text: string, s: number, e: number): SpanLiteral | undefined {
  const ts = typescript();
  const kind = /\.tsx$/i.test(file) ? ts.ScriptKind.TSX : /\.[cm]?ts$/i.test(file) ? ts.ScriptKind.TS : /\.jsx$/i.test(file) ? ts.ScriptKind.JSX : ts.ScriptKind.JS;
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  let found: TS.Node | undefined;
  const visit = (n: TS.Node): void => {
    if (found || n.getStart(sf) > s || n.end < e) return;
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateExpression(n)) {
      found = n;
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  if (!found) return undefined;
  const start = found.getStart(sf) + 1;
  const end = found.end - 1;
  if (!(start <= s && e <= end)) return undefined;
  if (ts.isTemplateExpression(found)) return { start, end, value: '', exact: false, why: 'a template interpolation builds the value at run time' };
  if (found.parent && ts.isTaggedTemplateExpression(found.parent)) return { start, end, value: '', exact: false, why: 'a tagged template builds the value at run time' };
  const lit = found as TS.StringLiteral | TS.NoSubstitutionTemplateLiteral;
  // CRLF in a template's source is LF in its value; the parser's cooked text may keep the CR.
  return { start, end, value: ts.isNoSubstitutionTemplateLiteral(lit) ? lf(lit.text) : lit.text, exact: true };
}

const ASSIGNED_QUOTE = /^[ \t]*(?:export[ \t]+)?[A-Za-z_][A-Za-z0-9_.-]*[ \t]*=[ \t]*(["'])/gm;
const SHELL_ASSIGNED_QUOTE = /^[ \t]*(?:(?:export|readonly|local|declare(?:[ \t]+-[A-Za-z]+)*)[ \t]+)?[A-Za-z_][A-Za-z0-9_]*=(["'])/gm;

/**
 * python-dotenv (KEY="…" or KEY='…') or a shell assignment (VAR='…', export VAR="…"): a quoted value over
 * several lines (a shell single quote has no escapes).
 */
function dotenvValue(text: string, s: number, e: number, re: RegExp, decode: (body: string, quote: string) => { value: string; exact: boolean; why?: string }): SpanLiteral | undefined {
  const escapes = (q: string) => re !== SHELL_ASSIGNED_QUOTE || q === '"';
  for (const m of text.matchAll(re)) {
    const q = m[1]!;
    const start = m.index + m[0].length;
    if (start > s) return undefined;
    let j = start;
    for (; j < text.length && text[j] !== q; j++) if (text[j] === '\\' && escapes(q)) j++;
    if (j >= text.length) return undefined;
    if (start <= s && e <= j) {
      // The shell reads a CR before a line break as part of the value.
      const d = decode(re === SHELL_ASSIGNED_QUOTE ? text.slice(start, j) : lf(text.slice(start, j)), q);
      return { start, end: j, value: d.value, exact: d.exact, ...(d.why ? { why: d.why } : {}) };
    }
  }
  return undefined;
}

/** YAML: a block scalar (`key: |`), its value as the `yaml` package (a YAML 1.2 reader) gives it. */
function yamlBlock(text: string, s: number, e: number): SpanLiteral | undefined {
  const YAML = (yamlLib ??= requireCjs('yaml') as typeof import('yaml'));
  let found: { start: number; end: number; value: string } | undefined;
  for (const doc of YAML.parseAllDocuments(text)) {
    if (!('contents' in doc) || doc.errors.length) return undefined;
    YAML.visit(doc, {
      Scalar(_k, node) {
        const r = node.range;
        if (!r || found || (node.type !== 'BLOCK_LITERAL' && node.type !== 'BLOCK_FOLDED') || typeof node.value !== 'string') return;
        if (r[0] <= s && e <= r[1]) found = { start: r[0], end: r[1], value: node.value };
      },
    });
  }
  if (!found) return undefined;
  // The span a rewriter replaces runs from the indicator to the end of the block's last line (no line break).
  let end = found.end;
  while (end > found.start && /[\r\n]/.test(text[end - 1]!)) end--;
  return { start: found.start, end, value: found.value, exact: true };
}
