/**
 * The value a program reads from a span of its source: the string literal (or unquoted value) around a
 * finding, decoded the way the file's reader decodes it (Python and JS/TS string literals, JSON strings,
 * YAML scalars, python-dotenv values, shell words). Pure string work, one line at a time: a literal that
 * spans lines (triple quotes, templates, YAML blocks) is not decoded here (the caller keeps the text as
 * found, which is the value when it holds no escape).
 *
 * Why: a finding's span is what a rule matched, which can stop inside the value (a generic rule stops at
 * `&` or `#`) and is the source text, escapes and all; the vault must get exactly what the program read.
 */
import path from 'node:path';

export type Syntax = 'python' | 'javascript' | 'json' | 'yaml' | 'dotenv' | 'shell' | 'properties' | 'ini';

export function syntaxOf(file: string): Syntax | undefined {
  const base = file.split('/').pop() ?? file;
  if (/\.pyw?$/i.test(base)) return 'python';
  if (/\.(?:[cm]?js|jsx|[cm]?ts|tsx)$/i.test(base)) return 'javascript';
  if (/\.json$/i.test(base)) return 'json';
  if (/\.ya?ml$/i.test(base)) return 'yaml';
  if (/^\.env(?:\..+)?$|\.env$/i.test(base)) return 'dotenv';
  if (/\.(?:sh|bash|zsh)$/i.test(base)) return 'shell';
  if (/\.properties$/i.test(base)) return 'properties';
  return undefined;
}

/**
 * The syntax of a file, by its name or else by its `#!` line: a script with no extension run by Python
 * (`bin/etl` with `#!/usr/bin/env python3`) holds Python literals, as the Python rewriter sees it.
 */
export function syntaxOfSource(file: string, text: string | undefined): Syntax | undefined {
  const byName = syntaxOf(file);
  if (byName || text === undefined || path.posix.extname(file)) return byName;
  return /^#!.*\bpython[0-9.]*\b/.test(text.slice(0, 200)) ? 'python' : undefined;
}

export interface LiteralValue {
  /** The value region in the line: the literal's content, quotes excluded (UTF-16 offsets, end exclusive). */
  start: number;
  end: number;
  /** What the program reads from the whole region. */
  value: string;
  /** False when the value is built at run time (an interpolation, `$VAR`) or uses an escape not decoded here. */
  exact: boolean;
  /** Why it is not exact. */
  why?: string;
  /** The region is a quoted literal (false: an unquoted value). */
  quoted: boolean;
}

interface Lit {
  open: number;
  start: number;
  end: number;
  close: number;
  prefix: string;
  quote: string;
  /** A JS template's tag (`String.raw`) and where the tag starts. */
  tag?: string;
  tagStart?: number;
}

/** String literals on one line (Python or JS), skipping comments. Unclosed ones are left out. */
function lineLiterals(line: string, syntax: 'python' | 'javascript'): Lit[] {
  const out: Lit[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (syntax === 'python' && c === '#') break;
    if (syntax === 'javascript' && c === '/' && line[i + 1] === '/') break;
    if (syntax === 'javascript' && c === '/' && line[i + 1] === '*') {
      const e = line.indexOf('*/', i + 2);
      if (e < 0) break;
      i = e + 2;
      continue;
    }
    let prefix = '';
    if (syntax === 'python') {
      const m = /^(?:[rRbBfFuU]{1,2})(?=['"])/.exec(line.slice(i));
      if (m && (i === 0 || !/[A-Za-z0-9_]/.test(line[i - 1]!))) prefix = m[0];
    }
    const q = line[i + prefix.length];
    if (q === '"' || q === "'" || (syntax === 'javascript' && q === '`')) {
      const open = i;
      const triple = syntax === 'python' && line.startsWith(q.repeat(3), i + prefix.length);
      const quote = triple ? q.repeat(3) : q;
      const start = i + prefix.length + quote.length;
      const raw = /r/i.test(prefix);
      let j = start;
      let closed = -1;
      while (j < line.length) {
        if (line[j] === '\\') {
          j += 2;
          continue;
        }
        if (line.startsWith(quote, j)) {
          closed = j;
          break;
        }
        j++;
      }
      void raw;
      if (closed < 0) break;
      const tag = q === '`' ? /([A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)\s*$/.exec(line.slice(0, open)) : null;
      out.push({ open, start, end: closed, close: closed + quote.length, prefix, quote, ...(tag ? { tag: tag[1]!.replace(/\s+/g, ''), tagStart: tag.index } : {}) });
      i = closed + quote.length;
      continue;
    }
    i++;
  }
  return out;
}

type Decoded = { value: string; exact: boolean; why?: string };

const PY_SIMPLE: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** A Python string literal's content, as Python reads it. */
export function decodePython(body: string, prefix: string): Decoded {
  const raw = /r/i.test(prefix);
  const f = /f/i.test(prefix);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (f && (c === '{' || c === '}')) {
      if (body[i + 1] === c) {
        out += c;
        i++;
        continue;
      }
      return { value: out, exact: false, why: 'an f-string interpolation builds the value at run time' };
    }
    if (c !== '\\' || i + 1 >= body.length) {
      out += c;
      continue;
    }
    const n = body[i + 1]!;
    if (raw) {
      // A raw literal keeps the backslash (it only stops a quote from ending the literal).
      out += c + n;
      i++;
      continue;
    }
    if (n in PY_SIMPLE) {
      out += PY_SIMPLE[n];
      i++;
    } else if (n === '\n') {
      i++;
    } else if (/[0-7]/.test(n)) {
      const m = /^[0-7]{1,3}/.exec(body.slice(i + 1))![0];
      out += String.fromCodePoint(parseInt(m, 8));
      i += m.length;
    } else if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(body.slice(i + 2, i + 4))) {
      out += String.fromCodePoint(parseInt(body.slice(i + 2, i + 4), 16));
      i += 3;
    } else if (!/b/i.test(prefix) && n === 'u' && /^[0-9a-fA-F]{4}$/.test(body.slice(i + 2, i + 6))) {
      out += String.fromCharCode(parseInt(body.slice(i + 2, i + 6), 16));
      i += 5;
    } else if (!/b/i.test(prefix) && n === 'U' && /^[0-9a-fA-F]{8}$/.test(body.slice(i + 2, i + 10))) {
      const cp = parseInt(body.slice(i + 2, i + 10), 16);
      if (cp > 0x10ffff) return { value: out, exact: false, why: 'an invalid \\U escape' };
      out += String.fromCodePoint(cp);
      i += 9;
    } else if (n === 'N' && !/b/i.test(prefix)) {
      return { value: out, exact: false, why: 'a \\N{name} escape' };
    } else {
      // Unknown escapes keep their backslash.
      out += c;
    }
  }
  return /b/i.test(prefix) ? bytesAsText(out) : { value: out, exact: true };
}

/**
 * A bytes literal's value as the text it encodes: each character of `latin1` is one byte, and the bytes
 * must be UTF-8 (what the rewritten code's `.encode()` gives back); anything else is not text.
 */
function bytesAsText(latin1: string): Decoded {
  if (/[^\x00-\xff]/.test(latin1)) return { value: latin1, exact: false, why: 'a bytes literal with non-ASCII characters' };
  const text = Buffer.from(latin1, 'latin1').toString('utf8');
  if (Buffer.from(text, 'utf8').toString('latin1') !== latin1) return { value: latin1, exact: false, why: 'a bytes literal that is not UTF-8 text' };
  return { value: text, exact: true };
}

const JS_SIMPLE: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', v: '\v' };

/** A JS/TS string or template literal's content, as JavaScript reads it. */
export function decodeJs(body: string, quote: string): Decoded {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (quote === '`' && c === '$' && body[i + 1] === '{') return { value: out, exact: false, why: 'a template interpolation builds the value at run time' };
    if (c !== '\\' || i + 1 >= body.length) {
      out += c;
      continue;
    }
    const n = body[i + 1]!;
    i++;
    if (n in JS_SIMPLE) out += JS_SIMPLE[n];
    else if (n === '0' && !/[0-9]/.test(body[i + 1] ?? '')) out += '\0';
    else if (/[0-9]/.test(n)) return { value: out, exact: false, why: 'a legacy octal escape' };
    else if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(body.slice(i + 1, i + 3))) {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (n === 'u' && body[i + 1] === '{') {
      const m = /^\{([0-9a-fA-F]{1,6})\}/.exec(body.slice(i + 1));
      if (!m || parseInt(m[1]!, 16) > 0x10ffff) return { value: out, exact: false, why: 'an invalid \\u{} escape' };
      out += String.fromCodePoint(parseInt(m[1]!, 16));
      i += m[0].length;
    } else if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(body.slice(i + 1, i + 5))) {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 5), 16));
      i += 4;
    } else if (n === '\r' && body[i + 1] === '\n') i++;
    else if (n === '\n' || n === '\u2028' || n === '\u2029') {
      /* line continuation */
    } else out += n;
  }
  return { value: out, exact: true };
}

/**
 * A .env value as python-dotenv reads it (single quotes keep all but `\'` and `\\`; double quotes decode
 * `\\ \' \" \a \b \f \n \r \t \v`; `${NAME}` expands in every form), exact only where Node's readers
 * (`node --env-file`, the dotenv package: no escape but `\n` in double quotes, a value ends at its first
 * quote, backquotes quote) read the same escapes: which one a program uses is not known from the file.
 */
export function decodeDotenv(body: string, quote: string): Decoded {
  if (/\$\{[^}:]*(?::-[^}]*)?\}/.test(body)) return { value: body, exact: false, why: 'a ${VAR} expansion builds the value at run time (python-dotenv expands it, even in single quotes)' };
  const readersDiffer = { value: body, exact: false, why: 'python-dotenv and Node\'s .env readers read this value differently (its escapes or quotes)' };
  if (quote === "'") return /\\[\\']/.test(body) ? readersDiffer : { value: body, exact: true };
  // Unquoted `a#b`: Node's readers cut at the `#`; python-dotenv, Docker Compose and `secret-sweep run`
  // keep it, and a program whose password lost its tail would not have worked: python-dotenv's reading.
  if (quote === '') return /^`/.test(body) ? readersDiffer : { value: body, exact: true };
  const value = body.replace(/\\[\\'"abfnrtv]/g, (m) => PY_SIMPLE[m[1]!]!);
  return value === body.replace(/\\n/g, '\n') ? { value, exact: true } : readersDiffer;
}

/** POSIX shell: single quotes verbatim; double quotes: `\` escapes only `$ \` " \\` and newline; `$` expands. */
export function decodeShell(body: string, quote: string): Decoded {
  if (quote === "'") return { value: body, exact: true };
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '$' && /[A-Za-z_{(0-9@*#?$!-]/.test(body[i + 1] ?? '')) return { value: out, exact: false, why: 'a shell expansion builds the value at run time' };
    if (c === '`') return { value: out, exact: false, why: 'a command substitution builds the value at run time' };
    if (c === '\\' && /[$`"\\\n]/.test(body[i + 1] ?? '')) {
      if (body[i + 1] !== '\n') out += body[i + 1];
      i++;
      continue;
    }
    out += c;
  }
  return { value: out, exact: true };
}

/** A YAML double-quoted scalar (one line). */
export function decodeYamlDouble(body: string): Decoded {
  const map: Record<string, string> = { ...JS_SIMPLE, '0': '\0', a: '\x07', e: '\x1b', ' ': ' ', '/': '/', '\t': '\t', '"': '"', '\\': '\\', N: '\x85', _: '\xa0', L: '\u2028', P: '\u2029' };
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[i + 1] ?? '';
    const len = n === 'x' ? 2 : n === 'u' ? 4 : n === 'U' ? 8 : 0;
    if (len) {
      const h = body.slice(i + 2, i + 2 + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(h) || parseInt(h, 16) > 0x10ffff) return { value: out, exact: false, why: 'an invalid YAML escape' };
      out += String.fromCodePoint(parseInt(h, 16));
      i += 1 + len;
    } else if (n in map) {
      out += map[n];
      i++;
    } else return { value: out, exact: false, why: 'an invalid YAML escape' };
  }
  return { value: out, exact: true };
}

/**
 * The literal (or unquoted value) on `line` that holds [s, e), decoded for `syntax`; undefined when the
 * span is not inside one this module reads.
 */
export function literalAt(line: string, s: number, e: number, syntax: Syntax): LiteralValue | undefined {
  const pick = (lits: Lit[]) => lits.find((l) => l.start <= s && e <= l.end);
  const done = (l: Lit, d: Decoded): LiteralValue => ({ start: l.start, end: l.end, value: d.value, exact: d.exact, quoted: true, ...(d.why ? { why: d.why } : {}) });
  if (syntax === 'python' || syntax === 'javascript') {
    const lits = lineLiterals(line, syntax);
    // A rule that matched the tag of a template (String.raw`…` assigned to a password key) means the template after it.
    const l = pick(lits) ?? lits.find((x) => x.tag !== undefined && x.tagStart! <= s && e <= x.open);
    if (!l) return undefined;
    const body = line.slice(l.start, l.end);
    if (syntax === 'javascript' && l.tag !== undefined) {
      // String.raw`…` reads its text as written; another tag's function makes the value.
      if (l.tag !== 'String.raw' || body.includes('${')) return done(l, { value: body, exact: false, why: `a tagged template (${l.tag}\`…\`) builds the value at run time` });
      return done(l, { value: body, exact: true });
    }
    if (syntax === 'python') {
      // "a" "b" (or "a" \ at the end of the line): Python joins adjacent literals, the program reads both.
      const i = lits.indexOf(l);
      const near = (a: number, b: number) => /^\s*$/.test(line.slice(a, b));
      if ((i > 0 && near(lits[i - 1]!.close, l.open)) || (i + 1 < lits.length && near(l.close, lits[i + 1]!.open)) || /^\s*\\\s*$/.test(line.slice(l.close))) {
        return done(l, { value: body, exact: false, why: 'adjacent string literals are joined into one value' });
      }
    }
    return done(l, syntax === 'python' ? decodePython(body, l.prefix) : decodeJs(body, l.quote));
  }
  if (syntax === 'json') {
    const l = pick(lineLiterals(line, 'javascript').filter((x) => x.quote === '"'));
    if (!l) return undefined;
    try {
      return done(l, { value: JSON.parse(line.slice(l.open, l.close)) as string, exact: true });
    } catch {
      return undefined;
    }
  }
  if (syntax === 'properties') return propertiesValueAt(line, s, e);
  if (syntax === 'ini') return iniValueAt(line, s, e);
  // key: value / KEY=value / export KEY=value: the value after the separator.
  const m = syntax === 'yaml'
    ? /^(\s*(?:-\s+)?(?:"[^"]*"|'[^']*'|[^\s#'"][^:#]*?)\s*:[ \t]+)/.exec(line)
    : /^(\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_.-]*\s*=\s*)/.exec(line);
  if (!m || s < m[1]!.length) return undefined;
  const v0 = m[1]!.length;
  const q = line[v0];
  if (q === '"' || q === "'") {
    let j = v0 + 1;
    for (; j < line.length; j++) {
      if (q === "'" && syntax === 'yaml' && line[j] === "'" && line[j + 1] === "'") {
        j++;
        continue;
      }
      if (line[j] === '\\' && !(q === "'" && (syntax === 'yaml' || syntax === 'shell'))) {
        j++;
        continue;
      }
      if (line[j] === q) break;
    }
    if (j >= line.length || e > j) return undefined;
    const l: Lit = { open: v0, start: v0 + 1, end: j, close: j + 1, prefix: '', quote: q };
    const body = line.slice(l.start, l.end);
    if (syntax === 'yaml') return done(l, q === "'" ? { value: body.replace(/''/g, "'"), exact: true } : decodeYamlDouble(body));
    return done(l, syntax === 'dotenv' ? decodeDotenv(body, q) : decodeShell(body, q));
  }
  // Unquoted: to the end of the line or a comment (` #`); shell: to the end of the word.
  let end: number;
  if (syntax === 'shell') {
    const w = /^(?:\\.|[^\s;&|<>()'"`])*/.exec(line.slice(v0))![0];
    end = v0 + w.length;
    if (e > end) return undefined;
    const body = line.slice(v0, end);
    if (/\$[A-Za-z_{(0-9@*#?$!-]/.test(body)) return { start: v0, end, value: body, exact: false, why: 'a shell expansion builds the value at run time', quoted: false };
    return { start: v0, end, value: body.replace(/\\(.)/g, '$1'), exact: true, quoted: false };
  }
  const hash = line.slice(v0).search(/[ \t]#/);
  end = hash < 0 ? line.length : v0 + hash;
  while (end > v0 && /[ \t\r]/.test(line[end - 1]!)) end--;
  if (e > end) return undefined;
  const body = line.slice(v0, end);
  if (syntax === 'yaml' && /^[|>&*!%@`{[]/.test(body)) return undefined;
  if (syntax === 'dotenv') return { start: v0, end, quoted: false, ...decodeDotenv(body, '') };
  return { start: v0, end, value: body, exact: true, quoted: false };
}

/**
 * An INI option's value as configparser reads it: after the first `=` or `:`, to the end of the line, blanks
 * trimmed; `&`, `#`, `;` and quotes in it are text (no inline comments by default). ` #` / ` ;` there are
 * not exact: a parser given inline_comment_prefixes, and most other INI readers, cut the value at them. A
 * quoted value is left as found (configparser keeps the quotes, other readers drop them).
 */
function iniValueAt(line: string, s: number, e: number): LiteralValue | undefined {
  if (/^\s*[#;[]/.test(line)) return undefined;
  const m = /^[ \t]*[^=:\s][^=:]*?[ \t]*[=:][ \t]*/.exec(line);
  if (!m || s < m[0].length) return undefined;
  const v0 = m[0].length;
  let end = line.length;
  while (end > v0 && /[ \t\r]/.test(line[end - 1]!)) end--;
  if (e > end) return undefined;
  const body = line.slice(v0, end);
  if (/^["']/.test(body)) return undefined;
  if (/[ \t][#;]/.test(body)) return { start: v0, end, value: body, exact: false, why: 'the INI value holds ` #` or ` ;`, read as text by configparser but as a comment by other readers', quoted: false };
  return { start: v0, end, value: body, exact: true, quoted: false };
}

/**
 * A Java .properties value as `Properties.load` reads it: the key ends at its first unescaped `=`, `:` or
 * blank; the value runs to the end of the line (a `#` there is text); `\t \n \r \f \uXXXX` decode and a
 * backslash before any other character drops (`\:` is `:`). A line ending in a lone backslash goes on to
 * the next one, which is not read here.
 */
function propertiesValueAt(line: string, s: number, e: number): LiteralValue | undefined {
  if (/^\s*[#!]/.test(line)) return undefined;
  const m = /^[ \t\f]*(?:\\.|[^\s=:\\])+[ \t\f]*[=:]?[ \t\f]*/.exec(line);
  if (!m || s < m[0].length) return undefined;
  const v0 = m[0].length;
  let end = line.length;
  if (line.endsWith('\r')) end--;
  if (e > end) return undefined;
  const body = line.slice(v0, end);
  const trailing = /\\+$/.exec(body)?.[0].length ?? 0;
  if (trailing % 2 === 1) return { start: v0, end, value: body, exact: false, why: 'the value goes on to the next line (a trailing backslash)', quoted: false };
  const map: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' };
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[i + 1]!;
    if (n === 'u') {
      const h = body.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(h)) return { start: v0, end, value: body, exact: false, why: 'an invalid \\u escape (Properties.load refuses the file)', quoted: false };
      out += String.fromCharCode(parseInt(h, 16));
      i += 5;
    } else {
      out += map[n] ?? n;
      i++;
    }
  }
  return { start: v0, end, value: out, exact: true, quoted: false };
}
