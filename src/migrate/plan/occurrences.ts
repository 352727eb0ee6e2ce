/**
 * The plan's working material: one occurrence per place a value was found (findings, plus the other places
 * history saw the same blob), the candidate groups the grouping strategies make of them, and what those
 * strategies share (the text around an occurrence, the occurrences of one file, field makers).
 */
import { fingerprint as hmacFingerprint, DEFAULT_SALT } from '../../findings/fingerprint.js';
import { attachSecret, cloneFinding, commitOf, historyOnly as onlyInHistory, lineTextOf, secretOf, type Finding } from '../../findings/finding.js';
import type { RuleMigration } from '../../rules/rule.js';
import { slug } from './naming.js';
import { isUriGrouping } from './rule-facts.js';
import { lineStarts, linesOf, spanOffsets } from './values.js';
import { literalAt, syntaxOfSource, type Syntax } from './literals.js';
import { enclosingLiteral } from './multiline.js';
import { installedCodeReason, notASecretReason, passwordHashReason } from './not-secrets.js';
import { isComposePath } from '../rewrite/yaml.js';
import { isIniPath } from '../rewrite/ini.js';
import { isLoggingConfigText } from '../rewrite/logging-config.js';
import { configparserInterpolated, isPgpassPath, isXmlText, pgpassUnescaped, sqlUnquoted, xmlUnescaped } from './config-file-escapes.js';
import { MAX_SECRET_BYTES, type FieldType, type ValueDecode, type GroupKind, type PlanInput, type SkippedValue, type Span, type ValueLocation, type ValueSource } from './types.js';

export interface Occ {
  f: Finding;
  raw: string;
  value: string;
  loc: ValueLocation;
  decode?: ValueDecode;
}

/**
 * What the program reads at a finding: the span to refer to (the finding's, or the whole literal or value
 * around it for a rule that matches assigned values, which may stop inside one), its text and the value
 * decoded as the file's reader decodes it (string escapes, quotes, percent-encoding of a URI password).
 * `skip` when that value cannot be known exactly from the text (an interpolation inside it).
 */
export type ValueAt =
  | { span: Pick<Span, 'line' | 'column' | 'endLine' | 'endColumn'>; raw: string; value: string; decode?: ValueDecode }
  | { skip: string };

/** Rules that match the value of an assignment (the whole value is the secret, wherever the regex stopped). */
const WHOLE_VALUE_RULE = /^generic-/;

/** `configparser`: the file is read by configparser though not named `.ini`/`.cfg` (PlanInput.configparserFiles). */
export function valueAt(f: Finding, raw: string, text: string | undefined, migration: RuleMigration | undefined, configparser = false): ValueAt {
  const at = valueInSyntax(f, raw, text, migration);
  if ('skip' in at) return at;
  if (isComposePath(f.file)) return composeInterpolated(at);
  if (isIniPath(f.file) || configparser || (text !== undefined && isLoggingConfigText(text))) return configparserInterpolated(at);
  if (isXmlText(f.file, text)) return xmlUnescaped(at, text === undefined ? undefined : linesOf(text)[at.span.line - 1]);
  if (f.rule === 'sql-password-clause') return sqlUnquoted(at, text === undefined ? undefined : linesOf(text)[at.span.line - 1]);
  return isPgpassPath(f.file) ? pgpassUnescaped(at) : at;
}

/**
 * Docker Compose interpolates every value of a compose file: `$$` is one `$`, `$VAR` / `${VAR}` come from
 * its environment. The container gets the interpolated text, so that is what is stored; a value with an
 * interpolation is not known from the text alone.
 */
function composeInterpolated(at: Exclude<ValueAt, { skip: string }>): ValueAt {
  if (!at.value.includes('$')) return at;
  if (/\$[{A-Za-z_]/.test(at.value.replace(/\$\$/g, ''))) {
    return { skip: 'Docker Compose interpolates $VAR / ${VAR} in this value at run time: the stored value would differ from what the container reads; move it to the vault by hand' };
  }
  const value = at.value.replace(/\$\$/g, '$');
  if (value === at.value) return at;
  const decode: ValueDecode = at.decode === 'uri' || at.decode === 'literal+uri' ? 'literal+uri' : 'literal';
  return { ...at, value, decode };
}

function valueInSyntax(f: Finding, raw: string, text: string | undefined, migration: RuleMigration | undefined): ValueAt {
  const uri = isUriGrouping(migration);
  const span = { line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn };
  const percent = (r: string, v: string, decode?: ValueDecode): ValueAt => {
    if (uri && /%[0-9A-Fa-f]{2}/.test(v)) {
      try {
        return { span, raw: r, value: decodeURIComponent(v), decode: decode ? 'literal+uri' : 'uri' };
      } catch {
        /* not valid percent-encoding: keep as found */
      }
    }
    return { span, raw: r, value: v, ...(decode ? { decode } : {}) };
  };
  // The scanner reads bytes that are not UTF-8 (a latin-1 file's `ü`) as U+FFFD: not what the program reads.
  if (raw.includes('\uFFFD')) return { skip: 'the value holds bytes that are not UTF-8 (the file is in another encoding, such as latin-1): the stored value would differ from what the program reads; move it to the vault by hand' };
  // A fileConfig file's handler args are Python literals (fileConfig evaluates them): `\\` there is one `\`.
  // Another INI value (not rewritten, but stored) is read to the end of its line: a generic rule stops at `&`.
  const syntax = syntaxOfSource(f.file, text)
    ?? (text !== undefined && isLoggingConfigText(text) ? 'python' : isIniPath(f.file) && f.endLine === f.line ? 'ini' : undefined);
  if (/\.ipynb$/i.test(f.file)) {
    // A notebook's text is JSON around Python. A match that ran into the `\n` ending a source line stops
    // before it; any other backslash in the span is an escape (JSON's, Python's or both).
    if (f.endLine === f.line && /^[^\\]*\\n$/.test(raw)) {
      raw = raw.slice(0, -2);
      span.endColumn -= 2;
    }
    if (raw.includes('\\')) return { skip: 'the value in the notebook cell has escapes or spans lines: the stored value would differ from what the cell reads; move it to the vault by hand' };
  }
  if (text !== undefined && !syntax && f.line === 1 && f.column === 1 && text !== raw && text.trimEnd() === raw && text.length - raw.length <= 2) {
    // A file that is the secret (a PEM key file): its reader gets the whole file, final newline included.
    const starts = lineStarts(text);
    const last = text.length - 1;
    const endLine = starts.filter((x) => x <= last).length;
    return { span: { line: 1, column: 1, endLine, endColumn: last - starts[endLine - 1]! + 1 }, raw: text, value: text };
  }
  if (text !== undefined && syntax && f.endLine !== f.line) return multiLineValueAt(f, raw, text, syntax) ?? percent(raw, raw);
  const line = text === undefined || f.endLine !== f.line ? undefined : linesOf(text)[f.line - 1];
  if (!syntax || line === undefined) return percent(raw, raw);
  const s0 = f.column - 1;
  const s1 = f.endColumn;
  if (line.slice(s0, s1) !== raw) return percent(raw, raw);
  const lit = literalAt(line, s0, s1, syntax);
  if (!lit) return percent(raw, raw);
  // A finding assigned to a key (`PGPASSWORD='…'`) that starts where the assigned value starts is that value,
  // wherever its rule's regex stopped (at a backtick, `;`, `&`): the program reads the whole of it.
  const assigned = f.key !== undefined && !uri && (WHOLE_VALUE_RULE.test(f.rule) || lit.start === s0);
  const whole = (lit.start === s0 && lit.end === s1) || assigned;
  if (whole) {
    if (!lit.exact) return { skip: `${lit.why ?? 'the value is built at run time'}: the stored value would differ from what the program reads; move it to the vault by hand` };
    span.column = lit.start + 1;
    span.endColumn = lit.end;
    const r = line.slice(lit.start, lit.end);
    return percent(r, lit.value, r === lit.value ? undefined : 'literal');
  }
  // A part of a literal (a token inside "Bearer …", a password inside a URI): that part, decoded alone.
  const part = literalAt(line.slice(0, lit.start) + line.slice(s0, s1) + line.slice(lit.end), lit.start, lit.start + (s1 - s0), syntax);
  if (!part || !part.exact) return { skip: `${part?.why ?? 'the value sits across an escape or an interpolation'}: the stored value would differ from what the program reads; move it to the vault by hand` };
  return percent(raw, part.value, raw === part.value ? undefined : 'literal');
}

/**
 * A finding over several lines (a PEM key) that is the whole content of a literal spanning lines (a
 * triple-quoted string, a template, a block scalar, a quoted .env value): the literal, decoded. The
 * content may add only white space around the finding (the key's surrounding line breaks), which the
 * program reads too. Undefined when the finding is not such a literal's whole content.
 */
function multiLineValueAt(f: Finding, raw: string, text: string, syntax: Syntax): ValueAt | undefined {
  const starts = lineStarts(text);
  const o = spanOffsets(text, f, starts);
  if (!o || text.slice(o[0], o[1]) !== raw) return undefined;
  const [s0, s1] = o;
  const lit = enclosingLiteral(f.file, text, s0, s1, syntax);
  if (!lit) return undefined;
  const bare = (x: string) => x.replace(/\s+/g, '');
  if (bare(lit.value) !== bare(raw) && bare(text.slice(lit.start, lit.end)) !== bare(raw)) return undefined;
  if (!lit.exact) return { skip: `${lit.why ?? 'the value is built at run time'}: the stored value would differ from what the program reads; move it to the vault by hand` };
  const at = (o: number) => {
    const line = starts.filter((x) => x <= o).length;
    return { line, column: o - starts[line - 1]! + 1 };
  };
  const from = at(lit.start);
  const to = at(lit.end - 1);
  const r = text.slice(lit.start, lit.end);
  return { span: { line: from.line, column: from.column, endLine: to.line, endColumn: to.column }, raw: r, value: lit.value, ...(r === lit.value ? {} : { decode: 'literal' as const }) };
}

export interface CandField {
  key: string;
  secret: boolean;
  type: FieldType;
  value: string;
  /** Secret fields: every occurrence of this value seen so far; the first is the source. */
  occs: Occ[];
  /** Context fields: where the value is (or a literal). */
  source?: ValueSource;
  contextLoc?: ValueLocation;
}

/** A candidate secret: one grouping strategy's proposal, before values get one home each and names. */
export interface Cand {
  kind: GroupKind;
  resource: string;
  fields: CandField[];
  first: ValueLocation;
}

export function locCmp(a: ValueLocation, b: ValueLocation): number {
  return Number(a.historyOnly) - Number(b.historyOnly)
    || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)
    || (a.commit ?? '').localeCompare(b.commit ?? '')
    || a.line - b.line || a.column - b.column;
}

/**
 * A notebook is JSON around its cells' source: a double-quoted Python string reads `\"` in the file, so a
 * rule may find `PASSWORD = "…"` only in the JSON-decoded view, with the span of the whole encoded line.
 * A value written there as is (nothing JSON escapes), once, as a whole literal, is that place, as if found as written.
 */
function notebookPlace(f: Finding, raw: string, text: string | undefined): Finding | undefined {
  if (f.decodedFrom !== 'json-escape' || !/\.ipynb$/i.test(f.file) || text === undefined || f.line !== f.endLine) return undefined;
  if (/["\\\u0000-\u001f]/.test(raw)) return undefined;
  const line = linesOf(text)[f.line - 1] ?? '';
  const span = line.slice(f.column - 1, f.endColumn);
  const i = span.indexOf(raw);
  if (i < 0 || span.indexOf(raw, i + 1) >= 0) return undefined;
  // The whole of a string literal (`\"…\"` or `'…'` in the JSON text). A rule matching assigned values that
  // stopped inside one (at `&`) means all of it, when it holds no backslash (no escape, JSON's or Python's).
  const s = f.column - 1 + i;
  const quote = line.slice(0, s).endsWith('\\"') ? '\\"' : line.slice(0, s).endsWith("'") ? "'" : undefined;
  if (!quote) return undefined;
  let e = s + raw.length;
  if (!line.startsWith(quote, e)) {
    if (!WHOLE_VALUE_RULE.test(f.rule) || f.key === undefined) return undefined;
    const close = line.indexOf(quote, e);
    if (close < 0 || line.slice(s, close).includes('\\')) return undefined;
    e = close;
  }
  const c = cloneFinding(f, { column: s + 1, endColumn: e, decodedFrom: undefined });
  return e === s + raw.length ? c : attachSecret(c, line.slice(s, e), lineTextOf(f));
}

/** Occurrences, sorted by location, and the values that cannot be migrated. */
export function occurrencesOf(findings: readonly Finding[], migration: (rule: string) => RuleMigration | undefined, files?: ReadonlyMap<string, string>,
  configparserFiles?: ReadonlySet<string>): { occs: Occ[]; skipped: SkippedValue[] } {
  const skipped: SkippedValue[] = [];
  const occs: Occ[] = [];
  // The values found as written (not in a decoded view), built once when a decoded finding asks.
  let plain: Set<string> | undefined;
  const writtenPlainly = (value: string) => (plain ??= new Set(findings.filter((g) => !g.decodedFrom).flatMap((g) => {
    try {
      return [secretOf(g)];
    } catch {
      return [];
    }
  }))).has(value);
  for (let f of findings) {
    let raw: string;
    try {
      raw = secretOf(f);
    } catch {
      continue;
    }
    // Unless the rule found it as written there too (the decoded finding is then dropped below).
    const placed = notebookPlace(f, raw, files?.get(f.file));
    if (placed && !findings.some((g) => !g.decodedFrom && g.file === placed.file && commitOf(g) === commitOf(placed) && g.line === placed.line
      && g.column <= placed.endColumn && placed.column <= g.endColumn)) {
      f = placed;
      raw = secretOf(placed);
    }
    const historyOnly = onlyInHistory(f);
    const commit = commitOf(f);
    const loc: ValueLocation = {
      file: f.file, line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn,
      rule: f.rule, fingerprint: f.fingerprint, historyOnly,
    };
    if (historyOnly && commit) loc.commit = commit;
    if (f.key) loc.key = f.key;
    if (f.file === '-' || f.file === '') {
      skipped.push({ location: loc, reason: 'read from standard input: nothing to migrate from' });
      continue;
    }
    if (f.decodedFrom) {
      // Found in a decoded view of the text (the program reads the encoded form): the same value found
      // as written is the one to migrate; alone, it is left to a human.
      const direct = findings.some((g) => g !== f && !g.decodedFrom && g.file === f.file && commitOf(g) === commit && g.line <= f.endLine && f.line <= g.endLine
        && (g.line !== f.line || (g.column <= f.endColumn && f.column <= g.endColumn)));
      // A string literal's escapes (`\x67hp_…`): the program reads the decoded value. When that value is also
      // written plainly somewhere, the plan stores it and finds this place by value (leftover-values.ts).
      const literalEscape = f.decodedFrom === 'escape' || f.decodedFrom === 'json-escape';
      const elsewhere = literalEscape && writtenPlainly(raw);
      const why = /\.ipynb$/i.test(f.file) && f.decodedFrom === 'json-escape'
        ? 'found in a notebook cell, but not as a whole string literal without escapes: the stored value could differ from what the cell reads'
        : literalEscape ? 'found inside a string literal\'s escapes (\\x, \\u, …): the program reads the decoded value'
          : `found inside ${f.decodedFrom}-encoded text: the program reads the encoded form`;
      if (!direct && !elsewhere) skipped.push({ location: loc, reason: `${why}; move it to the vault by hand` });
      continue;
    }
    const at = valueAt(f, raw, historyOnly ? undefined : files?.get(f.file), migration(f.rule), !historyOnly && !!configparserFiles?.has(f.file));
    if ('skip' in at) {
      skipped.push({ location: loc, reason: at.skip });
      continue;
    }
    Object.assign(loc, at.span);
    raw = at.raw;
    const value = at.value;
    const decode = at.decode;
    const notSecret = notASecretReason({ file: f.file, value, key: f.key });
    if (notSecret) {
      skipped.push({ location: loc, reason: notSecret, notSecret: true });
      continue;
    }
    const hash = passwordHashReason(value) ?? installedCodeReason(f.file);
    if (hash) {
      skipped.push({ location: loc, reason: hash });
      continue;
    }
    if (Buffer.byteLength(value) > MAX_SECRET_BYTES) {
      skipped.push({ location: loc, reason: 'larger than the 64 KiB Secrets Manager allows' });
      continue;
    }
    occs.push({ f, raw, value, loc, decode });
    // Other places history saw the same blob content: locations without a position of their own.
    for (const p of f.seen?.places ?? []) {
      if (p.path === f.file && (p.commit === commit || !historyOnly)) continue;
      if (!p.commit) continue;
      occs.push({
        f, raw, value, decode,
        loc: { ...loc, file: p.path, commit: p.commit, historyOnly: true },
      });
    }
  }
  occs.sort((a, b) => locCmp(a.loc, b.loc));
  return { occs, skipped };
}

/** What every grouping strategy reads, and the occurrences already taken by a group. */
export interface GroupingContext {
  occs: readonly Occ[];
  /** Occurrences a group has taken (each strategy takes what is left by the ones before it). */
  used: Set<Occ>;
  /** The rule's migration facts (rules/*.yaml `migrate:`). */
  migration: (rule: string) => RuleMigration | undefined;
  textOf: (o: Occ) => string | undefined;
  lineOf: (o: Occ) => string | undefined;
  /** Occurrences in the same file (or the same blob of one commit). */
  sameFile: (o: Occ) => Occ[];
  /** A resource slug from key parts, without a leading or trailing environment name. */
  resourceFrom: (parts: string[]) => string;
  digest: (value: string) => string;
  secretField: (key: string, o: Occ) => CandField;
  contextField: (key: string, o: Occ, line: number, s: number, e: number, value: string) => CandField;
  literalField: (key: string, value: string, type?: FieldType) => CandField;
}

export function groupingContext(input: PlanInput, occs: readonly Occ[], migration: (rule: string) => RuleMigration | undefined): GroupingContext {
  const salt = input.salt ?? DEFAULT_SALT;
  const digest = (v: string) => hmacFingerprint('context', v, salt);
  const textOf = (o: Occ): string | undefined => (o.loc.historyOnly ? undefined : input.files.get(o.loc.file));
  const lineOf = (o: Occ): string | undefined => {
    const t = textOf(o);
    if (t !== undefined) return linesOf(t)[o.loc.line - 1];
    const lt = lineTextOf(o.f);
    return lt !== undefined && o.loc.line === o.f.line && o.loc.file === o.f.file ? lt : undefined;
  };
  const byFile = new Map<string, Occ[]>();
  for (const o of occs) {
    const k = `${o.loc.commit ?? ''}\u0000${o.loc.file}`;
    byFile.set(k, [...(byFile.get(k) ?? []), o]);
  }
  const envLower = input.env.toLowerCase();
  return {
    occs, used: new Set(), migration, textOf, lineOf, digest,
    sameFile: (o) => byFile.get(`${o.loc.commit ?? ''}\u0000${o.loc.file}`) ?? [],
    resourceFrom: (parts) => {
      let p = parts.map((x) => x.toLowerCase());
      if (p.length > 1 && p[0] === envLower) p = p.slice(1);
      else if (p.length > 1 && p[p.length - 1] === envLower) p = p.slice(0, -1);
      return slug(p.join('-'));
    },
    secretField: (key, o) => ({ key, secret: true, type: 'string', value: o.value, occs: [o] }),
    contextField: (key, o, line, s, e, value) => {
      const type: FieldType = key === 'port' && /^\d{1,5}$/.test(value) ? 'number' : 'string';
      const span: Span = { file: o.loc.file, line, column: s + 1, endLine: line, endColumn: e };
      if (o.loc.commit) span.commit = o.loc.commit;
      const d = digest(value);
      return {
        key, secret: false, type, value, occs: [],
        source: { kind: 'span', ...span },
        contextLoc: { ...span, fingerprint: d, historyOnly: o.loc.historyOnly },
      };
    },
    literalField: (key, value, type = 'string') => ({ key, secret: false, type, value, occs: [], source: { kind: 'literal', value } }),
  };
}
