/**
 * The detection engine: fragments + compiled rules -> findings. Pure: no file, git or network I/O.
 *
 * Order of work per fragment: one Aho–Corasick pass for all rules' keywords; for each rule with a hit,
 * its regex over the lines around the hits (or the whole text for multiline rules); then secret group,
 * entropy, checksum validator, the rule's allowlists, the global hard-negative filters, inline
 * `secret-sweep:allow` markers, and finally one finding per span (the most specific rule wins).
 */
import { RE2 } from './re2.js';
import { crlfAwareEnds } from './line-end.js';
import type { Finding } from '../findings/finding.js';
import { attachSecret, secretOf } from '../findings/finding.js';
import { decodeCandidates, mayHoldEncoded, type DecodedCandidate } from './decode.js';
import { fingerprint, DEFAULT_SALT } from '../findings/fingerprint.js';
import { redact } from '../findings/redact.js';
import type { RuleSpec } from '../rules/rule.js';
import type { Fragment, FragmentWindow } from '../sources/source.js';
import { KeywordMatcher } from './aho-corasick.js';
import { shannonEntropy } from './entropy.js';
import { hardNegativeReason, inlineAllowMarker } from './hard-negatives.js';
import { VALIDATORS } from './validators.js';
import { LineBounds, LineIndex, WindowBuilder } from './line-index.js';
import { dedupeSpans } from './dedupe.js';
import { assignmentKey } from './assignment-key.js';
import { literalsTest, requiredLiterals } from './required-literals.js';

export interface DetectorOptions {
  /** Extra allowlist from the user's config, applied to every rule. */
  allowlist?: { regexes?: string[]; stopwords?: string[]; /** Regexes on the file path (gitleaks `allowlist.paths`). */ paths?: string[] };
  /** Fingerprint salt (config `fingerprint_salt`). */
  salt?: string;
  /**
   * Inline allow markers (`secret-sweep:allow`, ...): 'honour' drops what they mark (the default),
   * 'report' keeps it as a finding with `suppressed` set (the scan lists suppressions apart from findings),
   * 'off' ignores the markers (config `inline_allow: false`).
   */
  inlineAllow?: 'honour' | 'report' | 'off';
  /** Generic rules skip lock files and bundles by their path (default true); gate modes pass false (hard-negatives.ts). */
  pathExclusions?: boolean;
  /** Called with the reason whenever a candidate is dropped (rule tests, --debug). */
  onDrop?: (ruleId: string, reason: string) => void;
  /**
   * Fingerprints accepted by a baseline (--baseline). Their findings are dropped here, after the
   * most-specific-rule choice, and do not count against `detectUpTo`'s limit: a file holding a thousand
   * accepted findings still has its new one found (the findings cap counts only what is reported).
   */
  accepted?: ReadonlySet<string>;
}

interface CompiledAllowlist {
  regexes: RE2[];
  target: 'secret' | 'line' | 'match' | 'context';
  stopwords: string[];
  paths: RE2[];
  /** `condition: and`: every criterion given must hold (default: any one). */
  and: boolean;
}

interface CompiledRule {
  spec: RuleSpec;
  /** Compiled on first use: most rules never see a keyword hit in a small scan. */
  readonly re: RE2;
  readonly path?: RE2;
  readonly allow: CompiledAllowlist[];
  /** Whether the rule applies to a file at this path (true without a `path`). */
  appliesTo(path: string): boolean;
  /** False for a text that cannot hold a match (it lacks literals every match has); undefined: no test. */
  readonly holdsLiterals: ((text: string) => boolean) | undefined;
  generic: boolean;
  /** The rule finds a URL's password (its `migrate.grouping` says so): example hosts judge its values. */
  urlRule: boolean;
  validator?: (s: string) => boolean;
}

export interface Detector {
  detect(fragment: Fragment): Finding[];
  /**
   * `detect`, for callers that keep only the first `limit` findings of an input (findings-cap.ts): each
   * rule stops after `limit` findings in the fragment (in its window's own part), so a text holding a
   * million credential-shaped strings costs `limit` findings per rule, not a million. `complete` is false
   * when some rule stopped: there may be more findings than returned.
   */
  detectUpTo(fragment: Fragment, limit: number): { findings: Finding[]; complete: boolean };
  /**
   * False when raw text bytes at this path cannot yield a finding: no rule keyword occurs in them and no
   * keyword-less rule applies to the path. Lets byte sources skip decoding most blobs. UTF-8 or any
   * ASCII-compatible encoding; callers pass UTF-16 content to `detect` directly.
   */
  mayMatch(bytes: Uint8Array, path: string): boolean;
  readonly rules: RuleSpec[];
}

/** The secret starts with one of its rule's keywords (`AKIA…` for `akia`): a token that says what it is (hard-negatives.ts). */
function selfNamed(keywords: readonly string[], secret: string): boolean {
  if (keywords.length === 0) return false;
  const lower = secret.slice(0, 32).toLowerCase();
  // Three letters (`aws`) start a random base64 ciphertext one time in 30,000; four, or a separator, do not.
  return keywords.some((k) => (k.length >= 4 || (k.length === 3 && /[^a-z0-9]/.test(k))) && lower.startsWith(k));
}

/** A context-only rule (a key name and a shape, no token format): the stricter hard negatives apply. */
export function isGenericRule(spec: Pick<RuleSpec, 'priority' | 'tags'>): boolean {
  return (spec.priority ?? 50) >= 90 || spec.tags.includes('generic');
}

/**
 * A rule's compiled parts, each made on first use: most rules never see a keyword hit in a small scan. A
 * class (its getters on the prototype), not an object literal with getters: that was ~1 kB of closures and
 * accessors per rule, a megabyte for the built-in rules at every detector's start, mostly young garbage
 * collection copied.
 */
class LazyCompiledRule implements CompiledRule {
  readonly generic: boolean;
  readonly urlRule: boolean;
  readonly validator: ((s: string) => boolean) | undefined;
  private compiledRe: RE2 | undefined;
  private compiledPath: RE2 | null | undefined;
  private compiledAllow: CompiledAllowlist[] | undefined;
  private literals: ((text: string) => boolean) | null | undefined;
  // The path test: literals every matching path holds first (most paths lack them; an RE2 call per file
  // and rule cost more), and the last answer kept (a fragment's decoded texts ask again for its path).
  private pathLiterals: ((path: string) => boolean) | null | undefined;
  private lastPath: string | undefined;
  private lastApplies = false;

  constructor(readonly spec: RuleSpec) {
    this.generic = isGenericRule(spec);
    this.urlRule = spec.migrate?.grouping === 'uri' || spec.migrate?.grouping === 'database-uri';
    this.validator = spec.validator ? VALIDATORS[spec.validator] : undefined;
  }

  get re(): RE2 {
    this.compiledRe ??= new RE2(crlfAwareEnds(this.spec.regex), 'gmd');
    return this.compiledRe;
  }

  get path(): RE2 | undefined {
    if (this.compiledPath === undefined) this.compiledPath = this.spec.path ? new RE2(this.spec.path) : null;
    return this.compiledPath ?? undefined;
  }

  get allow(): CompiledAllowlist[] {
    this.compiledAllow ??= (this.spec.allowlist ?? []).map((a) => ({
      regexes: (a.regexes ?? []).map((r) => new RE2(crlfAwareEnds(r))),
      target: a.target ?? 'secret',
      stopwords: a.stopwords ?? [],
      paths: (a.paths ?? []).map((r) => new RE2(r)),
      and: a.condition === 'and',
    }));
    return this.compiledAllow;
  }

  get holdsLiterals(): ((text: string) => boolean) | undefined {
    if (this.literals === undefined) {
      const req = requiredLiterals(this.spec.regex);
      this.literals = req ? literalsTest(req) : null;
    }
    return this.literals ?? undefined;
  }

  appliesTo(p: string): boolean {
    if (!this.spec.path) return true;
    if (p === this.lastPath) return this.lastApplies;
    if (this.pathLiterals === undefined) {
      const req = requiredLiterals(this.spec.path);
      this.pathLiterals = req ? literalsTest(req) : null;
    }
    this.lastApplies = (this.pathLiterals === null || this.pathLiterals(p)) && this.path!.test(p);
    this.lastPath = p;
    return this.lastApplies;
  }
}

/**
 * Lines longer than this (minified files, hostile input) are cut to LONG_LINE characters either side of
 * the secret for the per-candidate line checks (hard negatives, inline markers, assignment key, the line
 * attached to the finding). Without the cut, every candidate on a multi-megabyte line re-scanned the whole
 * line: quadratic time, and the whole line copied per finding to and from worker threads.
 * A cut line is still longer than 1000 characters, so the "minified line" judgement is unchanged.
 */
const LONG_LINE = 4096;
/** Decoded candidates that read text again in place (a notebook's joined strings, a line with glued bytes blanked): their findings may twin one found as read. */
const REREAD: ReadonlySet<string | undefined> = new Set(['notebook', 'glued', 'concat']);

/** The line a span starts on, cut around the span when very long, and the offset where that text starts. */
function lineAround(text: string, lines: LineIndex, lineNo: number, start: number, end: number): [string, number] {
  const ls = lines.startOf(lineNo);
  const le = lines.endOf(lineNo);
  if (le - ls <= 2 * LONG_LINE) return [lines.lineText(lineNo), ls];
  const from = Math.max(ls, start - LONG_LINE);
  return [text.slice(from, Math.min(le, Math.max(start, end) + LONG_LINE)), from];
}

/** The line before (for "allow next line" comment markers), only its head when very long. */
function previousLine(text: string, lines: LineIndex, lineNo: number): string | undefined {
  if (lineNo <= 1) return undefined;
  const ls = lines.startOf(lineNo - 1);
  return text.slice(ls, Math.min(lines.endOf(lineNo - 1), ls + 2 * LONG_LINE));
}

function lazyLines(text: string): () => LineIndex {
  let index: LineIndex | undefined;
  return () => (index ??= new LineIndex(text));
}

/** Line bounds around keyword hits, from the index when there is one (see LineBounds). */
function lazyBounds(text: string, lines: () => LineIndex): () => LineBounds {
  let bounds: LineBounds | undefined;
  return () => (bounds ??= new LineBounds(text, lines));
}

/** Lines of context either side of a keyword hit that a single-line rule's regex sees. */
const WINDOW_LINES = 1;

/**
 * `detectUpTo`'s limit: findings per rule, counting only those the fragment reports (secret starting in
 * [from, to) of the text, on one of `only` lines when given); `hit` once a rule stopped.
 */
interface Budget {
  perRule: number;
  from: number;
  to: number;
  only?: Set<number>;
  lineShift: number;
  hit: boolean;
}

const counts = (b: Budget, f: Finding, accepted: ReadonlySet<string> | undefined): boolean =>
  f.start >= b.from && f.start < b.to && (!b.only || onOnly(b.only, f, b.lineShift)) && !accepted?.has(f.fingerprint);

/**
 * Whether any line of a finding is one of `only` (--staged's added lines): a multi-line secret (a PEM key
 * whose body the commit fills in under an unchanged BEGIN line) is new when any of its lines is.
 */
function onOnly(only: Set<number>, f: Finding, shift: number): boolean {
  for (let l = f.line; l <= f.endLine; l++) if (only.has(l + shift)) return true;
  return false;
}

/** Whether any line of text[ws, we) is one of `budget.only` (numbered in the whole input). */
function holdsOnly(budget: Budget, lines: LineIndex, ws: number, we: number): boolean {
  const last = lines.lineOf(Math.max(ws, we - 1));
  for (let l = lines.lineOf(ws); l <= last; l++) if (budget.only!.has(l + budget.lineShift)) return true;
  return false;
}

/** Characters per keyword-scan block (the hit buffer holds at most one block's hits). */
const KEYWORD_BLOCK = 1 << 16;

/**
 * Findings of one window of a larger input (`Fragment.window`): only those whose secret starts in the
 * window's own part are kept (the others belong to a neighbour that sees them with full context), moved
 * to offsets, lines and columns of the whole input.
 */
function placeInWhole(findings: Finding[], w: FragmentWindow): Finding[] {
  const out: Finding[] = [];
  for (const f of findings) {
    if (f.start < w.from || f.start >= w.to) continue;
    if (f.line === 1) f.column += w.column - 1;
    if (f.endLine === 1) f.endColumn += w.column - 1;
    f.line += w.line - 1;
    f.endLine += w.line - 1;
    f.start += w.offset;
    f.end += w.offset;
    out.push(f);
  }
  return out;
}

/**
 * Each keyword and the indexes of the rules that list it, keywords in first-seen order: the order is the
 * keyword automaton's, so the automaton built ahead for the built-in rules (rules/built-automaton.ts)
 * is found for them.
 */
export function keywordIndex(specs: readonly Pick<RuleSpec, 'keywords'>[]): Map<string, number[]> {
  const index = new Map<string, number[]>();
  for (let i = 0; i < specs.length; i++) {
    for (const k of specs[i]!.keywords) {
      const l = index.get(k);
      // Rules come in order: a rule already listed for this keyword is the last one (it names it twice).
      if (l === undefined) index.set(k, [i]);
      else if (l[l.length - 1] !== i) l.push(i);
    }
  }
  return index;
}

/** Whether one of the entry's regexes matches its target: the secret (default), its line, the whole match or the context. */
function regexAllows(a: CompiledAllowlist, secret: string, match: string, line: string, context: () => string): boolean {
  if (a.regexes.length === 0) return false;
  const target = a.target === 'line' ? line : a.target === 'match' ? match : a.target === 'context' ? context() : secret;
  return a.regexes.some((re) => re.test(target));
}

function holdsStopword(a: CompiledAllowlist, secret: string): boolean {
  if (a.stopwords.length === 0) return false;
  const lower = secret.toLowerCase();
  return a.stopwords.some((w) => lower.includes(w));
}

/**
 * Detectors made for a rule list and an options object, by identity. A scan asks more than once for the
 * same pair (a history's main-thread lane, then its commit messages): the second gets the first, with the
 * regexes it compiled. Made anew, it compiled them again (CPU, and a second set of RE2 programs and DFA
 * caches held at once: the end of a history scan was its peak RSS).
 */
const made = new WeakMap<readonly RuleSpec[], WeakMap<DetectorOptions, Detector>>();

export function createDetector(specs: RuleSpec[], options?: DetectorOptions): Detector {
  if (!options) return buildDetector(specs, {});
  let byOptions = made.get(specs);
  if (!byOptions) made.set(specs, (byOptions = new WeakMap()));
  let d = byOptions.get(options);
  if (!d) byOptions.set(options, (d = buildDetector(specs, options)));
  return d;
}

function buildDetector(specs: RuleSpec[], options: DetectorOptions): Detector {
  const rules: CompiledRule[] = specs.map((spec) => new LazyCompiledRule(spec));
  const salt = options.salt ?? DEFAULT_SALT;
  const globalRegexes = (options.allowlist?.regexes ?? []).map((r) => new RE2(crlfAwareEnds(r)));
  const globalStopwords = (options.allowlist?.stopwords ?? []).map((s) => s.toLowerCase());
  const globalPaths = (options.allowlist?.paths ?? []).map((r) => new RE2(r));
  const drop = options.onDrop ?? (() => {});
  const inlineMode = options.inlineAllow ?? 'honour';
  /** The suppression an inline marker puts on a candidate ('' when none applies), or undefined to drop it. */
  function inlineSuppression(ruleId: string, line: string, previous: () => string | undefined): string | undefined {
    if (inlineMode === 'off') return '';
    const marker = inlineAllowMarker(line, previous());
    if (marker === undefined) return '';
    if (inlineMode === 'report') return `inline allow marker "${marker}"`;
    drop(ruleId, 'inline allow marker');
    return undefined;
  }
  const accepted = options.accepted?.size ? options.accepted : undefined;

  // Keyword id -> rule indexes; rules without keywords always run.
  const kwIndex = keywordIndex(specs);
  const alwaysRun: number[] = [];
  rules.forEach((r, i) => {
    if (r.spec.keywords.length === 0) alwaysRun.push(i);
  });
  const keywords = [...kwIndex.keys()];
  const matcher = new KeywordMatcher(keywords);
  // Accepting automaton state -> the rules any of its keywords belong to (deduplicated), worked out for a
  // state when a hit first ends in it: a small scan meets a few of the ~9,000 states (a pass over all of
  // them was a tenth of a pre-commit run's detector set-up).
  const stateRules: Array<number[] | undefined> = new Array(matcher.outputs.length);
  const rulesOfState = (state: number): number[] => {
    const kwIds = matcher.outputs[state]!;
    return (stateRules[state] = kwIds.length === 1 ? kwIndex.get(keywords[kwIds[0]!]!)! : [...new Set(kwIds.flatMap((k) => kwIndex.get(keywords[k]!)!))]);
  };
  const keywordlessEverywhere = alwaysRun.some((ri) => !rules[ri]!.spec.path);

  // What a path alone decides, cached: a history scan meets the same paths in blob after blob, and
  // testing each path-scoped keyword-less rule's RE2 per blob cost a tenth of the prefilter's time.
  const pathVerdicts = new Map<string, 'skip' | 'scan' | 'keywords'>();
  function pathVerdict(path: string): 'skip' | 'scan' | 'keywords' {
    let v = pathVerdicts.get(path);
    if (v === undefined) {
      if (globalPaths.length && globalPaths.some((re) => re.test(path))) v = 'skip';
      else if (keywordlessEverywhere || alwaysRun.some((ri) => rules[ri]!.path!.test(path))) v = 'scan';
      else v = keywords.length === 0 ? 'skip' : 'keywords';
      if (pathVerdicts.size >= 100_000) pathVerdicts.clear();
      pathVerdicts.set(path, v);
    }
    return v;
  }

  function mayMatch(bytes: Uint8Array, path: string): boolean {
    const v = pathVerdict(path);
    if (v !== 'keywords') return v === 'scan';
    // The automaton itself over the raw bytes, stopping at the first hit: a blob it passes is one the
    // text scan finds a keyword in. (An RE2 alternation of the keywords, used before, built its DFA
    // anew in every process: ~130 ms of a requests history scan before it ran at full speed.)
    if (keywords.length > 0 && matcher.anyIn(bytes)) return true;
    const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // Encoded text (JSON escapes, %-encoding, base64 in known places) is decoded and scanned whatever
    // keywords the raw bytes hold: the tree scan does so, and every mode must find the same.
    return mayHoldEncoded(buf);
  }

  function allowedByRule(r: CompiledRule, secret: string, match: string, line: string, path: string, context: () => string): string | undefined {
    for (const a of r.allow) {
      if (a.and) {
        // `condition: and`: every criterion the entry gives must hold.
        if (
          (a.paths.length === 0 || a.paths.some((p) => p.test(path))) &&
          (a.regexes.length === 0 || regexAllows(a, secret, match, line, context)) &&
          (a.stopwords.length === 0 || holdsStopword(a, secret))
        )
          return 'rule allowlist: all of path, regex, stopword';
        continue;
      }
      if (a.paths.some((p) => p.test(path))) return 'rule allowlist: path';
      if (regexAllows(a, secret, match, line, context)) return 'rule allowlist: regex';
      if (holdsStopword(a, secret)) return 'rule allowlist: stopword';
    }
    return undefined;
  }

  function detect(fragment: Fragment): Finding[] {
    return detectUpTo(fragment, Infinity).findings;
  }

  function detectUpTo(fragment: Fragment, limit: number): { findings: Finding[]; complete: boolean } {
    const w = fragment.window;
    const budget: Budget = { perRule: limit, from: w?.from ?? 0, to: w?.to ?? Infinity, only: fragment.onlyLines, lineShift: w ? w.line - 1 : 0, hit: false };
    const findings = detectAll(fragment, budget);
    return { findings, complete: !budget.hit };
  }

  function detectAll(fragment: Fragment, budget: Budget): Finding[] {
    const path = fragment.provenance.path;
    if (globalPaths.length && globalPaths.some((re) => re.test(path))) return [];
    // One line index per fragment, built only if a candidate needs line numbers; shared by every step
    // below. Windows around keyword hits are found without it (LineBounds).
    const lines = lazyLines(fragment.text);
    const bounds = lazyBounds(fragment.text, lines);
    const hot = new WindowBuilder(bounds, 0);
    const found = detectText(fragment.text, path, lines, bounds, hot, budget);
    // Secrets inside encoded text (base64, URL-encoding, JSON escapes), reported at the encoded span.
    const decoded = decodeCandidates(fragment.text, hot.windows());
    if (decoded.length) {
      for (const c of decoded) {
        // Reported over the lines of the encoded span: none of them one of `only` (--staged), nothing to keep.
        // Any line counts (a continuation `"ghp_…\` newline `…"` whose second line alone is added).
        if (budget.only && !holdsOnly(budget, lines(), c.start, c.end)) continue;
        const innerLines = lazyLines(c.text);
        for (const inner of detectText(c.text, path, innerLines, lazyBounds(c.text, innerLines))) {
          if ((c.encoding === 'url' || c.encoding === 'json-escape') && foundAsWritten(found, inner, c)) continue;
          // A glued-bytes line keeps its length: the finding goes where it is, not over the whole line
          // (a line-wide span would outrank the other findings on that line in dedupeSpans).
          const moved = relocate(inner, c.encoding === 'glued' ? { ...c, start: c.start + inner.start, end: c.start + inner.end } : c, lines(), fragment.text);
          if (moved) found.push(moved);
        }
      }
    }
    const { only, lineShift } = budget;
    const all = decoded.some((c) => REREAD.has(c.encoding)) ? withoutRereadTwins(found) : found;
    const kept = only ? all.filter((f) => onOnly(only, f, lineShift)) : all;
    // The baseline after the choice between overlapping rules (an accepted specific finding must not let
    // a generic one on the same span through as new), before the caller's findings cap.
    // Accepted ones are marked, not dropped: they do not count against the findings cap, and the scan
    // removes them at the end and says how many there were.
    const chosen = dedupeSpans(kept);
    if (accepted) for (const f of chosen) if (accepted.has(f.fingerprint)) f.baselined = true;
    return fragment.window ? placeInWhole(chosen, fragment.window) : chosen;
  }

  /**
   * A notebook array's joined text repeats what its strings hold whole, and a line read again with glued
   * bytes blanked (glued-bytes.ts) what the line shows as it is: a secret the same rule also found inside
   * or across that span (as written, or decoded otherwise: a JSON string around it) is kept there, not twice.
   */
  function withoutRereadTwins(found: Finding[]): Finding[] {
    const joined = found.filter((f) => REREAD.has(f.decodedFrom));
    if (joined.length === 0) return found;
    const twin = (n: Finding) => found.some((f) => f !== n && !REREAD.has(f.decodedFrom) && f.rule === n.rule && f.start < n.end && f.end > n.start && secretOf(f) === secretOf(n));
    const drop = new Set(joined.filter(twin));
    return drop.size ? found.filter((f) => !drop.has(f)) : found;
  }

  /**
   * This secret was already found as written inside the encoded span: by the same rule, percent-escapes and
   * all (`mongodb://app:Xk7%23Lp@…`), or, in a JSON string, by any rule, its `\\n` included when it ran
   * into the end of a notebook source line (`"KEY=Xk7…\\n",`; migrate cuts it there): the decoded copy
   * would be a second finding of one secret on one line.
   */
  function foundAsWritten(found: Finding[], inner: Finding, c: DecodedCandidate): boolean {
    const secret = secretOf(inner);
    const asRead = c.encoding === 'url' ? percentDecoded : (v: string) => jsonUnescaped(v)?.trimEnd();
    return found.some((f) => (c.encoding !== 'url' || f.rule === inner.rule) && f.decodedFrom === undefined
      && f.start >= c.start && f.end <= c.end && asRead(secretOf(f)) === secret);
  }

  const jsonUnescaped = (v: string): string | undefined => {
    if (!v.includes('\\')) return v;
    try { return JSON.parse(`"${v}"`) as string; } catch { return undefined; }
  };

  const percentDecoded = (v: string): string | undefined => {
    try { return decodeURIComponent(v); } catch { return undefined; }
  };

  /** A finding from decoded text, moved to the encoded span it came from. */
  function relocate(inner: Finding, c: DecodedCandidate, lines: LineIndex, text: string): Finding | undefined {
    const line = lines.lineOf(c.start);
    const endLine = lines.lineOf(Math.max(c.start, c.end - 1));
    const f: Finding = {
      ...inner,
      line,
      column: c.start - lines.startOf(line) + 1,
      endLine,
      endColumn: Math.max(c.start, c.end - 1) - lines.startOf(endLine) + 1,
      start: c.start,
      end: c.end,
      decodedFrom: c.encoding,
    };
    const [lineText] = lineAround(text, lines, line, c.start, c.end);
    const suppressed = inlineSuppression(inner.rule, lineText, () => previousLine(text, lines, line));
    if (suppressed === undefined) return undefined;
    if (suppressed) f.suppressed = suppressed;
    return attachSecret(f, secretOf(inner), lineText.length > 0 ? lineText : text.slice(c.start, c.end));
  }

  /** Findings in one text; `hot`, when given, collects the line of every keyword hit. */
  function detectText(text: string, path: string, linesOf: () => LineIndex, boundsOf: () => LineBounds, hot?: WindowBuilder, budget?: Budget): Finding[] {
    // Which rules have keyword hits, and the lines around them (null: the whole text). The windows are
    // merged as the hits arrive and the scan runs in blocks, so memory follows the number of hit lines,
    // not the number of hits (a 100 MB line holding millions of keywords kept every offset, several times).
    const hits = new Map<number, WindowBuilder | null>();
    for (let from = 0, state = 0; from < text.length; from += KEYWORD_BLOCK) {
      const scanned = matcher.scanStates(text, from, Math.min(text.length, from + KEYWORD_BLOCK), state);
      state = scanned.state;
      const raw = scanned.hits;
      for (let k = 0; k < scanned.length; k += 2) {
        const end = raw[k + 1]!;
        hot?.add(end);
        const state = raw[k]!;
        for (const ri of stateRules[state] ?? rulesOfState(state)) {
          let w = hits.get(ri);
          if (w === undefined) hits.set(ri, (w = rules[ri]!.spec.multiline ? null : new WindowBuilder(boundsOf, WINDOW_LINES)));
          w?.add(end);
        }
      }
    }
    for (const ri of alwaysRun) if (rules[ri]!.appliesTo(path)) hits.set(ri, null);
    if (hits.size === 0) return [];

    const found: Finding[] = [];
    for (const [ri, positions] of hits) {
      const r = rules[ri]!;
      if (!r.appliesTo(path)) continue;
      const windows = positions === null ? [[0, text.length] as const] : positions.windows();
      let counted = 0;
      const holdsLiterals = r.holdsLiterals;
      scan: for (const [ws, we] of windows) {
        // A finding's line is within its window: a window without one of `only` (--staged's added lines)
        // has nothing to report, and its rule's regex need not even be compiled.
        if (budget?.only && positions !== null && !holdsOnly(budget, linesOf(), ws, we)) continue;
        const slice = ws === 0 && we === text.length ? text : text.slice(ws, we);
        // Most windows opened by a common keyword lack the rule's stronger literals: no regex run there.
        if (holdsLiterals && !holdsLiterals(slice)) continue;
        r.re.lastIndex = 0;
        let m: RegExpExecArray | null;
        while ((m = r.re.exec(slice)) !== null) {
          if (m[0].length === 0) { r.re.lastIndex++; continue; }
          const f = candidate(r, m, ws, text, linesOf, path);
          if (!f) continue;
          found.push(f);
          if (budget && counts(budget, f, accepted) && ++counted >= budget.perRule) {
            budget.hit = true;
            break scan;
          }
        }
      }
    }
    return found;
  }

  /**
   * The name a rule's `key` group read on a line before the secret's (`variable "db_password" {` above
   * `default = "…"`): the line alone would name the value after the block's field (`default`), not the block.
   */
  function headerKey(span: [number, number] | undefined, base: number, lineStart: number, text: string): string | undefined {
    if (!span || base + span[1] > lineStart) return undefined;
    const key = text.slice(base + span[0], base + span[1]);
    return /^[A-Za-z_][A-Za-z0-9_.-]{0,99}$/.test(key) ? key : undefined;
  }

  function candidate(r: CompiledRule, m: RegExpExecArray, base: number, text: string, linesOf: () => LineIndex, path: string): Finding | undefined {
    const spec = r.spec;
    const g = spec.secret_group ?? 0;
    const idx = (m as unknown as { indices: (Array<[number, number] | undefined> & { groups?: Record<string, [number, number] | undefined> }) }).indices;
    const span = typeof g === 'string' ? idx.groups?.[g] : idx[g];
    if (!span) return undefined;
    const start = base + span[0];
    const end = base + span[1];
    const secret = text.slice(start, end);
    if (secret.trim().length === 0) return undefined;
    const entropy = shannonEntropy(secret);
    if (spec.entropy !== undefined && entropy < spec.entropy) { drop(spec.id, `entropy ${entropy.toFixed(2)} < ${spec.entropy}`); return undefined; }
    let verified: boolean | undefined;
    if (r.validator) {
      if (!r.validator(secret)) { drop(spec.id, 'validator failed'); return undefined; }
      verified = true;
    }
    const lines = linesOf();
    const lineNo = lines.lineOf(start);
    const [lineText, lineBase] = lineAround(text, lines, lineNo, start, end);
    const context = () => text.slice(Math.max(lines.startOf(Math.max(1, lineNo - 6)), start - LONG_LINE), Math.min(lines.endOf(Math.min(lines.count, lineNo + 6)), end + LONG_LINE));
    const ruleAllow = allowedByRule(r, secret, m[0], lineText, path, context);
    if (ruleAllow) { drop(spec.id, ruleAllow); return undefined; }
    if (!spec.skip_global_allowlist) {
      const why = hardNegativeReason({ secret, line: lineText, at: start - lineBase, path, generic: r.generic, urlRule: r.urlRule, selfNamed: !r.generic && selfNamed(spec.keywords, secret), byPath: options.pathExclusions });
      if (why) { drop(spec.id, why); return undefined; }
    }
    const lower = secret.toLowerCase();
    if (globalStopwords.some((w) => lower.includes(w))) { drop(spec.id, 'config stopword'); return undefined; }
    if (globalRegexes.some((re) => re.test(secret))) { drop(spec.id, 'config allowlist regex'); return undefined; }
    const suppressed = inlineSuppression(spec.id, lineText, () => previousLine(text, lines, lineNo));
    if (suppressed === undefined) return undefined;
    const endLine = lines.lineOf(Math.max(start, end - 1));
    const f: Finding = {
      rule: spec.id,
      description: spec.description,
      file: path,
      line: lineNo,
      column: start - lines.startOf(lineNo) + 1,
      endLine,
      endColumn: Math.max(start, end - 1) - lines.startOf(endLine) + 1,
      start,
      end,
      redacted: redact(secret),
      fingerprint: fingerprint(spec.id, secret, salt),
      entropy: Math.round(entropy * 100) / 100,
      tags: spec.tags,
      severity: spec.severity ?? 'high',
    };
    const key = headerKey(idx.groups?.key, base, lines.startOf(lineNo), text) ?? assignmentKey(lineText, start - lineBase);
    if (key) f.key = key;
    if (verified) f.verifiedChecksum = true;
    if (suppressed) f.suppressed = suppressed;
    (f as Finding & { priority?: number }).priority = spec.priority ?? 50;
    return attachSecret(f, secret, lineText);
  }

  return { detect, detectUpTo, mayMatch, rules: specs };
}
