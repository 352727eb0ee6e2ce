/**
 * Escapes a program undoes when it reads its own string literals, which the JSON pass (`\u00XX` inside
 * double quotes) does not cover: `\xHH`, `\x{H…}` (Perl), `\uHHHH` (Java's `\uuuuHHHH` too), `\u{H…}`
 * (JS, Rust, PHP; Ruby's `\u{67 68}`), `\UHHHHHHHH`, octal `\NNN` (three digits), Python's `\N{name}` for
 * letters, digits and token punctuation, HTML references (`&#103;`, `&#x67;`, `&lowbar;`; a numeric one without its `;`, as browsers read it), single quotes as
 * well as double, and a line continuation inside a
 * value (`"ghp_abc\<newline>def"`: shell and C drop the backslash and the line break, a YAML double-quoted
 * scalar also the next line's indent, a TOML `"""` string all blanks and blank lines up to the next
 * character). One escaped character (`\x67hp_…`) is enough to hide a token from
 * rules that read the text as written (round 7, docs/gate.md).
 *
 * Only runs of token characters that hold an escape are decoded, and a continuation only when token
 * characters touch it on both sides (`apt-get install \` has a blank before it): linear in the text.
 */
export interface EscapedRun {
  start: number;
  end: number;
  text: string;
}

/** Characters a credential is made of (vendor tokens, base64, URLs): a run of them is one value. */
const TOKEN_CHAR = /[A-Za-z0-9_\-+/=.~:@%]/;
/** One escape, anchored (sticky) where a backslash or `&` starts. */
const ESCAPE = /\\(?:x([0-9A-Fa-f]{2})|x\{0*([0-9A-Fa-f]{1,6})\}|u\{([0-9A-Fa-f \t]{1,64})\}|u+([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|([0-7]{3})|N\{([A-Za-z -]{3,40})\}|[ \t]*\r?\n(?:[ \t]*\r?\n)*[ \t]*)|&(?:#(?:[xX]0*([0-9A-Fa-f]{1,6})|0*([0-9]{1,7}));?|(lowbar|period|colon|plus|equals|sol|commat|percnt);)/y;
/** A run that decodes shorter than this holds no token worth a second look. */
const MIN_DECODED = 16;
/** Longest run looked at after its first escape: linear without a bound (runs do not overlap), but a run is copied to be scanned again. */
const MAX_RUN = 1 << 20;
/**
 * How far back from its first escape a run starts, at most: bounded apart from MAX_RUN, so that a megabyte
 * of token characters before `.\x67hp_…` cannot use up the run before the escape (round 7). A token is
 * far shorter, so its start is always within reach.
 */
const MAX_BACK = 4096;

/** HTML5 named references for the punctuation tokens are made of (letters and digits have none). */
const NAMED: Record<string, string> = { lowbar: '_', period: '.', colon: ':', plus: '+', equals: '=', sol: '/', commat: '@', percnt: '%' };

/** Python `\N{…}` names of the characters tokens are made of (Python looks them up without case). */
function unicodeName(name: string): string | undefined {
  const n = name.toUpperCase().replace(/\s+/g, ' ').trim();
  const letter = /^LATIN (SMALL|CAPITAL) LETTER ([A-Z])$/.exec(n);
  if (letter) return letter[1] === 'SMALL' ? letter[2]!.toLowerCase() : letter[2]!;
  const digits = ['ZERO', 'ONE', 'TWO', 'THREE', 'FOUR', 'FIVE', 'SIX', 'SEVEN', 'EIGHT', 'NINE'];
  const digit = /^DIGIT ([A-Z]+)$/.exec(n);
  if (digit && digits.includes(digit[1]!)) return String(digits.indexOf(digit[1]!));
  return { 'LOW LINE': '_', 'HYPHEN-MINUS': '-', 'FULL STOP': '.', SOLIDUS: '/', 'PLUS SIGN': '+', 'EQUALS SIGN': '=', COLON: ':', 'COMMERCIAL AT': '@', 'PERCENT SIGN': '%', TILDE: '~' }[n];
}

/** What the escape at `at` stands for and its length; undefined when none starts there. */
function escapeAt(text: string, at: number): { value: string; length: number } | undefined {
  ESCAPE.lastIndex = at;
  const m = ESCAPE.exec(text);
  if (!m) return undefined;
  const length = m[0].length;
  if (m[10] !== undefined) return { value: NAMED[m[10]]!, length };
  if (m[7] !== undefined) {
    const v = unicodeName(m[7]);
    return v === undefined ? undefined : { value: v, length };
  }
  // `\u{67 68 70}` (Ruby): several code points in one escape.
  const codes = m[3] !== undefined ? m[3].trim().split(/[ \t]+/).map((h) => parseInt(h, 16)) : [];
  const hex = m[1] ?? m[2] ?? m[4] ?? m[5] ?? m[8];
  if (hex !== undefined) codes.push(parseInt(hex, 16));
  else if (m[6] !== undefined) codes.push(parseInt(m[6], 8));
  else if (m[9] !== undefined) codes.push(parseInt(m[9], 10));
  else if (m[3] === undefined) return { value: '', length }; // a line continuation
  if (codes.length === 0 || codes.some((c) => !(c > 0 && c <= 0x10ffff))) return undefined;
  return { value: String.fromCodePoint(...codes), length };
}

/**
 * Whether ESCAPE can match at `at` (a backslash or `&`), from the character after it: most backslashes in
 * code (`\\n`, `\\\\`, LaTeX's `\\frac`) and ampersands start none, and a regex call per backslash was most
 * of this pass on a source tree.
 */
function mayEscapeAt(text: string, at: number): boolean {
  const c = text.charCodeAt(at + 1);
  if (text.charCodeAt(at) === 38) return c === 35 /* # */ || c === 108 || c === 112 || c === 99 || c === 101 || c === 115; // l p c e s
  // x u U N, octal digits, blanks and line breaks (a continuation)
  return c === 120 || c === 117 || c === 85 || c === 78 || (c >= 48 && c <= 55) || c === 32 || c === 9 || c === 13 || c === 10;
}

/** Each run of token characters and escapes that holds an escape, decoded. */
export function escapedRuns(text: string, push: (r: EscapedRun) => void): void {
  let from = 0;
  // The next backslash and ampersand at or after `from`, each searched again only once passed (searching
  // both from every escape went to the end of the text for the rarer one each time).
  let b = -2;
  let a = -2;
  for (;;) {
    if (b !== -1 && b < from) b = text.indexOf('\\', from);
    if (a !== -1 && a < from) a = text.indexOf('&', from);
    const p = b === -1 ? a : a === -1 ? b : Math.min(a, b);
    if (p === -1) return;
    if (!mayEscapeAt(text, p)) {
      from = p + 1;
      continue;
    }
    const first = escapeAt(text, p);
    // A continuation needs a token character right before it (and, below, right after it).
    if (!first || (first.value === '' && !TOKEN_CHAR.test(text[p - 1] ?? ' '))) {
      from = p + 1;
      continue;
    }
    let start = p;
    while (start > 0 && p - start < MAX_BACK && TOKEN_CHAR.test(text[start - 1]!)) start--;
    let out = text.slice(start, p);
    let end = p;
    let escapes = 0;
    while (end < text.length && end - p < MAX_RUN) {
      const c = text[end]!;
      if (c === '\\' || c === '&') {
        const e = escapeAt(text, end);
        if (!e || (e.value === '' && !TOKEN_CHAR.test(text[end + e.length] ?? ' '))) break;
        out += e.value;
        end += e.length;
        escapes++;
      } else if (TOKEN_CHAR.test(c)) {
        out += c;
        end++;
      } else break;
    }
    if (escapes > 0 && out.length >= MIN_DECODED) push({ start, end, text: out });
    from = Math.max(end, p + 1);
  }
}
