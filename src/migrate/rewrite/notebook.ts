/**
 * The Jupyter notebook rewriter (`.ipynb`): the Python rewriter applied to each code cell's source, with
 * the notebook's JSON layout kept byte for byte outside what changes.
 *
 * A notebook is JSON; the scanner's sites are positions in that JSON text, inside the string literals of
 * a cell's `source` (a list of lines, or one string) or of its `outputs`. The notebook is read with a
 * small position-keeping JSON reader, each code cell's source is decoded with a map from source offsets
 * back to the JSON text, and the Python edits are turned back into JSON edits:
 * - a list-form source keeps every unchanged line's JSON string exactly as it was; changed and added
 *   lines are written the way nbformat writes them (JSON escapes, non-ASCII kept) with the list's own
 *   separator and indentation;
 * - a string-form source stays one string.
 * The helper import is added once, to the first code cell (after its imports). Outputs that contain a
 * migrated value are cleared (`"outputs": []`, `"execution_count": null`) and listed in the notes; a
 * value in a markdown cell, in metadata or elsewhere is left for a human.
 */
import path from 'node:path';
import type { RewriteInput, RewriteSite, Rewriter, TextEdit } from './rewriter.js';
import { detectEol } from './fixer.js';
import type { Backend } from '../backend/backend.js';
import { backendFor } from '../backend/backends.js';
import {
  helperNameFor,
  importEditFor,
  lineStarts,
  rewritePythonSource,
  siteOffsets,
  type HelperFile,
  type PythonRewriteResult,
  type UnhandledSite,
  PythonRewriter,
  loadPythonParser,
} from './python.js';

// ---------------------------------------------------------------------------------------------------
// A JSON reader that keeps positions

export type JNode =
  | { t: 'object'; start: number; end: number; entries: Array<{ key: string; keyStart: number; value: JNode }> }
  | { t: 'array'; start: number; end: number; items: JNode[] }
  | { t: 'string'; start: number; end: number; value: string }
  | { t: 'other'; start: number; end: number };

export function parseJsonWithSpans(text: string): JNode {
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const fail = (what: string): never => {
    throw new Error(`invalid JSON at offset ${i}: ${what}`);
  };
  const str = (): { value: string; start: number; end: number } => {
    const start = i;
    if (text[i] !== '"') fail('expected a string');
    const end = scanString(text, i);
    if (end < 0) fail('unterminated string');
    i = end;
    return { value: JSON.parse(text.slice(start, end)) as string, start, end };
  };
  const value = (): JNode => {
    ws();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++;
      const entries: Array<{ key: string; keyStart: number; value: JNode }> = [];
      ws();
      if (text[i] === '}') {
        i++;
        return { t: 'object', start, end: i, entries };
      }
      for (;;) {
        ws();
        const k = str();
        ws();
        if (text[i] !== ':') fail('expected :');
        i++;
        entries.push({ key: k.value, keyStart: k.start, value: value() });
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return { t: 'object', start, end: i, entries };
        }
        fail('expected , or }');
      }
    }
    if (c === '[') {
      i++;
      const items: JNode[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return { t: 'array', start, end: i, items };
      }
      for (;;) {
        items.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return { t: 'array', start, end: i, items };
        }
        fail('expected , or ]');
      }
    }
    if (c === '"') {
      const s = str();
      return { t: 'string', ...s };
    }
    const m = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 64));
    if (!m) fail('unexpected character');
    i += m![0].length;
    return { t: 'other', start, end: i };
  };
  const v = value();
  ws();
  if (i !== text.length) fail('trailing characters');
  return v;
}

/** End offset (exclusive) of the JSON string starting at `i`, or -1. */
function scanString(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x5c) j++;
    else if (c === 0x22) return j + 1;
  }
  return -1;
}

/**
 * Decode a JSON string literal [start, end) with a map: `map[k]` is the JSON-text offset of decoded
 * UTF-16 unit k (and `map[len]` = end - 1, the closing quote). Escaped units map to their escape's start
 * and are flagged in `escaped`.
 */
function decodeWithMap(text: string, start: number, end: number): { value: string; map: number[]; escaped: boolean[] } {
  let value = '';
  const map: number[] = [];
  const escaped: boolean[] = [];
  for (let j = start + 1; j < end - 1; ) {
    if (text[j] === '\\') {
      const e = text[j + 1];
      const len = e === 'u' ? 6 : 2;
      const ch = JSON.parse(`"${text.slice(j, j + len)}"`) as string;
      value += ch;
      map.push(j);
      escaped.push(true);
      j += len;
    } else {
      value += text[j];
      map.push(j);
      escaped.push(false);
      j++;
    }
  }
  map.push(end - 1);
  return { value, map, escaped };
}

/** nbformat's way of writing a string: JSON escapes, non-ASCII kept (like json.dumps(ensure_ascii=False)). */
function jsonString(s: string): string {
  return JSON.stringify(s);
}

// ---------------------------------------------------------------------------------------------------
// The rewriter

interface CellSource {
  cell: number;
  node: Extract<JNode, { t: 'array' | 'string' }>;
  /** The string literals, in order. */
  parts: Array<Extract<JNode, { t: 'string' }> & { map: number[]; escaped: boolean[] }>;
  text: string;
}

export class NotebookRewriter implements Rewriter {
  readonly id = 'notebook';
  private readonly python = new PythonRewriter();

  appliesTo(file: string): boolean {
    return /\.ipynb$/i.test(file);
  }

  /** The helper modules, placed as for Python files (a notebook's folder is the kernel's working directory). */
  helperFiles(rewrittenFiles: readonly string[], backend?: Backend): HelperFile[] {
    return this.python.helperFiles(rewrittenFiles, backend);
  }

  rewrite(input: RewriteInput): PythonRewriteResult {
    const out: PythonRewriteResult = { edits: [], notes: [], unhandled: [], uses: { helper: false, os: false } };
    if (input.sites.length === 0) return out;
    const manual = (s: RewriteSite, reason: string, suggestion?: string) => {
      out.unhandled.push({ ...s, reason, ...(suggestion ? { suggestion } : {}) });
    };
    let nb: JNode;
    try {
      nb = parseJsonWithSpans(input.text);
    } catch {
      for (const s of input.sites) if (s.kind === 'secret') manual(s, 'the notebook is not valid JSON');
      return finish(out);
    }
    const cellsNode = nb.t === 'object' ? nb.entries.find((e) => e.key === 'cells')?.value : undefined;
    if (!cellsNode || cellsNode.t !== 'array') {
      for (const s of input.sites) if (s.kind === 'secret') manual(s, 'not a notebook (no "cells" list)');
      return finish(out);
    }

    const starts = lineStarts(input.text);
    const located = input.sites.map((site) => ({ site, off: siteOffsets(starts, input.text.length, site) }));
    const sources: CellSource[] = [];
    const outputsToClear = new Map<number, { outputs: JNode; count?: JNode }>();
    const claimed = new Set<RewriteSite>();

    cellsNode.items.forEach((cell, ci) => {
      if (cell.t !== 'object') return;
      const field = (k: string) => cell.entries.find((e) => e.key === k)?.value;
      const type = field('cell_type');
      const isCode = type?.t === 'string' && type.value === 'code';
      const src = field('source');
      const within = (n: JNode | undefined) => located.filter((l) => n && l.off && l.off[0] >= n.start && l.off[1] <= n.end);
      if (isCode && src && (src.t === 'array' || src.t === 'string')) {
        const parts = (src.t === 'array' ? src.items : [src]).filter((p): p is Extract<JNode, { t: 'string' }> => p.t === 'string');
        if (src.t === 'array' && parts.length !== src.items.length) return;
        const decoded = parts.map((p) => ({ ...p, ...decodeWithMap(input.text, p.start, p.end) }));
        sources.push({ cell: ci, node: src, parts: decoded, text: decoded.map((p) => p.value).join('') });
      }
      const outputs = field('outputs');
      const inOut = within(outputs);
      if (isCode && outputs && inOut.length) {
        outputsToClear.set(ci, { outputs, count: field('execution_count') });
        for (const l of inOut) claimed.add(l.site);
      }
      if (!isCode) {
        for (const l of within(cell)) {
          if (l.site.kind === 'secret') manual(l.site, `the value is in a ${type?.t === 'string' ? type.value : 'non-code'} cell (cell ${ci + 1})`, 'remove it from the cell by hand');
          claimed.add(l.site);
        }
      }
    });

    // Map each site into its cell's Python source.
    const perCell = new Map<CellSource, Array<{ orig: RewriteSite; inCell: RewriteSite }>>();
    for (const { site, off } of located) {
      if (claimed.has(site)) continue;
      const cs = off && sources.find((s) => s.node.start <= off[0] && off[1] <= s.node.end);
      if (!off || !cs) {
        if (site.kind === 'secret') manual(site, 'the value is not in a code cell\'s source or outputs', 'remove it by hand');
        continue;
      }
      // The decoded range: the site must lie in one JSON string, with no JSON escape inside it.
      let base = 0;
      let mapped: [number, number] | undefined;
      for (const p of cs.parts) {
        if (off[0] >= p.start + 1 && off[1] <= p.end - 1) {
          const a = p.map.indexOf(off[0]);
          const b = p.map.indexOf(off[1]);
          if (a >= 0 && b >= 0 && !p.escaped.slice(a, b).some(Boolean)) mapped = [base + a, base + b];
          break;
        }
        base += p.value.length;
      }
      const magic = cs.parts.find((p) => off[0] >= p.start + 1 && off[0] < p.end - 1 && /^\s*[%!]/.test(p.value));
      if (magic) {
        // `%env X=…`, `!cmd …`: IPython, not Python; the helper call has to be written in Python.
        if (site.kind === 'secret') manual(site, 'an IPython magic or shell line (%env, !cmd) holds the value', `replace the line with Python, e.g. os.environ["NAME"] = get_secret("${site.ref.secretName}")["${site.ref.jsonKey}"]`);
        continue;
      }
      if (!mapped) {
        if (site.kind === 'secret') manual(site, 'the value has JSON escapes or spans lines of the cell', 'edit the cell by hand');
        continue;
      }
      const ls = lineStarts(cs.text);
      const pos = (o: number) => {
        let l = 0;
        while (l + 1 < ls.length && ls[l + 1]! <= o) l++;
        return { line: l + 1, column: o - ls[l]! + 1 };
      };
      const a = pos(mapped[0]);
      const b = pos(mapped[1] - 1);
      const inCell: RewriteSite = { ...site, line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
      const list = perCell.get(cs) ?? [];
      list.push({ orig: site, inCell });
      perCell.set(cs, list);
    }

    // Rewrite the cells; the import goes once into the first code cell.
    const helperName = backendFor(input.backend).capabilities.helpers ? helperNameFor(sources.map((s) => maskMagics(s.text))) : 'get_secret';
    const newText = new Map<CellSource, string>();
    const uses = { helper: false, os: false };
    for (const [cs, list] of perCell) {
      // IPython lines (`%matplotlib inline`, `!pip install …`) parse as comments of the same length.
      const res = rewritePythonSource(maskMagics(cs.text), list.map((x) => x.inCell), { backend: input.backend, addImport: false, helperName });
      for (const u of res.unhandled) {
        const orig = list.find((x) => x.inCell === stripExtra(u, list))?.orig ?? u;
        out.unhandled.push({ ...orig, reason: `${u.reason} (cell ${cs.cell + 1})`, ...(u.suggestion ? { suggestion: u.suggestion } : {}) });
      }
      if (res.edits.length) {
        newText.set(cs, applyLocal(cs.text, res.edits));
        uses.helper ||= res.uses.helper;
        uses.os ||= res.uses.os;
      }
    }
    if (newText.size && sources.length) {
      const first = sources[0]!;
      const text = newText.get(first) ?? first.text;
      const firstUse = newText.has(first) ? firstDiff(first.text, text) : text.length;
      const imp = importEditFor(maskMagics(text), uses, helperName, firstUse, 'plain', path.posix.dirname(input.file.split(path.sep).join('/')));
      if (imp) {
        newText.set(first, applyLocal(text, [imp.edit]));
        out.notes.push(`added ${imp.line} to the first code cell`);
      }
    }
    for (const [cs, text] of newText) {
      const e = sourceEdit(input.text, cs, text);
      if (e) out.edits.push(e);
    }

    // Clear outputs that show a migrated value.
    for (const [ci, { outputs, count }] of [...outputsToClear].sort((a, b) => a[0] - b[0])) {
      out.edits.push({ start: outputs.start, end: outputs.end, replacement: '[]' });
      if (count && count.t === 'other' && input.text.slice(count.start, count.end) !== 'null') {
        out.edits.push({ start: count.start, end: count.end, replacement: 'null' });
      }
      out.notes.push(`cleared the outputs of cell ${ci + 1}: they displayed a migrated secret (re-run the cell)`);
    }
    if (out.edits.length) out.uses = uses;
    return finish(out);

    function finish(r: PythonRewriteResult): PythonRewriteResult {
      for (const u of r.unhandled) r.notes.push(`${u.file}:${u.line}:${u.column}: left for you: ${u.reason}${u.suggestion ? `; ${u.suggestion}` : ''}`);
      return r;
    }
  }
}

/** The in-cell site an UnhandledSite was made from (it is a copy with extra fields). */
function stripExtra(u: UnhandledSite, list: Array<{ inCell: RewriteSite }>): RewriteSite | undefined {
  return list.find((x) => x.inCell.line === u.line && x.inCell.column === u.column && x.inCell.fingerprint === u.fingerprint && x.inCell.ref === u.ref)?.inCell;
}

function applyLocal(text: string, edits: TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.replacement + out.slice(e.end);
  return out;
}

function firstDiff(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** Split into lines keeping their line breaks (as nbformat stores a list-form source). */
function splitLines(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (let j = s.indexOf('\n'); j >= 0; j = s.indexOf('\n', i)) {
    out.push(s.slice(i, j + 1));
    i = j + 1;
  }
  if (i < s.length) out.push(s.slice(i));
  return out;
}

/** One edit that turns the cell's source JSON into `newSource`, unchanged lines kept byte for byte. */
function sourceEdit(text: string, cs: CellSource, newSource: string): TextEdit | undefined {
  if (newSource === cs.text) return undefined;
  if (cs.node.t === 'string') return { start: cs.node.start, end: cs.node.end, replacement: jsonString(newSource) };
  const oldLines = cs.parts.map((p) => p.value);
  const newLines = splitLines(newSource);
  // Longest common subsequence of lines, so every unchanged line keeps its original JSON text.
  const n = oldLines.length;
  const m = newLines.length;
  const dp: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) dp[i]![j] = oldLines[i] === newLines[j] ? dp[i + 1]![j + 1]! + 1 : Math.max(dp[i + 1]![j]!, dp[i]![j + 1]!);
  }
  const items: string[] = [];
  for (let i = 0, j = 0; j < m; ) {
    if (i < n && oldLines[i] === newLines[j]) {
      items.push(text.slice(cs.parts[i]!.start, cs.parts[i]!.end));
      i++;
      j++;
    } else if (i < n && dp[i + 1]![j]! >= dp[i]![j + 1]!) i++;
    else {
      items.push(jsonString(newLines[j]!));
      j++;
    }
  }
  // The list's own separator: what stands between its first two items, else nbformat's.
  let sep: string;
  if (cs.parts.length >= 2) sep = text.slice(cs.parts[0]!.end, cs.parts[1]!.start);
  else {
    const lineStart = text.lastIndexOf('\n', cs.node.start) + 1;
    const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
    const eol = detectEol(text);
    sep = `,${eol}${indent} `;
  }
  if (cs.parts.length === 0) {
    const lineStart = text.lastIndexOf('\n', cs.node.start) + 1;
    const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
    const eol = detectEol(text);
    return { start: cs.node.start, end: cs.node.end, replacement: `[${eol}${indent} ${items.join(sep)}${eol}${indent}]` };
  }
  const first = cs.parts[0]!;
  const last = cs.parts[cs.parts.length - 1]!;
  return { start: first.start, end: last.end, replacement: items.join(sep) };
}

/** A notebook rewriter with the Python grammar loaded. */
export async function createNotebookRewriter(): Promise<NotebookRewriter> {
  await loadPythonParser();
  return new NotebookRewriter();
}

/**
 * The cell's text with each IPython line magic and shell escape (`%matplotlib inline`, `!pip install x`)
 * turned into a comment of the same length, so the rest parses as Python and offsets stay valid. A cell
 * magic (`%%bash`, `%%sql`) makes the whole cell another language: left as it is (it does not parse).
 */
export function maskMagics(text: string): string {
  if (/^\s*%%/.test(text)) return text;
  return text.replace(/^([ \t]*)[%!]/gm, '$1#');
}
