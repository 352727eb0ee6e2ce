/**
 * The leak check of the redaction property tests: does any output hold a secret, or a substring of one
 * longer than the redaction prefix?
 *
 * - Each output is searched as written and with JSON and XML escapes undone (a secret with `"`, `\` or
 *   `&` is escaped there).
 * - A window (REDACTION_PREFIX_MAX + 1 characters) of a secret counts when it holds at least two
 *   characters drawn from the random input (the generator's mask) and does not also occur in text
 *   the tool may print whatever the secret (benign text: paths, rule metadata, the example text around
 *   the secret). Tool-made values (fingerprints, ids, timestamps) are scrubbed from the output first, but
 *   the whole secret is looked for in the raw output, without any allowance.
 */
import { REDACTION_PREFIX_MAX } from '../../src/findings/redact.js';

/** A window this long (prefix + 1) of a secret must never appear in output. */
export const WINDOW = REDACTION_PREFIX_MAX + 1;

export interface Secret {
  secret: string;
  /** Per character: true when it came from the random input. */
  mask: boolean[];
  /** Named in a leak report (the rule id). */
  label: string;
}

export interface Leak {
  run: string;
  where: string;
  rule: string;
  window: string;
}

/** The output as written, and with JSON and XML escapes undone. */
export function views(s: string): string[] {
  // One pass, so an escaped backslash before an `n` (a JSON string holding `\\n`) stays a backslash and an `n`.
  const esc: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
  const json = s.replace(/\\(u[0-9a-fA-F]{4}|["\\/bfnrt])/g, (_, e: string) => (e.length === 5 ? String.fromCharCode(parseInt(e.slice(1), 16)) : esc[e] ?? e));
  const xml = s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#(\d+);/g, (_, d: string) => String.fromCharCode(Number(d))).replace(/&amp;/g, '&');
  return [s, json, xml];
}

export function grams(s: string, into = new Set<string>()): Set<string> {
  for (let i = 0; i + WINDOW <= s.length; i++) into.add(s.slice(i, i + WINDOW));
  return into;
}

/**
 * Windows of a secret that would be a leak if printed: every WINDOW-long substring holding at least two
 * drawn characters and no whitespace (within one line of the secret, since files may use CRLF; and a
 * multi-line key's indentation plus one character, `    A`, is what column padding prints anyway). With a
 * single drawn character the other four are the format's fixed text, and names the tool derives match
 * such a window by chance (`key-` of a legacy Mailgun key, then `c` of `key-config`). All-digit windows
 * are left out: line numbers, sizes and counts in reports would match them by chance.
 */
export function leakWindows(p: Secret): string[] {
  const out: string[] = [];
  const s = p.secret;
  for (let i = 0; i + WINDOW <= s.length; i++) {
    const w = s.slice(i, i + WINDOW);
    if (/\s/.test(w) || /^\d+$/.test(w)) continue;
    if (p.mask.slice(i, i + WINDOW).filter(Boolean).length < 2) continue;
    out.push(w);
  }
  return out;
}

/** The tool's own ids (hex fingerprints, UUIDs), as the report prints them. */
const TOOL_ID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32,64}/g;

/**
 * `text` with every `scrub` string replaced by a blank. Ids of the tool's shapes are replaced in one pass
 * (one split per id over megabytes of output cost minutes); any other string by a split of its own.
 */
function scrubbed(text: string, scrub: readonly string[]): string {
  const ids = new Set<string>();
  let out = text;
  for (const s of scrub) {
    if (!s) continue;
    if (s.match(TOOL_ID)?.[0] === s) ids.add(s);
    else out = out.split(s).join(' ');
  }
  if (ids.size === 0) return out;
  return out.replace(TOOL_ID, (m) => (ids.has(m) ? ' ' : m));
}

/** Leaks of `secrets` in `places` ([where, text] pairs of one run). */
export function leaksIn(run: string, places: Array<[string, string]>, secrets: readonly Secret[], benignGrams: { has(w: string): boolean }, scrub: readonly string[]): Leak[] {
  const leaks: Leak[] = [];
  for (const [where, raw] of places) {
    // Tool-made values that are not secret text: fingerprints (HMACs), ids, timestamps.
    // Colour codes go first: `ESC[1m` before a rule name reads as `1mdig…`, which a secret may hold by chance
    // (seed 127270923); without them a secret split by a colour code is still caught whole.
    const plain = raw.replace(/\x1b\[[0-9;]*m/g, '');
    const text = scrubbed(plain, scrub).replace(/\d{4}-\d\d-\d\dT[\d:.]+Z?/g, ' ');
    const seen = new Set<string>();
    for (const v of views(text)) grams(v, seen);
    const rawViews = views(plain);
    // Each secret's first window, looked up before a search of the whole output for the secret (a
    // thousand secrets times megabytes of SARIF was most of the test's time).
    const rawSeen = new Set<string>();
    for (const v of rawViews) grams(v, rawSeen);
    for (const p of secrets) {
      // The whole secret, checked first and without any allowance.
      const maybe = p.secret.length < WINDOW || rawSeen.has(p.secret.slice(0, WINDOW));
      if (maybe && rawViews.some((v) => v.includes(p.secret))) leaks.push({ run, where, rule: p.label, window: '(whole secret)' });
      for (const w of leakWindows(p)) {
        if (seen.has(w) && !benignGrams.has(w)) leaks.push({ run, where, rule: p.label, window: w });
      }
    }
  }
  return leaks;
}
