/**
 * Case-insensitive (ASCII) Aho–Corasick over a JS string: one pass finds every keyword of every rule.
 * Keywords are ASCII literals; any non-ASCII character resets the automaton to the root.
 * The goto function is a dense table (states × 128) with upper-case letters folded in, so the hot loop
 * is one table load per character; a transition into a state that ends a keyword is stored complemented
 * (negative), so the same load says whether there is a hit.
 */
export class KeywordMatcher {
  /** Transitions; ~state when `state` ends a keyword. */
  private readonly next: Int32Array;
  /** For each accepting state, the keyword ids that end there (including via failure links). */
  readonly outputs: number[][];
  readonly keywords: string[];
  private hits: Int32Array = new Int32Array(1024);
  private hits2: Int32Array = new Int32Array(1024);
  /** The table over character classes (see `Narrowed`), made when the first long text is scanned. */
  private narrowed: Narrowed | undefined;
  /** Characters scanned by the full-width loop so far: past NARROW_AFTER the narrowed table pays. */
  private wide = 0;

  constructor(keywords: string[]) {
    this.keywords = keywords;
    const { next, outputs } = automatonFor(keywords);
    this.next = next;
    this.outputs = outputs;
  }

  /**
   * Every hit in text[from, to) as pairs (state, endIndexExclusive) in a reused buffer, with the number of
   * ints used and the automaton state at `to`. Map a state to its keywords with `outputs[state]`.
   * A long text is scanned in blocks, each starting from the state the previous one ended in: the hit
   * buffer then holds at most one block's hits however many the text has.
   */
  scanStates(text: string, from = 0, to = text.length, state = 0): { hits: Int32Array; length: number; state: number } {
    if (this.narrowed === undefined && (this.wide += to - from) > NARROW_AFTER) this.narrowed = narrowedFor(this.next, this.keywords);
    const n = this.narrowed;
    if (n === undefined) return this.scanWide(text, from, to, state);
    if (to - from < TWO_STREAMS_FROM || n.warmUp * 4 > to - from) return this.scanNarrow(n, text, from, to, state);
    return this.scanTwoStreams(n, text, from, to, state);
  }

  /** The reference loop: one load of the 128-wide table per character. */
  private scanWide(text: string, from: number, to: number, state: number): { hits: Int32Array; length: number; state: number } {
    const next = this.next;
    let hits = this.hits;
    let h = 0;
    let s = state;
    for (let i = from, n = to; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c > 127) {
        s = 0;
        continue;
      }
      s = next[(s << 7) | c]!;
      if (s < 0) {
        s = ~s;
        if (h + 2 > hits.length) hits = this.hits = grown(hits);
        hits[h++] = s;
        hits[h++] = i + 1;
      }
    }
    return { hits, length: h, state: s };
  }

  private scanNarrow(n: Narrowed, text: string, from: number, to: number, state: number): { hits: Int32Array; length: number; state: number } {
    const { table, classOf, shift } = n;
    let hits = this.hits;
    let h = 0;
    let s = state;
    for (let i = from; i < to; i++) {
      s = table[(s << shift) | classOf[text.charCodeAt(i)]!]!;
      if (s < 0) {
        s = ~s;
        if (h + 2 > hits.length) hits = this.hits = grown(hits);
        hits[h++] = s;
        hits[h++] = i + 1;
      }
    }
    return { hits, length: h, state: s };
  }

  /**
   * The text cut in two halves walked in one loop: each step of a DFA waits on the load of the step
   * before, so two independent walks run in about the time of one (measured 1.6x). The second walk
   * starts from the root (longest keyword - 1) characters before its half and reports only hits ending
   * in its half: every keyword ending there starts inside what it read, and after reading that many
   * characters its state is the one a single walk would have (a state is at most a keyword long).
   */
  private scanTwoStreams(n: Narrowed, text: string, from: number, to: number, state: number): { hits: Int32Array; length: number; state: number } {
    const { table, classOf, shift } = n;
    const mid = from + ((to - from) >> 1);
    let t = 0;
    let j = mid - n.warmUp;
    for (; j < mid; j++) {
      t = table[(t << shift) | classOf[text.charCodeAt(j)]!]!;
      if (t < 0) t = ~t;
    }
    let hits = this.hits;
    let hits2 = this.hits2;
    let h = 0;
    let h2 = 0;
    let s = state;
    for (let i = from; i < mid; i++, j++) {
      s = table[(s << shift) | classOf[text.charCodeAt(i)]!]!;
      t = table[(t << shift) | classOf[text.charCodeAt(j)]!]!;
      if ((s | t) < 0) {
        if (s < 0) {
          s = ~s;
          if (h + 2 > hits.length) hits = this.hits = grown(hits);
          hits[h++] = s;
          hits[h++] = i + 1;
        }
        if (t < 0) {
          t = ~t;
          if (h2 + 2 > hits2.length) hits2 = this.hits2 = grown(hits2);
          hits2[h2++] = t;
          hits2[h2++] = j + 1;
        }
      }
    }
    // The second half is one character longer when the length is odd.
    for (; j < to; j++) {
      t = table[(t << shift) | classOf[text.charCodeAt(j)]!]!;
      if (t < 0) {
        t = ~t;
        if (h2 + 2 > hits2.length) hits2 = this.hits2 = grown(hits2);
        hits2[h2++] = t;
        hits2[h2++] = j + 1;
      }
    }
    if (h2 > 0) {
      while (h + h2 > hits.length) hits = this.hits = grown(hits);
      hits.set(hits2.subarray(0, h2), h);
      h += h2;
    }
    return { hits, length: h, state: t };
  }

  /**
   * Whether any keyword occurs in raw bytes of UTF-8 (or any ASCII-compatible) text: the same verdict as
   * a scan of the decoded text has hits, since ASCII bytes decode to themselves and every byte of a
   * non-ASCII character (or of an invalid sequence) is >= 0x80, which resets the walk as the non-ASCII
   * character does. Stops at the first hit.
   */
  anyIn(bytes: Uint8Array): boolean {
    const next = this.next;
    let s = 0;
    for (let i = 0, n = bytes.length; i < n; i++) {
      const c = bytes[i]!;
      if (c > 127) {
        s = 0;
        continue;
      }
      s = next[(s << 7) | c]!;
      if (s < 0) return true;
    }
    return false;
  }

  /** Calls onHit(keywordId, endIndexExclusive) for every occurrence (convenience for tests and tools). */
  scan(text: string, onHit: (id: number, end: number) => void): void {
    const { hits, length } = this.scanStates(text);
    for (let k = 0; k < length; k += 2) for (const id of this.outputs[hits[k]!]!) onHit(id, hits[k + 1]!);
  }

  /** Test hook: use the narrowed table (and two walks on long texts) from the first character on, or never. */
  narrow(on: boolean): this {
    this.narrowed = on ? narrowedFor(this.next, this.keywords) : undefined;
    this.wide = on ? 0 : -Infinity;
    return this;
  }
}

function grown(a: Int32Array): Int32Array {
  const bigger = new Int32Array(a.length * 2);
  bigger.set(a);
  return bigger;
}

/** Characters scanned before the narrowed table is made (a pre-commit hook's few files never pay for it). */
const NARROW_AFTER = 1 << 20;
/** Texts (blocks) at least this long are walked as two halves. */
const TWO_STREAMS_FROM = 4096;

/**
 * The automaton over character classes: the characters of the keywords (upper case folded in) each
 * get a class, every other character (all non-ASCII ones too) class 0, which leads to the root from any
 * state. The built-in keywords use ~56 characters, so a state's row is 64 entries instead of 128: a
 * quarter of the table's cache lines, and a class lookup that replaces the non-ASCII test.
 */
interface Narrowed {
  table: Int32Array;
  /** Class of each UTF-16 code unit (64 KB: indexed by any charCodeAt without a range test). */
  classOf: Uint8Array;
  shift: number;
  /** Characters a walk must read before its state is exact: the longest keyword's length - 1. */
  warmUp: number;
}

const narrowedCache = new WeakMap<Int32Array, Narrowed>();

function narrowedFor(next: Int32Array, keywords: readonly string[]): Narrowed {
  let n = narrowedCache.get(next);
  if (n) return n;
  const classOf = new Uint8Array(65536);
  const rep = [0];
  let longest = 1;
  for (const kw of keywords) {
    longest = Math.max(longest, kw.length);
    for (let i = 0; i < kw.length; i++) {
      let c = kw.charCodeAt(i);
      if (c >= 65 && c <= 90) c |= 32;
      if (classOf[c] !== 0) continue;
      classOf[c] = rep.length;
      if (c >= 97 && c <= 122) classOf[c - 32] = rep.length;
      rep.push(c);
    }
  }
  let shift = 0;
  while (1 << shift < rep.length) shift++;
  const states = next.length >> 7;
  const table = new Int32Array(states << shift);
  for (let s = 0; s < states; s++) {
    // Class 0 stays 0: no keyword holds its characters, so every state goes back to the root on them.
    for (let k = 1; k < rep.length; k++) table[(s << shift) | k] = next[(s << 7) | rep[k]!]!;
  }
  n = { table, classOf, shift, warmUp: longest - 1 };
  narrowedCache.set(next, n);
  return n;
}

/** A built automaton: what rules/built-automaton.ts writes at build time and reads back. */
export interface Automaton {
  next: Int32Array;
  outputs: number[][];
}

/**
 * An automaton built ahead of time (by `npm run build`, for the built-in rules) for one keyword list, read
 * only if exactly that list is asked for: the table depends on nothing else. `load` returns undefined when
 * it cannot deliver (missing or damaged file); the automaton is then built here as usual.
 */
let prebuilt: { keywords: readonly string[]; load: () => Automaton | undefined } | undefined;

export function offerPrebuiltAutomaton(keywords: readonly string[], load: () => Automaton | undefined): void {
  prebuilt = { keywords, load };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Automata built in this process, by keyword list: a scan's detector and the redaction of paths and
 * messages (findings/detected-text.ts) use the built-in rules' keywords, and a pre-commit hook should not
 * build the same table twice. Shared read-only; each matcher keeps its own hit buffer.
 */
const built = new Map<string, Automaton>();

function automatonFor(keywords: readonly string[]): Automaton {
  const key = keywords.join('\u0000');
  let a = built.get(key);
  if (a === undefined) {
    // A few lists at most (detected-text.ts builds small ones for the rules a name's keywords select).
    if (built.size >= 8) built.delete(built.keys().next().value!);
    if (prebuilt && sameList(prebuilt.keywords, keywords)) a = prebuilt.load();
    built.set(key, (a ??= buildAutomaton(keywords)));
  }
  return a;
}

export function buildAutomaton(keywords: readonly string[]): Automaton {
  // The trie is built straight into the transition table (0 = no child: the root is nobody's child),
  // with each state's own characters listed: typed arrays, no per-state Map. This runs at every start-up
  // of a pre-commit hook, mostly before the JIT has warmed up.
  let total = 1;
  for (const kw of keywords) total += kw.length;
  const table = new Int32Array(total * 128);
  const kids: number[][] = [[]];
  const outs: number[][] = [[]];
  keywords.forEach((kw, id) => {
    let s = 0;
    for (let i = 0; i < kw.length; i++) {
      let c = kw.charCodeAt(i);
      if (c >= 128) throw new Error(`keyword must be ASCII: ${kw}`);
      if (c >= 65 && c <= 90) c |= 32;
      let t = table[s * 128 + c]!;
      if (t === 0) {
        t = outs.length;
        table[s * 128 + c] = t;
        kids[s]!.push(c);
        kids.push([]);
        outs.push([]);
      }
      s = t;
    }
    outs[s]!.push(id);
  });
  const n = outs.length;
  const next = table.subarray(0, n * 128);
  const fail = new Int32Array(n);
  // Whether a state ends a keyword, its own or one of its failure chain's: known for a state when its
  // failure link is set, so transitions are stored complemented as they are written (no pass over the
  // whole table afterwards: that loop, ~600k entries in the interpreter, was most of a cold start).
  const accepts = new Uint8Array(n);
  const arrow = (t: number) => (accepts[t] ? ~t : t);
  const isLower = (c: number) => c >= 97 && c <= 122;
  // The root's row is complete already (a missing child is 0, the root; the root accepts nothing).
  // Upper-case letters take the lower-case transition: set beside each child (rows copied from a
  // failure state bring that state's folded entries along).
  const queue: number[] = [];
  for (const c of kids[0]!) {
    const t = next[c]!;
    accepts[t] = outs[t]!.length ? 1 : 0;
    next[c] = arrow(t);
    if (isLower(c)) next[c - 32] = arrow(t);
    queue.push(t);
  }
  // BFS: fill the full transition table so matching never follows failure links.
  const own: number[] = [];
  for (let qi = 0; qi < queue.length; qi++) {
    const s = queue[qi]!;
    const f = fail[s]!;
    if (outs[f]!.length) outs[s] = outs[s]!.concat(outs[f]!);
    const cs = kids[s]!;
    own.length = 0;
    for (const c of cs) own.push(next[s * 128 + c]!);
    // Start from the failure state's row (complete and already complemented: it is shallower), then
    // put back this state's children.
    next.copyWithin(s * 128, f * 128, f * 128 + 128);
    for (let k = 0; k < cs.length; k++) {
      const c = cs[k]!;
      const t = own[k]!;
      const viaFail = next[f * 128 + c]!;
      const ft = viaFail < 0 ? ~viaFail : viaFail;
      fail[t] = ft;
      accepts[t] = outs[t]!.length || accepts[ft] ? 1 : 0;
      next[s * 128 + c] = arrow(t);
      if (isLower(c)) next[s * 128 + c - 32] = arrow(t);
      queue.push(t);
    }
  }
  return { next, outputs: outs };
}
