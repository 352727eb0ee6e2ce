/**
 * Encoded text worth decoding and scanning again: base64 values (Kubernetes Secret `data:`, HTTP Basic
 * auth, Docker `auth`, and other long base64 strings that decode to text), URL-encoded and JSON-escaped
 * strings. Each candidate keeps the span of the encoded text, so a secret found inside is reported where
 * the encoded text is.
 */
import { RE2 } from './re2.js';
import { escapedRuns } from './string-escapes.js';
import { gluedLines } from './glued-bytes.js';
import { notebookArrays } from './notebook.js';
import { utf7Lines } from './utf7.js';
import { joinedLiterals } from './string-concat.js';
export interface DecodedCandidate {
  /** Span of the encoded text in the original. */
  start: number;
  end: number;
  /** Text to scan: the decoded value, with its key when one is known (so context rules can judge it). */
  text: string;
  encoding: 'base64' | 'hex' | 'url' | 'json-escape' | 'escape' | 'utf-7' | 'csv' | 'notebook' | 'glued' | 'concat';
}

/**
 * What makes `decodeCandidates` look at a text without a keyword hit: a Kubernetes Secret, HTTP Basic auth,
 * a Docker `auth` entry, a %XX escape, a JSON `\/` or `\u00XX` escape, a string escape or continuation
 * that string-escapes.ts decodes, a UTF-7
 * declaration (utf7.ts). Raw bytes without any of these
 * (and without a rule keyword) yield no decoded candidate: byte prefilters (Detector.mayMatch) use this so
 * that history modes find the encoded secrets the tree scan finds.
 */
const DECODE_TRIGGER = /Secret|asic\s|"auth"|%[0-9A-Fa-f]{2}|\\\/|\\u00|\\x[0-9A-Fa-f{]|\\u+[0-9A-Fa-f{]|\\U[0-9A-Fa-f]{8}|\\N\{|[\w.+\/=~:@%-]\\[0-7]{3}|[\w.+\/=~:@%-]\\[ \t]*\r?\n\s*[\w.+\/=~:@%-]|&#[xX0-9]|&(?:lowbar|period|colon|plus|equals|sol|commat|percnt);|[Uu][Tt][Ff][-_]?7|"nbformat"|[\w+\/=.~:@%-]["'\x60][ \t]*(?:\+|\.\.|\.|&|\|\||~)?[ \t]*(?:\\?\r?\n[ \t]*(?:\+|\.\.|\.|&|\|\||~)?[ \t]*)?["'\x60][\w+\/=.~:@%-]|\.\s*join\(|\$\{\s*["']/;
let decodeTrigger: RE2 | undefined;

export function mayHoldEncoded(bytes: Buffer): boolean {
  decodeTrigger ??= new RE2(DECODE_TRIGGER);
  return decodeTrigger.test(bytes);
}

/**
 * No cap on the number of candidates: a fixed count let a file put N decoys first and the real secret
 * after them. The work stays linear without one: candidates do not overlap (each search moves on past
 * the span it took), and decoded text is shorter than its encoded span.
 */
const MAX_DECODED = 64 * 1024;
/** Encoded inside encoded (base64 of base64, a percent-encoded base64 value): levels decoded, as gitleaks' default. */
const MAX_DEPTH = 3;
/** Shortest base64 / hex run decoded (an AWS key id is 28 base64 or 40 hex characters). */
const MIN_BASE64 = 24;
const MIN_HEX = 32;
/** Longest JSON string literal decoded for escapes. */
const MAX_JSON_STRING = 4000;

/** Decoded bytes as text, if they look like text (printable, no NULs); otherwise undefined. */
function printable(buf: Buffer): string | undefined {
  if (buf.length === 0 || buf.length > MAX_DECODED) return undefined;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i]!;
    if (b === 0 || (b < 0x20 && b !== 9 && b !== 10 && b !== 13) || b === 0x7f) return undefined;
  }
  const s = buf.toString('utf8');
  return s.includes('\ufffd') ? undefined : s;
}

function b64(s: string): string | undefined {
  const clean = s.replace(/-/g, '+').replace(/_/g, '/');
  if (clean.replace(/=+$/, '').length % 4 === 1) return undefined;
  return printable(Buffer.from(clean, 'base64'));
}

const K8S_SECRET = /^kind:\s*["']?Secret["']?\s*$/m;
const DATA_ENTRY = /^([ \t]+)([A-Za-z0-9._-]{1,253}):[ \t]*["']?([A-Za-z0-9+/]{4,}={0,2})["']?[ \t]*\r?$/gm;
const BASIC_AUTH = /\bBasic\s+([A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9+/=])/y;
/** A character of \w (`\b` holds between it and the B of "Basic" only when it is not one). NaN (no character): false. */
const isWordChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
/** An ASCII character that \s does not match (tab, line feed, vertical tab, form feed, carriage return, space do). NaN: false. */
const notAsciiBlank = (c: number) => c < 128 && c !== 32 && (c < 9 || c > 13);
const DOCKER_AUTH = /"auth"\s*:\s*"([A-Za-z0-9+/]{8,}={0,2})"/g;

/** Base64 alphabet lookup (standard and URL-safe), for the one-pass run finder below. */
const B64_CHAR = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') B64_CHAR[c.charCodeAt(0)] = 1;
const DELIM_BEFORE = new Set(['"', "'", '=', ':', ' ', '\t', '\n', '>', '(', ',']);
const DELIM_AFTER = new Set(['"', "'", ' ', '\t', '\n', '\r', ',', ';', '<', ')', undefined]);
const URL_CHAR = /[A-Za-z0-9._~+\-:@/%=&?]/;

const HEX_RUN = /^(?:[0-9a-f]{2})+$|^(?:[0-9A-F]{2})+$/;

/** [0-9A-Fa-f] (NaN, past the end of a text, is not). */
const isHexDigit = (c: number): boolean => (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 102);

/**
 * Runs of base64 characters (with up to two `=` of padding) in [from, to), in one pass without regex
 * backtracking: as 'base64' when at least `MIN_BASE64` long and mixing upper case, lower case and digits
 * (what encoded data looks like, unlike identifiers); as 'hex' when at least `MIN_HEX` hex digits of one
 * case (hex is a subset of the base64 alphabet: one pass finds both).
 */
function encodedRuns(text: string, from: number, to: number, visit: (start: number, end: number, encoding: 'base64' | 'hex') => void): void {
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c >= 128 || B64_CHAR[c] !== 1) {
      i++;
      continue;
    }
    const start = i;
    let kinds = 0;
    while (i < to) {
      const d = text.charCodeAt(i);
      if (d >= 128 || B64_CHAR[d] !== 1) break;
      kinds |= d >= 48 && d <= 57 ? 1 : d >= 97 && d <= 122 ? 2 : d >= 65 && d <= 90 ? 4 : 0;
      i++;
    }
    if (i - start >= MIN_HEX && HEX_RUN.test(text.slice(start, i))) {
      visit(start, i, 'hex');
      continue;
    }
    let end = i;
    while (end < to && end - i < 2 && text.charCodeAt(end) === 61) end++;
    if (kinds === 7 && end - start >= MIN_BASE64) visit(start, end, 'base64');
    i = end;
  }
}

function unhex(s: string): string | undefined {
  return printable(Buffer.from(s, 'hex'));
}

/** A CSV header cell that names a credential column (`password`, `Secret access key`, `api_token`). */
const CREDENTIAL_COLUMN = /pass(?:word|wd)?\b|passw|pwd|secret|token|api[ _.-]?key|apikey|access[ _.-]?key|private[ _.-]?key|credential|auth[ _.-]?key/i;
const CSV_NAME = /^[A-Za-z][A-Za-z0-9 _.()/-]{0,60}$/;
/** Data rows of one CSV text looked at (a dump of a million rows is data, not config). */
const MAX_CSV_ROWS = 10_000;

/** Cells of one CSV line: [start, end) of each value (quotes stripped; `""` inside quotes kept as is). */
function csvCells(text: string, from: number, to: number, sep: string): Array<[number, number]> {
  const cells: Array<[number, number]> = [];
  let i = from;
  for (;;) {
    if (text[i] === '"') {
      let j = i + 1;
      while (j < to && !(text[j] === '"' && text[j + 1] !== '"')) j += text[j] === '"' ? 2 : 1;
      cells.push([i + 1, Math.min(j, to)]);
      i = text.indexOf(sep, j);
    } else {
      const j = text.indexOf(sep, i);
      cells.push([i, j === -1 || j > to ? to : j]);
      i = j;
    }
    if (i === -1 || i >= to) return cells;
    i++;
  }
}

/**
 * A CSV (or TSV) whose header row names a credential column (an AWS console `credentials.csv`, an export of
 * API keys): each cell of that column is rescanned as `column_name = "cell"`, so the rules that know the
 * column's name judge it; a cell alone has no name next to it.
 */
function csvCandidates(text: string, push: (c: DecodedCandidate) => void): void {
  const headerEnd = text.indexOf('\n');
  if (headerEnd <= 0) return;
  const header = text.slice(0, headerEnd).replace(/\r$/, '');
  const sep = header.includes('\t') ? '\t' : header.includes(',') ? ',' : '';
  if (!sep) return;
  const names = header.split(sep).map((h) => h.trim().replace(/^"(.*)"$/, '$1'));
  if (names.length < 2 || !names.every((n) => n === '' || CSV_NAME.test(n))) return;
  const columns = names.flatMap((n, i) => (CREDENTIAL_COLUMN.test(n) ? [i] : []));
  if (columns.length === 0) return;
  const keys = names.map((n) => n.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, ''));
  let rows = 0;
  for (let ls = headerEnd + 1; ls < text.length && rows < MAX_CSV_ROWS; rows++) {
    let le = text.indexOf('\n', ls);
    if (le === -1) le = text.length;
    const end = text[le - 1] === '\r' ? le - 1 : le;
    const cells = csvCells(text, ls, end, sep);
    for (const c of columns) {
      const cell = cells[c];
      if (cell && cell[1] > cell[0]) push({ start: cell[0], end: cell[1], text: `${keys[c]} = "${text.slice(cell[0], cell[1])}"`, encoding: 'csv' });
    }
    ls = le + 1;
  }
}

/**
 * JSON strings holding escaped quotes (`"os.environ[\\"API_TOKEN\\"] = \\"…\\"\\n"`: a notebook cell, JSON
 * inside JSON), or ending in an escaped newline (`"db_pw = 'Tr0ub4dor'\\n",`: a notebook source line, whose
 * `\\n"` would stop the rules that want the statement to end after the value), on the lines in `windows`:
 * each string literal, read from the line's first quote on, is decoded when it holds a `\\"` or ends in
 * `\\n`, so the code inside reads as code.
 */
function escapedQuoteStrings(text: string, windows: ReadonlyArray<readonly [number, number]>, push: (c: DecodedCandidate) => void): void {
  for (const needle of ['\\"', '\\n"']) {
    // The next needle at or after the line being looked at: found once per line that holds one (windows and
    // lines come in order), so the work stays linear in the text.
    let esc = text.indexOf(needle);
    for (const [ws, we] of windows) {
      for (let ls = ws; ls < we && esc !== -1; ) {
        if (esc < ls) esc = text.indexOf(needle, ls);
        if (esc === -1 || esc >= we) break;
        ls = Math.max(ls, text.lastIndexOf('\n', esc) + 1);
        let le = text.indexOf('\n', esc);
        if (le === -1 || le > we) le = we;
        for (let open = text.indexOf('"', ls); open !== -1 && open < le; ) {
          let close = open + 1;
          let escapedQuote = false;
          while (close < le && text[close] !== '"') {
            if (text[close] === '\\') { if (text[close + 1] === '"') escapedQuote = true; close += 2; } else close++;
          }
          if (close >= le || close - open > MAX_JSON_STRING) break;
          const endsInNewline = text[close - 1] === 'n' && text[close - 2] === '\\' && text[close - 3] !== '\\';
          if (escapedQuote || endsInNewline) {
            try {
              push({ start: open + 1, end: close, text: JSON.parse(text.slice(open, close + 1)) as string, encoding: 'json-escape' });
            } catch { /* not a JSON string */ }
          }
          open = text.indexOf('"', close + 1);
        }
        ls = le + 1;
      }
    }
  }
}

/**
 * `hotWindows`: [start, end) ranges (lines where some rule's keyword occurs); the generic base64 and hex
 * searches only look there, since a stray encoded string with no credential word near it is rarely a
 * secret and searching every identifier-like run in large files would halve throughput (docs/gate.md
 * says what that leaves). `bare`: search the whole text, delimiters or not (decoded text, which is short).
 * What is decoded is decoded again, up to MAX_DEPTH levels; a secret found at any level is reported at
 * the outermost encoded span.
 */
export function decodeCandidates(text: string, hotWindows: ReadonlyArray<readonly [number, number]> = [[0, text.length]], bare = false, depth = 1): DecodedCandidate[] {
  const out: DecodedCandidate[] = [];
  const seen = new Set<number>();
  const push = (c: DecodedCandidate) => {
    if (seen.has(c.start)) return;
    seen.add(c.start);
    out.push(c);
    if (depth >= MAX_DEPTH || c.encoding === 'json-escape' || c.encoding === 'escape' || c.encoding === 'utf-7' || c.encoding === 'glued') return;
    // A joined notebook cell, a joined chain of literals, is source text again: read as a file is (escapes, keyword-line base64), not bare.
    if (c.encoding === 'notebook' || c.encoding === 'concat') {
      for (const inner of decodeCandidates(c.text, [[0, c.text.length]], false, depth + 1)) out.push({ ...inner, start: c.start, end: c.end, encoding: c.encoding });
      return;
    }
    // Encoded inside encoded: decoded texts are short, so every run in them is looked at.
    for (const inner of decodeCandidates(c.text, [[0, c.text.length]], true, depth + 1)) out.push({ ...inner, start: c.start, end: c.end, encoding: c.encoding });
  };

  if (!bare) {
    // A notebook's cell source and text outputs: arrays of strings Jupyter shows joined (notebook.ts).
    notebookArrays(text, (a) => push({ ...a, encoding: 'notebook' }));
    csvCandidates(text, push);
    escapedQuoteStrings(text, hotWindows, push);
    // `\x67hp_…`, `'\u0067…'`, `&#103;…`, `"ghp_abc\<newline>def"`: what the program reads is the token.
    escapedRuns(text, (r) => push({ ...r, encoding: 'escape' }));
    // A file that declares UTF-7 (a Python coding cookie): its `+…-` sequences are what the program reads.
    utf7Lines(text, (l) => push({ ...l, encoding: 'utf-7' }));
    // A legacy character's ASCII trail byte, an escape sequence, glued to a token (glued-bytes.ts).
    gluedLines(text, (l) => push({ ...l, encoding: 'glued' }));
    // `"gh" + "p_…"`, `"gh" "p_…"`, `['gh', 'p_…'].join('')`: string literals the program joins (string-concat.ts).
    joinedLiterals(text, (c) => push({ ...c, encoding: 'concat' }));
  }
  if (text.includes('Secret') && K8S_SECRET.test(text)) {
    for (const m of text.matchAll(DATA_ENTRY)) {
      const value = m[3]!;
      const decoded = b64(value);
      if (decoded === undefined) continue;
      const start = m.index! + m[0].lastIndexOf(value);
      // A one-line value is rescanned as `key: "value"` so key-aware rules see its name.
      const body = decoded.includes('\n') ? decoded : `${m[2]}: "${decoded}"`;
      push({ start, end: start + value.length, text: body, encoding: 'base64' });
    }
  }
  // Every match starts at a "Basic": the regex is tried only there (sticky), which finds the matches a
  // global search finds, in order; V8 ran the global one at a few hundred MB/s on texts that mention
  // "Basic " anywhere. Nor a pass over the whole text first (a test for "asic" and a blank: ~60 ms of a
  // requests history, which names HTTPBasicAuth in many files): a "Basic" the regex would reject at its
  // first step (a word character before it, no \b; an ASCII character after it that is not a blank) is
  // passed over without running it. Any blank after "Basic" (the pattern's \s+): a header folded onto
  // the next line is still one value.
  for (let p = text.indexOf('Basic'); p !== -1; ) {
    if (isWordChar(text.charCodeAt(p - 1)) || notAsciiBlank(text.charCodeAt(p + 5))) {
      p = text.indexOf('Basic', p + 5);
      continue;
    }
    BASIC_AUTH.lastIndex = p;
    const m = BASIC_AUTH.exec(text);
    p = text.indexOf('Basic', m ? p + m[0].length : p + 1);
    if (!m) continue;
    const decoded = b64(m[1]!);
    const i = decoded?.indexOf(':') ?? -1;
    if (decoded === undefined || i < 1) continue;
    const start = m.index + m[0].length - m[1]!.length;
    // user:password -> a URL with credentials, which the URL-credentials rule understands.
    push({ start, end: start + m[1]!.length, text: `password = "${decoded.slice(i + 1)}"\nhttps://${decoded}@basic-auth.invalid/`, encoding: 'base64' });
  }
  if (text.includes('"auth"')) {
    for (const m of text.matchAll(DOCKER_AUTH)) {
      const decoded = b64(m[1]!);
      const i = decoded?.indexOf(':') ?? -1;
      if (decoded === undefined || i < 1) continue;
      const start = m.index! + m[0].length - m[1]!.length - 1;
      push({ start, end: start + m[1]!.length, text: `password = "${decoded.slice(i + 1)}"`, encoding: 'base64' });
    }
  }
  for (const [ws, we] of bare ? [[0, text.length] as const] : hotWindows) {
    encodedRuns(text, ws, we, (start, end, encoding) => {
      if (!bare && (!DELIM_BEFORE.has(text[start - 1] ?? ' ') || !DELIM_AFTER.has(text[end]))) return;
      const decoded = encoding === 'hex' ? unhex(text.slice(start, end)) : b64(text.slice(start, end));
      if (decoded !== undefined && decoded.length >= 12) push({ start, end, text: decoded, encoding });
    });
  }
  for (let p = text.indexOf('%'); p !== -1; p = text.indexOf('%', p + 1)) {
    // %XX: tested in place (a slice and a regex per "%" cost most of this loop on code that formats strings).
    if (!isHexDigit(text.charCodeAt(p + 1)) || !isHexDigit(text.charCodeAt(p + 2))) continue;
    let start = p;
    while (start > 0 && URL_CHAR.test(text[start - 1]!)) start--;
    let end = p + 3;
    while (end < text.length && URL_CHAR.test(text[end]!)) end++;
    p = end;
    if (end - start < 16) continue;
    let decoded: string;
    try {
      decoded = decodeURIComponent(text.slice(start, end));
    } catch {
      continue;
    }
    push({ start, end, text: decoded, encoding: 'url' });
  }
  // JSON-escaped strings: from each escape, widen to the enclosing quotes on the same line.
  // Linear in the text: the last quote and line break before each escape are tracked as the search moves
  // forward (lastIndexOf from every escape was quadratic on a long line of escapes), the closing quote is
  // looked for at most MAX_JSON_STRING characters on, and a failed string is not searched again.
  // Strings the `\\/` pass decoded, so that the `\\u00` pass does not decode them again; only those
  // strings are skipped (not everything before the last one: that hid every earlier `\\u00` string).
  const decodedStrings: Array<readonly [number, number]> = [];
  for (const needle of ['\\/', '\\u00']) {
    const earlier = decodedStrings.length; // the strings of the passes before this one
    let next = 0;
    let last = -1;
    let seen = 0;
    let failedTo = -1;
    let open = -1;
    let lineStart = -1;
    for (let p = text.indexOf(needle); p !== -1; p = text.indexOf(needle, p + 2)) {
      if (p <= last || p <= failedTo) continue;
      while (next < earlier && decodedStrings[next]![1] < p) next++;
      if (next < earlier && decodedStrings[next]![0] < p) continue;
      for (; seen < p; seen++) {
        const c = text.charCodeAt(seen);
        if (c === 34) open = seen;
        else if (c === 10) lineStart = seen;
      }
      if (open === -1 || open < lineStart) continue;
      let close = p + needle.length;
      const limit = Math.min(text.length, open + MAX_JSON_STRING + 1);
      while (close < limit && text[close] !== '"' && text[close] !== '\n') close += text[close] === '\\' ? 2 : 1;
      if (text[close] !== '"' || close - open > MAX_JSON_STRING) {
        failedTo = close;
        continue;
      }
      last = close;
      decodedStrings.push([open, close]);
      let decoded: string;
      try {
        decoded = JSON.parse(text.slice(open, close + 1)) as string;
      } catch {
        continue;
      }
      push({ start: open + 1, end: close, text: decoded, encoding: 'json-escape' });
    }
  }
  return out;
}

let warmedUp = false;

/**
 * Run `decodeCandidates` over short texts holding every kind of candidate, a few times, before a large
 * scan's real input (once per thread; ~2 ms, interpreted). V8 optimizes these functions while a tree's
 * first files run through them, most of which hold no escape, encoded run or CSV header: the optimized
 * code then lacked feedback for those paths and was thrown away on the first one met, and compiled again
 * (sympy's tree: encodedRuns, escapedRuns and decodeCandidates compiled four or five times each, ~0.1 s of
 * a thread's CPU in compiles). The results are dropped: nothing here can be a finding.
 */
export function warmUpDecoding(): void {
  if (warmedUp) return;
  warmedUp = true;
  const texts = warmUpTexts();
  for (let i = 0; i < 8; i++) for (const t of texts) decodeCandidates(t, [[0, t.length]]);
}

/** The texts `warmUpDecoding` runs: every encoding of DecodedCandidate occurs in them (decode.test.ts checks). */
export function warmUpTexts(): string[] {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const hex = (s: string) => Buffer.from(s).toString('hex');
  const word = 'warmupsampletextvalue';
  const lines = [
    '# -*- coding: utf-7 -*-',
    `plain = "+AGcAaABw-${word}"`,
    `hex = "\\x77\\x61${word}" oct = '\\167\\141${word}' uni = "\\u0077\\u{61}${word}" big = "\\U00000077${word}"`,
    `named = "\\N{LATIN SMALL LETTER W}${word}" html = &#119;&#x61;${word}&lowbar;${word} cont = "${word}\\`,
    `    ${word}" path = C:\\x64\\tools`,
    'kind: Secret',
    'data:',
    `  sample: ${b64(`${word} ${word}`)}`,
    `header: Basic ${b64(`${word}:${word}`)}`,
    `{"auths": {"registry": {"auth": "${b64(`${word}:${word}`)}"}}}`,
    `sample_value = "${b64(`${word}-${word}`)}" other = "${hex(`${word}${word}`)}" upper = '${hex(word).toUpperCase()}'`,
    `lines = "${b64(`${word}\t${word}\r\n${word}`)}" bytes = "${b64(`${word}\u0001${word}`)}" long = "${hex(`${word}\n${word}`)}"`,
    `url = https://example.invalid/${word}?q=%77%61${word}&r=%2F`,
    `json = {"a": "${word}\\/${word}", "b": "\\u0077${word}", "c": "x = \\"${word}\\""}`,
  ];
  const csv = `name,password,api_key\n${word},${word},"${word}"\n`;
  return [lines.join('\n'), `${lines.join('\r\n')}\u20ac`, csv];
}
