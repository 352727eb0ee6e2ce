/**
 * The history scrub: what `git filter-repo` is given, and the commands the report prints.
 *
 * - The replacements file (`--replace-text`, and `--replace-message` for commit and tag messages): every
 *   committed value, and each way a file may hold it written differently (JSON, URL, XML, backslash
 *   escapes, base64). Longest first: filter-repo applies the lines in file order, so a value that holds
 *   another is replaced whole before the shorter one could cut it. A short value (under SHORT characters,
 *   `password1`) is replaced only where it stands alone, as a `regex:` with word bounds: as a literal it
 *   would also rewrite `check_password1()`.
 * - The callbacks (scrub-callbacks.ts) apply the same lines where these options do not reach (binary and
 *   UTF-16 blobs, paths, people, ref names); the commands are scrub-commands.ts's.
 */
import { lineTextOf, secretOf, type Finding } from '../findings/finding.js';
import { valueKey, type Plan, type PlanValues } from './plan.js';

export const MARKER = '***REMOVED***';
/** Values shorter than this are replaced only where no letter, digit or `_` touches them. */
export const SHORT = 12;
/** Shortest value written at all (shorter ones would rewrite text everywhere). */
const MIN = 4;

function escapeRegex(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|=<>#&~'" -]/g, (c) => `\\${c}`);
}

const WORD = /[A-Za-z0-9_]/;
export const BEFORE = '(?<![A-Za-z0-9_])';
export const AFTER = '(?![A-Za-z0-9_])';

/** The ways a file may hold `v` other than as written: string escapes, URL and XML encodings, base64. */
export function encodedForms(v: string): Set<string> {
  const forms = new Set<string>([v]);
  const json = JSON.stringify(v).slice(1, -1);
  forms.add(json);
  forms.add(json.replace(/\//g, '\\/'));
  // Python's json.dumps (ensure_ascii) writes every non-ASCII character as \uXXXX.
  forms.add(json.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  forms.add(v.replace(/[\\']/g, (c) => `\\${c}`));
  // encodeURIComponent, and RFC 3986's stricter form (Python's quote: also !'()*), each with `/` kept too.
  for (const url of [encodeURIComponent(v), encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)]) {
    forms.add(url);
    forms.add(url.replace(/%2F/g, '/'));
  }
  const xml = v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  forms.add(xml);
  forms.add(xml.replace(/"/g, '&quot;').replace(/'/g, '&apos;'));
  forms.add(xml.replace(/"/g, '&quot;').replace(/'/g, '&#39;'));
  forms.add(xml.replace(/"/g, '&quot;').replace(/'/g, '&#x27;')); // Python's html.escape
  if (v.length >= 6) {
    // The value encoded alone (a Kubernetes Secret's data:), without the padding: the padded text starts with it.
    const b64 = Buffer.from(v, 'utf8').toString('base64').replace(/=+$/, '');
    forms.add(b64);
    forms.add(b64.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return forms;
}

function line(form: string, short: boolean): string {
  if (!short && !form.includes('==>')) return `literal:${form}==>${MARKER}`;
  const pre = short && WORD.test(form[0]!) ? BEFORE : '';
  const post = short && WORD.test(form[form.length - 1]!) ? AFTER : '';
  return `regex:${pre}${escapeRegex(form)}${post}==>${MARKER}`;
}

/** Every committed value as plain strings: each raw form of the plan's secrets, and each value it does not store. */
export function committedValues(values: PlanValues, plan: Plan, notStored: readonly Finding[]): Set<string> {
  const out = new Set<string>();
  const addRaw = (raw: string) => {
    // The file is line-based: a multi-line value (a PEM key) gives one line per line of it; BEGIN/END lines stay.
    if (/[\r\n]/.test(raw)) {
      for (const l of raw.split(/\r?\n/)) if (l.trim().length >= 8 && !/^-----(BEGIN|END) /.test(l.trim())) out.add(l.trim());
    } else out.add(raw);
  };
  for (const s of plan.secrets) {
    for (const f of s.fields) {
      if (!f.secret) continue;
      const v = values.get(valueKey(s.name, f.key));
      if (!v) continue;
      for (const raw of new Set([...v.raw, v.value])) addRaw(raw);
    }
  }
  for (const f of notStored) {
    let secret: string;
    try {
      secret = secretOf(f);
    } catch {
      continue; // a finding without its value (never from a scan): nothing to scrub by
    }
    addRaw(secret);
    const whole = f.decodedFrom ? truncatedDecoded(f, secret) : quotedRun(f, secret);
    if (whole) {
      addRaw(whole);
      addRaw(whole.replace(/\\(.)/g, '$1'));
    }
  }
  return out;
}

/**
 * A rule's value stops at a quote, even an escaped one: `"Zq8v\"Rt5n"` is found as `Zq8v\`, and scrubbing
 * that would leave `"Rt5n"` in every commit. The literal as written, from the value to the quote that
 * closes it (escapes skipped), when it is longer than what the rule found.
 */
function quotedRun(f: Finding, secret: string): string | undefined {
  const line = lineTextOf(f);
  if (line === undefined || f.endLine !== f.line) return undefined;
  const at = f.column - 1;
  const q = line[at - 1];
  if ((q !== '"' && q !== "'") || line.slice(at, at + secret.length) !== secret) return undefined;
  let i = at;
  while (i < line.length && line[i] !== q) i += line[i] === '\\' ? 2 : 1;
  return i < line.length && i - at > secret.length ? line.slice(at, i) : undefined;
}

/**
 * The same cut in decoded text (a notebook cell's `\"Zq8v\\\"Rt5n\"` decodes to a string with `\"`): the
 * finding has only the decoded head, so the encoded text it was found in (its span) is scrubbed whole.
 */
function truncatedDecoded(f: Finding, secret: string): string | undefined {
  const line = lineTextOf(f);
  if (!secret.endsWith('\\') || line === undefined || f.endLine !== f.line) return undefined;
  const span = line.slice(f.column - 1, f.endColumn);
  return span.length > secret.length ? span : undefined;
}

/**
 * `git filter-repo --replace-text` lines for every raw value of the plan's secrets and for each value the
 * plan does not store (`notStored`: history-only, too large), in every encoded form, longest first.
 */
export function replacementLines(values: PlanValues, plan: Plan, notStored: readonly Finding[] = []): string[] {
  const forms = new Map<string, boolean>();
  for (const v of committedValues(values, plan, notStored)) {
    if (v.length < MIN) continue;
    const short = v.length < SHORT;
    for (const f of encodedForms(v)) if (f.length >= MIN) forms.set(f, (forms.get(f) ?? false) || short);
  }
  return [...forms].sort(([a], [b]) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0)).map(([f, short]) => line(f, short));
}

/** How many committed values are short enough to be replaced only where they stand alone. */
export function shortValueCount(values: PlanValues, plan: Plan, notStored: readonly Finding[] = []): number {
  return [...committedValues(values, plan, notStored)].filter((v) => v.length >= MIN && v.length < SHORT).length;
}

