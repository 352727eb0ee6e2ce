/**
 * Jupyter notebooks (nbformat 4) store a cell's source and its text outputs as a "multiline string": a
 * JSON string or an array of strings that readers join with nothing between them (nbformat's schema).
 * Jupyter, GitHub's renderer and `nbconvert` show the joined text, so `"source": ["x = Github(\"ghp_ab",
 * "cd…\")\n"]` is a notebook holding the token, while the file holds two halves no rule matches (round 8,
 * docs/gate.md). An array of strings in a notebook that is split elsewhere than after line ends is joined
 * and scanned again, reported at the array's span. Jupyter splits at line ends only: the lines are what
 * the text scan reads already, so a notebook as Jupyter saved it costs one pass and no second scan (a
 * line ending in a backslash is joined too: a continuation the next string ends). Linear: arrays do not
 * overlap.
 */
export interface JoinedArray {
  /** The array's span, `[` to `]` inclusive. */
  start: number;
  end: number;
  text: string;
}

/** A file that says it is a notebook (the top-level key every nbformat version has). */
const NOTEBOOK = /"nbformat"\s*:\s*\d/;
/** A key with a number after it, any spelling (`"nb\u0066ormat": 4` is the same key to every JSON reader). */
const NUMBER_KEY = /"((?:[^"\\\n]|\\.){1,80})"\s*:\s*\d/g;

/** A JSON key as readers see it (escapes undone); undefined when it is not a valid JSON string. */
function keyText(raw: string): string | undefined {
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return undefined;
  }
}

function isNotebook(text: string): boolean {
  if (NOTEBOOK.test(text)) return true;
  // Only a text with an escape can spell the key otherwise (the decode trigger's `\u00` lets it through).
  if (!text.includes('\\u')) return false;
  for (const m of text.matchAll(NUMBER_KEY)) if (m[1]!.includes('\\') && keyText(m[1]!) === 'nbformat') return true;
  return false;
}
/** Longest joined array scanned again (a cell's source or a text output; a larger one is scanned as written only). */
const MAX_JOINED = 1 << 20;

/** End of the JSON string opening at `at` (the index after its closing quote), or -1 when it does not close on that line. */
function stringEnd(text: string, at: number): number {
  for (let i = at + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) i++; // backslash: skip the escaped character
    else if (c === 0x22) return i + 1;
    else if (c === 0x0a) return -1;
  }
  return -1;
}

const isBlank = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/**
 * How the JSON string `text[from, to)` (quotes included) ends: 'line' after an escaped line end (`\n"`),
 * 'continuation' after a backslash and a line end (`\\\n"`), 'open' otherwise. Read from the raw text:
 * parsing every string of every notebook cost a quarter more time on notebooks.
 */
function ending(text: string, from: number, to: number): 'line' | 'continuation' | 'open' {
  if (to - from < 4 || text[to - 2] !== 'n') return 'open';
  let slashes = 0;
  for (let i = to - 3; i > from && text[i] === '\\'; i--) slashes++;
  if (slashes % 2 === 0) return 'open';
  // An odd run of backslashes: the last one escapes the n; pairs before it are escaped backslashes.
  return slashes >= 3 ? 'continuation' : 'line';
}

/**
 * The key whose value is the array opening at `open` when nbformat joins it with nothing between: a cell's
 * `source`, a stream's `text`, a MIME bundle's `text/plain` (any `type/subtype`). Not `traceback` (lines
 * joined with line ends) or `tags`. Undefined for any other array.
 */
function multilineKey(text: string, open: number): 'source' | 'output' | undefined {
  let i = open - 1;
  while (i > 0 && isBlank(text.charCodeAt(i))) i--;
  if (text[i] !== ':') return undefined;
  i--;
  while (i > 0 && isBlank(text.charCodeAt(i))) i--;
  if (text[i] !== '"') return undefined;
  // The key's opening quote: the nearest one before that is not escaped.
  let keyStart = text.lastIndexOf('"', i - 1);
  while (keyStart > 0 && text[keyStart - 1] === '\\' && i - keyStart <= 80) keyStart = text.lastIndexOf('"', keyStart - 1);
  if (keyStart < 0 || i - keyStart > 80) return undefined;
  const key = keyText(text.slice(keyStart + 1, i));
  if (key === undefined) return undefined;
  if (key === 'source') return 'source';
  return key === 'text' || /^[a-z]+\/[\w.+-]+$/.test(key) ? 'output' : undefined;
}

export function notebookArrays(text: string, push: (a: JoinedArray) => void): void {
  if (!isNotebook(text)) return;
  for (let open = text.indexOf('['); open !== -1; ) {
    const key = multilineKey(text, open);
    if (!key) {
      open = text.indexOf('[', open + 1);
      continue;
    }
    const spans: Array<[number, number]> = [];
    let i = open + 1;
    let end = -1;
    let joins = false;
    for (;;) {
      while (i < text.length && isBlank(text.charCodeAt(i))) i++;
      if (text[i] === ']' && spans.length > 0) {
        end = i + 1;
        break;
      }
      if (text[i] !== '"') break;
      const close = stringEnd(text, i);
      if (close === -1) break;
      // Split elsewhere than after a line end (the string before this one): what Jupyter shows joined differs from the lines.
      // A continuation (a backslash ending the line) only in source: a DataFrame's repr ends lines in one too.
      if (spans.length > 0 && !joins) {
        const how = ending(text, ...spans[spans.length - 1]!);
        joins = how === 'open' || (how === 'continuation' && key === 'source');
      }
      spans.push([i, close]);
      i = close;
      while (i < text.length && isBlank(text.charCodeAt(i))) i++;
      if (text[i] === ',') i++;
      else if (text[i] !== ']') break;
    }
    if (end !== -1 && joins && spans.length > 1) {
      let joined = '';
      try {
        for (const [a, b] of spans) {
          joined += JSON.parse(text.slice(a, b)) as string;
          if (joined.length > MAX_JOINED) break;
        }
        if (joined.length <= MAX_JOINED) push({ start: open, end, text: joined });
      } catch {
        // not JSON strings after all: nothing joined
      }
    }
    // Arrays do not nest in a list of strings: go on after what was read.
    open = text.indexOf('[', Math.max(i, open + 1));
  }
}
