/**
 * What every match of a rule's regex must contain, worked out from the regex itself (the idea of RE2's
 * prefilter): a list of literal sets, and a match holds at least one string of each set. A window of text
 * that fails the test cannot hold a match, so the detector skips the regex there: the findings are the
 * same, and a keyword that occurs on most lines of code (`auth`, `token`) no longer costs a regex run on
 * each of them unless the rule's stronger literals (`auth_token`, `://...@`) are there too.
 *
 * Conservative by construction: any syntax this parser does not fully understand gives no filter at all.
 * A regex with a case-insensitive part is tested case-insensitively as a whole (a superset).
 */

/** Strings per exact set before it is turned into a requirement (cross products grow fast). */
const MAX_EXACT = 64;
/** Requirements kept per rule (the most selective: longest shortest string). */
const MAX_SETS = 3;

interface Info {
  /** Every string the node can match, when few and short enough to list; null when unknown. */
  exact: Set<string> | null;
  /** Literal sets a match of the node must each hit. */
  req: Set<string>[];
}

class Unsupported extends Error {}

const anyInfo = (): Info => ({ exact: null, req: [] });
const exactInfo = (...s: string[]): Info => ({ exact: new Set(s), req: [] });

/** A set worth testing: no empty string (always satisfied). */
function useful(s: Set<string>): boolean {
  for (const x of s) if (x.length === 0) return false;
  return s.size > 0;
}

/** The node's whole information as requirements only (exact folded in). */
function asReq(i: Info): Set<string>[] {
  const out = [...i.req];
  if (i.exact && useful(i.exact)) out.push(i.exact);
  return out;
}

/** The one set an alternative stands for in an alternation: its most selective requirement. */
function bestSet(i: Info): Set<string> | undefined {
  let best: Set<string> | undefined;
  let score = -1;
  for (const s of asReq(i)) {
    let min = Infinity;
    for (const x of s) min = Math.min(min, x.length);
    if (min > score) {
      score = min;
      best = s;
    }
  }
  return best;
}

function alternate(alts: Info[]): Info {
  if (alts.every((a) => a.exact)) {
    const ex = new Set<string>();
    for (const a of alts) for (const x of a.exact!) ex.add(x);
    if (ex.size <= MAX_EXACT) return { exact: ex, req: [] };
  }
  // A match of the alternation matches one alternative: it holds one of the alternatives' chosen sets.
  const union = new Set<string>();
  for (const a of alts) {
    const s = bestSet(a);
    if (!s) return anyInfo();
    for (const x of s) union.add(x);
  }
  return { exact: null, req: [union] };
}

class Parser {
  private i = 0;
  caseless = false;
  constructor(private readonly src: string) {}

  parse(): Info {
    const r = this.alternation();
    if (this.i !== this.src.length) throw new Unsupported('trailing');
    return r;
  }

  private peek(): string | undefined {
    return this.src[this.i];
  }

  private alternation(): Info {
    const alts = [this.sequence()];
    while (this.peek() === '|') {
      this.i++;
      alts.push(this.sequence());
    }
    return alts.length === 1 ? alts[0]! : alternate(alts);
  }

  /**
   * A concatenation: runs of atoms with exact sets multiply out into one literal run; an atom without
   * one (or a product too large) ends the run, which becomes a requirement, and the sequence as a whole
   * no longer has an exact set.
   */
  private sequence(): Info {
    let run = new Set(['']);
    const req: Set<string>[] = [];
    let whole = true;
    while (this.i < this.src.length && this.peek() !== '|' && this.peek() !== ')') {
      const atom = this.quantified();
      if (!atom) continue;
      req.push(...atom.req);
      if (atom.exact && run.size * atom.exact.size <= MAX_EXACT) {
        const next = new Set<string>();
        for (const x of run) for (const y of atom.exact) next.add(x + y);
        run = next;
        continue;
      }
      whole = false;
      if (useful(run)) req.push(run);
      run = atom.exact ?? new Set(['']);
    }
    if (whole) return { exact: run, req };
    if (useful(run)) req.push(run);
    return { exact: null, req };
  }

  private quantified(): Info | undefined {
    const atom = this.atom();
    if (atom === undefined) return undefined;
    const c = this.peek();
    let min: number;
    let max: number;
    if (c === '*' || c === '+' || c === '?') {
      this.i++;
      min = c === '+' ? 1 : 0;
      max = c === '?' ? 1 : Infinity;
    } else if (c === '{' && /^\{\d+(,\d*)?\}/.test(this.src.slice(this.i))) {
      const m = /^\{(\d+)(?:(,)(\d*))?\}/.exec(this.src.slice(this.i))!;
      this.i += m[0].length;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    } else return atom;
    if (this.peek() === '?') this.i++; // lazy: same strings
    if (min === 0) {
      if (max === 1 && atom.exact && atom.exact.size < MAX_EXACT) return { exact: new Set([...atom.exact, '']), req: [] };
      return anyInfo();
    }
    if (min === 1 && max === 1) return atom;
    // At least one copy: its requirements hold.
    return { exact: null, req: asReq(atom) };
  }

  /** One atom, or undefined for a flag group that matches nothing (`(?i)`). */
  private atom(): Info | undefined {
    const c = this.src[this.i++];
    switch (c) {
      case '(':
        return this.group();
      case '[':
        return this.charClass();
      case '.':
        return anyInfo();
      case '^':
      case '$':
        return exactInfo('');
      case '\\':
        return this.escape();
      case '*':
      case '+':
      case '?':
      case '{':
      case ')':
      case undefined:
        throw new Unsupported(`unexpected ${c}`);
      default:
        return this.literal(c);
    }
  }

  private literal(c: string): Info {
    if (c.charCodeAt(0) >= 128) throw new Unsupported('non-ASCII literal');
    return exactInfo(c);
  }

  private group(): Info | undefined {
    if (this.peek() === '?') {
      this.i++;
      const m = /^(?:P?<[A-Za-z_][A-Za-z0-9_]*>|([imsU-]*)(:|\)))/.exec(this.src.slice(this.i));
      if (!m) throw new Unsupported('group syntax');
      this.i += m[0].length;
      if (m[1] !== undefined) {
        const flags = m[1];
        if (flags.includes('-')) throw new Unsupported('flag clearing');
        if (flags.includes('i')) this.caseless = true;
        if (m[2] === ')') return undefined;
      }
    }
    const inner = this.alternation();
    if (this.src[this.i++] !== ')') throw new Unsupported('unclosed group');
    return inner;
  }

  /** A class of at most 4 ASCII characters gives them as an exact set; larger classes give nothing. */
  private charClass(): Info {
    const chars = new Set<string>();
    let big = false;
    if (this.peek() === '^') {
      big = true;
      this.i++;
    }
    let first = true;
    while (true) {
      if (this.i >= this.src.length) throw new Unsupported('unclosed class');
      if (this.peek() === ']' && !first) {
        this.i++;
        break;
      }
      first = false;
      const lo = this.classChar();
      if (lo === 'big') {
        big = true;
        continue;
      }
      if (this.peek() === '-' && this.src[this.i + 1] !== ']' && this.i + 1 < this.src.length) {
        this.i++;
        const hi = this.classChar();
        if (hi === 'big' || hi < lo) throw new Unsupported('range');
        if (hi - lo >= 4) big = true;
        else for (let k = lo; k <= hi; k++) chars.add(String.fromCharCode(k));
        continue;
      }
      chars.add(String.fromCharCode(lo));
    }
    if (big || chars.size > 4 || [...chars].some((x) => x.charCodeAt(0) >= 128)) return anyInfo();
    return { exact: chars, req: [] };
  }

  /** One character of a class (its code), or 'big' for a class escape such as \s. */
  private classChar(): number | 'big' {
    const c = this.src[this.i++]!;
    if (c === '[' && this.peek() === ':') throw new Unsupported('posix class');
    if (c !== '\\') return c.charCodeAt(0);
    const e = this.src[this.i++];
    if (e === undefined) throw new Unsupported('escape');
    if ('dDwWsS'.includes(e)) return 'big';
    const named: Record<string, number> = { n: 10, t: 9, r: 13, f: 12, v: 11 };
    if (named[e] !== undefined) return named[e]!;
    if (e === 'x') {
      const m = /^[0-9A-Fa-f]{2}/.exec(this.src.slice(this.i));
      if (!m) throw new Unsupported('\\x');
      this.i += 2;
      return parseInt(m[0], 16);
    }
    if (/[A-Za-z0-9]/.test(e)) throw new Unsupported(`class escape \\${e}`);
    return e.charCodeAt(0);
  }

  private escape(): Info {
    const e = this.src[this.i++];
    if (e === undefined) throw new Unsupported('escape');
    if (e === 'b' || e === 'B' || e === 'A' || e === 'z') return exactInfo('');
    if ('dDwWsS'.includes(e)) return anyInfo();
    if (e === 'n') return exactInfo('\n');
    if (e === 't') return exactInfo('\t');
    if (e === 'r') return exactInfo('\r');
    if (e === 'f') return exactInfo('\f');
    if (e === 'x') {
      const m = /^[0-9A-Fa-f]{2}/.exec(this.src.slice(this.i));
      if (!m) throw new Unsupported('\\x');
      this.i += 2;
      return this.literal(String.fromCharCode(parseInt(m[0], 16)));
    }
    if (/[A-Za-z0-9]/.test(e)) throw new Unsupported(`\\${e}`);
    return this.literal(e);
  }
}

export interface RequiredLiterals {
  /** Each set: a match holds at least one of its strings (lower-cased when `caseless`). */
  sets: string[][];
  caseless: boolean;
}

/**
 * Answers worked out ahead (rules/built-literals.ts, at build time, for the built-in rules' regexes): the
 * parse below runs cold in every process and thread, a fifth of a tree scan's start. Keyed by the regex
 * itself, so an answer is used only for the very regex it was worked out from; loaded on first use.
 */
/** Answers by regex: `undefined` for a regex it does not hold (or holds malformed), `null` for "nothing useful". */
export interface PrebuiltLiterals {
  get(regex: string): RequiredLiterals | null | undefined;
}

let prebuilt: { load: () => PrebuiltLiterals | undefined; map?: PrebuiltLiterals } | undefined;

export function offerPrebuiltLiterals(load: () => PrebuiltLiterals | undefined): void {
  prebuilt = { load };
}

/** What every match of `regex` (RE2 syntax) contains, or undefined when nothing useful is known. */
export function requiredLiterals(regex: string): RequiredLiterals | undefined {
  if (prebuilt) {
    prebuilt.map ??= prebuilt.load() ?? new Map();
    const known = prebuilt.map.get(regex);
    if (known !== undefined) return known ?? undefined;
  }
  return parseRequiredLiterals(regex);
}

/** `requiredLiterals` worked out from the regex (what the build stores ahead). */
export function parseRequiredLiterals(regex: string): RequiredLiterals | undefined {
  const p = new Parser(regex);
  let info: Info;
  try {
    info = p.parse();
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
  const sets = asReq(info)
    .filter(useful)
    .map((s) => [...new Set([...s].map((x) => (p.caseless ? x.toLowerCase() : x)))])
    // Most selective first: a long shortest string rarely occurs.
    .map((s) => ({ s, min: Math.min(...s.map((x) => x.length)) }))
    .sort((a, b) => b.min - a.min)
    .slice(0, MAX_SETS)
    .map((x) => x.s);
  return sets.length ? { sets, caseless: p.caseless } : undefined;
}

/** Non-ASCII characters whose Unicode simple case folding is an ASCII letter (s, k). */
const FOLDS_TO_ASCII = /[\u017f\u212a]/;

const escapeJs = (s: string) => s.replace(/[\\^$.|?*+()[\]{}/]/g, '\\$&');

/**
 * A test of a text against the requirements: V8 regexes of plain literal alternations (linear, no
 * backtracking to speak of). Case-insensitive ones use Unicode simple case folding ('iu'), as RE2's (?i)
 * does (the Kelvin sign matches "k").
 */
export function literalsTest(r: RequiredLiterals): (text: string) => boolean {
  const tests = r.sets.map((set) => {
    if (!r.caseless && set.length === 1) return ((s: string) => (t: string) => t.includes(s))(set[0]!);
    const source = set.map(escapeJs).join('|');
    if (!r.caseless) return ((re: RegExp) => (t: string) => re.test(t))(new RegExp(source, 'u'));
    // 'i' without 'u' folds ASCII letters only and runs about twice as fast; for ASCII literals it differs
    // from Unicode folding only on the two non-ASCII letters that fold to ASCII ones (U+017F long s,
    // U+212A Kelvin sign), so 'iu' decides only where 'i' fails and one of them is present.
    const ascii = new RegExp(source, 'i');
    const unicode = new RegExp(source, 'iu');
    return (t: string) => ascii.test(t) || (FOLDS_TO_ASCII.test(t) && unicode.test(t));
  });
  return (t) => {
    for (const test of tests) if (!test(t)) return false;
    return true;
  };
}
