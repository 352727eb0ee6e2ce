/**
 * String literals a program joins into one value (round 10, docs/gate.md): `"ghp_" + "AbC…"` (JS, Java,
 * C#, Python), Python's and C's adjacent literals `"gh" "p_…"` (over lines inside parentheses too), PHP
 * `.`, Lua `..`, VB and Excel `&` (`&amp;` in a sheet's XML), SQL `||`, D `~`, shell `"gh"'p_…'`, a JS
 * template literal, Python f-string or C# interpolated string with constant pieces (`` `ghp_${"AbC"}…` ``,
 * `f"ghp_{'AbC'}…"`) and an array joined with nothing (`['ghp_Ab', 'C…'].join('')`,
 * `"".join(["ghp_Ab", "C…"])`). The program holds the whole token; the file shows none.
 *
 * Only chains whose join runs token characters across the seam (16 or more, both sides touching it) are
 * read again, as the line before the chain followed by the joined value in quotes (so rules that read
 * the key see it); a finding is placed over the chain. Linear: each chain is read once, from its seam.
 */
export interface JoinedChain {
  start: number;
  end: number;
  text: string;
}

/** Characters a credential is made of (as string-escapes.ts counts them). */
const TOKEN = /[A-Za-z0-9_+/=.~:@%-]/;
/** What may follow a seam's closing quote (most quotes are followed by `)`, `,`, `:`: no regex runs for them). */
const AFTER_CLOSE = new Set([...' \t#/+.&|~\\\r\n"\'`'].map((c) => c.charCodeAt(0)));
/** Token characters by char code (a seam is a token character, a closing quote, BETWEEN, an opening quote, a token character). */
const TOKEN_CODE: boolean[] = Array.from({ length: 128 }, (_, c) => TOKEN.test(String.fromCharCode(c)));
/** Between two literals of a chain: blanks (one line break at most, after a `#` or `//` comment too; a backslash continuation) and one operator (`&amp;`: an Excel formula in a sheet's XML). */
const BETWEEN = /[ \t]*(?:\+|\.\.|\.|&(?:amp;)?|\|\||~)?[ \t]*(?:(?:(?:#|\/\/)[^\n]{0,200})?\\?\r?\n[ \t]*(?:\+|\.\.|\.|&(?:amp;)?|\|\||~)?[ \t]*)?/y;
/** Arrays of literals joined with nothing: what follows JS's `.join(` (`'')`), Python's `''.join(` (the list). */
const JS_JOIN_TAIL = /\s*(["'])\1\s*\)/y;
const PY_JOIN = /\s*[[(]\s*((?:(["'])[^"'\\\n]*\2\s*,\s*)+(["'])[^"'\\\n]*\3)\s*,?\s*[\])]\s*\)/y;
/** A JS array of literals ending right before `at` (the `.` of `.join(`): `[` up to `]`. */
const JS_LIST = /\[\s*((?:(["'])[^"'\\\n]*\2\s*,\s*)+(["'])[^"'\\\n]*\3)\s*,?\s*\]\s*$/;
/** A one-line template literal holding a constant `${'…'}` piece. */
const TEMPLATE = /`[^`\n]*\$\{\s*(["'])[^"'\\\n]*\1\s*\}[^`\n]*`/g;
/** A one-line Python f-string (`f"gh{'p_'}…"`) or C# interpolated string (`$"gh{"p_"}…"`) holding a constant piece. */
const F_STRING = /(?<![A-Za-z0-9_])(?:[fF][rR]?|[rR][fF]|\$@?|@\$)(["'])(?:(?!\1)[^\\\n]){0,4096}?\{\s*(["'])[^"'\\\n]*\2\s*\}(?:(?!\1)[^\\\n]){0,4096}\1/g;
/** A constant piece, where it starts (sticky). */
const JS_PIECE = /\$\{\s*(["'])([^"'\\\n]*)\1\s*\}/y;
const F_PIECE = /\{\s*(["'])([^"'\\\n]*)\1\s*\}/y;
/** What an f-string or interpolated string starts with (`rf"`, `Rf'`, `$@"` included); a text with none has none. */
const F_PREFIXES = ['f"', "f'", 'F"', "F'", 'R"', "R'", '$"', "$'", '@"'];
const ANY_PIECE = /\{\s*(["'])[^"'\\\n]*\1\s*\}/g;
const LITERAL_IN_LIST = /(["'])([^"'\\\n]*)\1/g;
const QUOTES = new Set(['"', "'", '`']);
const PLAIN: Record<string, RegExp> = { '"': /"([^"\\\n]{0,4096})"/y, "'": /'([^'\\\n]{0,4096})'/y, '`': /`([^`\\\n$]{0,4096})`/y };
const MIN_RUN = 16;
const KEY_CONTEXT = 200;
/** A joining operator right before a chain, or right after it (`.` only as PHP's, before a blank or `$`: `.join(` is a call). */
const OPERATOR_BEFORE = /(?:\+|\.|&|\||~)\s*$/;
const OPERATOR_AFTER = /[ \t]*(?:\+|\.\.|&|\|\||~|\.(?=[\s$]))/y;
/** Longest literal read (a token is far shorter; a longer one is data, read as it is). */
const MAX_LITERAL = 4096;
/** Most literals in one chain. */
const MAX_PIECES = 64;

/** The literal whose opening quote is at `open`: its end (after the closing quote) and what it holds; constant `${'…'}` pieces of a template literal inlined, other interpolations a blank. */
function literalAt(text: string, open: number): { end: number; value: string } | undefined {
  const q = text[open]!;
  // Most literals: no escape, no interpolation, on one line (a bounded match: no search runs past MAX_LITERAL).
  const plain = PLAIN[q]!;
  plain.lastIndex = open;
  const m = plain.exec(text);
  if (m) return { end: open + m[0].length, value: m[1]! };
  let value = '';
  for (let i = open + 1; i < text.length && i - open <= MAX_LITERAL; i++) {
    const c = text[i]!;
    if (c === q) return { end: i + 1, value };
    if (c === '\n' && q !== '`') return undefined;
    if (c === '\\') {
      value += text.slice(i, i + 2);
      i++;
      continue;
    }
    if (q === '`' && c === '$' && text[i + 1] === '{') {
      const close = text.indexOf('}', i + 2);
      if (close < 0) return undefined;
      const inner = /^\s*(["'])([^"'\\\n]*)\1\s*$/.exec(text.slice(i + 2, close));
      value += inner ? inner[2] : ' ';
      i = close;
      continue;
    }
    value += c;
  }
  return undefined;
}

/** Where the literal that closes at `close` (its closing quote) opens, looking back on its line; undefined when it does not parse back to that quote. */
function literalBefore(text: string, close: number): number | undefined {
  const q = text[close]!;
  for (let i = close - 1; i >= 0 && close - i <= MAX_LITERAL; i--) {
    if (text[i] === '\n') return undefined;
    if (text[i] !== q) continue;
    let bs = 0;
    while (text[i - 1 - bs] === '\\') bs++;
    if (bs % 2) continue;
    return literalAt(text, i)?.end === close + 1 ? i : undefined;
  }
  return undefined;
}

/**
 * Before parsing anything: can the seam between the quote closing at `close` and the one opening at `open`
 * be inside a run of 16+ token characters? Yes when the runs touching it add up to 16, or when the next
 * piece is token characters only, so the run may go on past the next seam (`"ghp" + "_Ab" + "Cd…"`). Most
 * seams in code (`'a' + b`, `"x: " + "y"`) end here, unparsed.
 */
function mayRunAcross(text: string, close: number, open: number): boolean {
  let left = 0;
  while (left < MIN_RUN && TOKEN.test(text[close - 1 - left] ?? '')) left++;
  let right = 0;
  while (left + right < MIN_RUN && TOKEN.test(text[open + 1 + right] ?? '')) right++;
  if (left + right >= MIN_RUN) return true;
  // The next piece is all token characters: the run goes on only if another literal follows it.
  if (text[open + 1 + right] !== text[open]) return false;
  BETWEEN.lastIndex = open + 2 + right;
  BETWEEN.exec(text);
  return QUOTES.has(text[BETWEEN.lastIndex] ?? '');
}

/** Does the joined value run 16+ token characters across a seam (`seams`: offsets in `value`)? */
function runsAcross(value: string, seams: number[]): boolean {
  for (const s of seams) {
    if (!TOKEN.test(value[s - 1] ?? '') || !TOKEN.test(value[s] ?? '')) continue;
    let a = s;
    while (a > 0 && TOKEN.test(value[a - 1]!)) a--;
    let b = s;
    while (b < value.length && TOKEN.test(value[b]!)) b++;
    if (b - a >= MIN_RUN) return true;
  }
  return false;
}

/**
 * Pushes the chain's joined value for a second reading when 16+ token characters run across a seam; with
 * the text before it on its line, at most KEY_CONTEXT characters (the key a context rule reads; a minified
 * line's megabyte before it would be copied per chain). A chain that a run-time value continues
 * (`secret: 'token:' + 'prod_' + random()`) is only part of the value: the word characters that value
 * extends are left out, and no key is given (the literals are not what the key names).
 */
function emit(text: string, start: number, end: number, value: string, seams: number[], push: (c: JoinedChain) => void): void {
  const before = text.slice(Math.max(0, start - KEY_CONTEXT), start);
  const line = before.slice(before.lastIndexOf('\n') + 1);
  OPERATOR_AFTER.lastIndex = end;
  const continuedBefore = OPERATOR_BEFORE.test(line);
  const continuedAfter = OPERATOR_AFTER.test(text);
  if (continuedBefore || continuedAfter) {
    const from = continuedBefore ? (/^[A-Za-z0-9_-]*/.exec(value)![0].length) : 0;
    const to = continuedAfter ? value.length - /[A-Za-z0-9_-]*$/.exec(value)![0].length : value.length;
    if (to <= from) return;
    value = value.slice(from, to);
    seams = seams.filter((x) => x > from && x < to).map((x) => x - from);
  }
  if (!runsAcross(value, seams)) return;
  push({ start, end, text: `${continuedBefore || continuedAfter ? '' : line}"${value}"` });
}

/** The literals of the JS array that ends right before `at`, and where it starts (looked for at most MAX_LITERAL back). */
function listBefore(text: string, at: number): { start: number; list: string } | undefined {
  if (text[at - 1] !== ']' && !/\s/.test(text[at - 1] ?? '')) return undefined;
  const from = Math.max(0, at - MAX_LITERAL);
  const i = text.slice(from, at).lastIndexOf('[');
  if (i < 0) return undefined;
  const open = from + i;
  const m = JS_LIST.exec(text.slice(open, at));
  return m ? { start: open, list: m[1]! } : undefined;
}

/** The literal `raw` at `at`, its body from `from` to before its closing quote, with constant pieces inlined (the seams are where they start and end). */
function interpolated(text: string, at: number, raw: string, from: number, piece: RegExp, push: (c: JoinedChain) => void): void {
  const seams: number[] = [];
  let value = '';
  for (let i = from; i < raw.length - 1; i++) {
    piece.lastIndex = i;
    const p = piece.exec(raw);
    if (p) {
      seams.push(value.length, value.length + p[2]!.length);
      value += p[2];
      i += p[0].length - 1;
    } else value += raw[i];
  }
  emit(text, at, at + raw.length, value, seams, push);
}

export function joinedLiterals(text: string, push: (c: JoinedChain) => void): void {
  let done = 0;
  // Quotes are found with indexOf (a regex starting with a quote class stepped through every character:
  // most of this pass's time); each is then tried as the closing quote of a seam.
  const next = [text.indexOf('"'), text.indexOf("'"), text.indexOf('`')];
  for (;;) {
    let k = -1;
    for (let j = 0; j < 3; j++) if (next[j]! >= 0 && (k < 0 || next[j]! < next[k]!)) k = j;
    if (k < 0) break;
    const close = next[k]!;
    next[k] = text.indexOf(text[close]!, close + 1);
    if (close < done || !TOKEN_CODE[text.charCodeAt(close - 1)] || !AFTER_CLOSE.has(text.charCodeAt(close + 1))) continue;
    BETWEEN.lastIndex = close + 1;
    BETWEEN.exec(text);
    const open = BETWEEN.lastIndex;
    if (!QUOTES.has(text[open] ?? '') || !TOKEN_CODE[text.charCodeAt(open + 1)] || !mayRunAcross(text, close, open)) continue;
    const first = literalBefore(text, close);
    if (first === undefined) continue;
    let value = literalAt(text, first)!.value;
    const seams: number[] = [];
    let end = close + 1;
    for (let n = 1; n < MAX_PIECES; n++) {
      BETWEEN.lastIndex = end;
      const gap = BETWEEN.exec(text);
      const open = end + (gap ? gap[0].length : 0);
      if (!QUOTES.has(text[open] ?? '')) break;
      const next = literalAt(text, open);
      if (!next) break;
      seams.push(value.length);
      value += next.value;
      end = next.end;
    }
    done = end;
    if (seams.length > 0) emit(text, first, end, value, seams, push);
  }
  // A template literal, a Python f-string or a C# interpolated string with constant pieces, alone (no seam between quotes).
  if (text.includes('${')) for (const m of text.matchAll(TEMPLATE)) interpolated(text, m.index, m[0], 1, JS_PIECE, push);
  // f-strings: from each constant piece (rare) to its line, read with F_STRING (which, run over the whole text, cost a fifth of this pass).
  let lineDone = -1;
  if (!F_PREFIXES.some((x) => text.includes(x))) return joinedArrays(text, push);
  for (const p of text.matchAll(ANY_PIECE)) {
    if (p.index < lineDone) continue;
    const from = Math.max(0, p.index - MAX_LITERAL);
    const lineStart = from + text.slice(from, p.index).lastIndexOf('\n') + 1;
    let lineEnd = text.indexOf('\n', p.index);
    if (lineEnd < 0 || lineEnd - p.index > MAX_LITERAL) lineEnd = Math.min(text.length, p.index + MAX_LITERAL);
    lineDone = lineEnd;
    const line = text.slice(lineStart, lineEnd);
    for (const m of line.matchAll(F_STRING)) interpolated(text, lineStart + m.index, m[0], m[0].indexOf(m[1]!) + 1, F_PIECE, push);
  }
  joinedArrays(text, push);
}

/** `[…].join('')`, `''.join([…])`: arrays of literals joined with nothing. */
function joinedArrays(text: string, push: (c: JoinedChain) => void): void {
  for (let p = text.indexOf('join('); p !== -1; p = text.indexOf('join(', p + 5)) {
    // JS `[…].join('')`: the list ends right before `.join(`; Python `''.join([…])`: it starts right after.
    JS_JOIN_TAIL.lastIndex = p + 5;
    const js = text[p - 1] === '.' && JS_JOIN_TAIL.test(text) ? listBefore(text, p - 1) : undefined;
    PY_JOIN.lastIndex = p + 5;
    const py = js === undefined && /["']/.test(text[p - 2] ?? '') && text[p - 3] === text[p - 2] && text[p - 1] === '.' ? PY_JOIN.exec(text) : null;
    const start = js?.start ?? p - 3;
    const list = js?.list ?? py?.[1];
    if (list === undefined) continue;
    const pieces = [...list.matchAll(LITERAL_IN_LIST)].map((x) => x[2]!);
    const seams: number[] = [];
    let value = '';
    for (const x of pieces) {
      if (value) seams.push(value.length);
      value += x;
    }
    emit(text, start, js ? JS_JOIN_TAIL.lastIndex : PY_JOIN.lastIndex, value, seams, push);
  }
}
