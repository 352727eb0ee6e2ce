/**
 * Case-insensitive (ASCII) Aho–Corasick over a JS string: one pass finds every keyword of every rule.
 * Keywords are ASCII literals; any non-ASCII character resets the automaton to the root.
 * The goto function is a dense table (states × 128) with upper-case letters folded in, so the hot loop
 * is one table load per character; a transition into a state that ends a keyword is stored complemented
 * (negative), so the same load says whether there is a hit.
 */
export class KeywordMatcher {
  /** The automaton: the 128-wide transitions (~state when `state` ends a keyword), read only when used. */
  private readonly automaton: Automaton;
  /** For each accepting state, the keyword ids that end there (including via failure links). */
  readonly outputs: number[][];
  readonly keywords: string[];
  /** Hit buffers, one per walk of `scanFourStreams` (the first also returns them all). */
  private hits: Int32Array = new Int32Array(1024);
  private hits2: Int32Array = new Int32Array(1024);
  private hits3: Int32Array = new Int32Array(1024);
  private hits4: Int32Array = new Int32Array(1024);
  /** The table over character classes (see `Narrowed`), made when the first long text is scanned. */
  private narrowed: Narrowed | undefined;
  /** Characters scanned before the loops were warmed up: past NARROW_AFTER the four walks pay. */
  private wide = 0;
  /** Whether the narrowed loops were warmed up (`warmedUp`) for this matcher: the four walks are used then. */
  private warm = false;

  constructor(keywords: string[]) {
    this.keywords = keywords;
    this.automaton = automatonFor(keywords);
    this.outputs = this.automaton.outputs;
    // A narrowed table built ahead (the built-in rules') is used from the first character: no wide table read.
    this.narrowed = this.automaton.narrowed;
  }

  /**
   * Every hit in text[from, to) as pairs (state, endIndexExclusive) in a reused buffer, with the number of
   * ints used and the automaton state at `to`. Map a state to its keywords with `outputs[state]`.
   * A long text is scanned in blocks, each starting from the state the previous one ended in: the hit
   * buffer then holds at most one block's hits however many the text has.
   */
  scanStates(text: string, from = 0, to = text.length, state = 0): { hits: Int32Array; length: number; state: number } {
    if (!this.warm && (this.wide += to - from) > NARROW_AFTER) {
      this.narrowed = this.warmedUp(this.narrowed ?? narrowedOf(this.automaton, this.keywords));
      this.warm = true;
    }
    const n = this.narrowed;
    if (n === undefined) return this.scanWide(text, from, to, state);
    if (!this.warm || to - from < FOUR_STREAMS_FROM || n.warmUp * 16 > to - from) return this.scanNarrow(n, text, from, to, state);
    return this.scanFourStreams(n, text, from, to, state);
  }

  /**
   * Run the narrowed loops on short texts with hits everywhere (each quarter, the warm-up reads, the
   * tail, the merge) before they meet real text. V8 optimizes a loop while it first runs: on a long
   * first text without hits in some quarter, the code after the loop and the hit branches had no type
   * feedback yet, and the optimized code bailed out there on every later call (600 deoptimizations in a
   * 2,000-file tree scan, each call then finishing in the interpreter). Once per process (the feedback
   * belongs to the method, shared by every matcher); a couple of milliseconds, interpreted.
   */
  private warmedUp(n: Narrowed): Narrowed {
    if (warmed || this.keywords.length === 0) return n;
    warmed = true;
    const kw = this.keywords.reduce((a, b) => (b.length > a.length ? b : a));
    const unit = `${kw} ${kw.toUpperCase()}\u00e9 `;
    // Short (each quarter longer than a warm-up read by a few keywords, one more character for the tail)
    // and several times: a long loop would be compiled on the stack (OSR) before the code after it ran
    // once, which is the very bail-out this avoids.
    const body = unit.repeat(4 * (Math.ceil(n.warmUp / unit.length) + 3));
    // Ending in a keyword whose last character is in the up-to-three-character tail of the last quarter.
    const text = body + ' '.repeat((7 - ((body.length + kw.length) % 4)) % 4) + kw;
    for (let i = 0; i < 8; i++) {
      this.scanFourStreams(n, text, 0, text.length, 0);
      this.scanNarrow(n, text, 0, text.length, 0);
    }
    return n;
  }

  /** The reference loop: one load of the 128-wide table per character. */
  private scanWide(text: string, from: number, to: number, state: number): { hits: Int32Array; length: number; state: number } {
    const next = this.automaton.next;
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
   * The text cut in four quarters walked in one loop: each step of a DFA waits on the load of the step
   * before, so independent walks run in about the time of one (four: measured 1.5x faster than the two
   * used before, ~2.4x than one). Each walk after the first starts from the root `warmUp` characters
   * before its quarter and reports only hits ending in its quarter: every keyword ending there starts
   * inside what it read, and after reading that many characters its state is the one a single walk would
   * have (a state is at most a keyword long). The hits of the quarters, each ascending, are put one after
   * the other.
   */
  private scanFourStreams(n: Narrowed, text: string, from: number, to: number, state: number): { hits: Int32Array; length: number; state: number } {
    const { table, classOf, shift, warmUp } = n;
    const q = (to - from) >> 2;
    const b1 = from + q;
    const b2 = b1 + q;
    const b3 = b2 + q;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let j = b1 - warmUp; j < b1; j++) {
      s1 = table[(s1 << shift) | classOf[text.charCodeAt(j)]!]!;
      s1 ^= s1 >> 31; // ~s1 when negative (a hit), without a branch that may never have run
    }
    for (let j = b2 - warmUp; j < b2; j++) {
      s2 = table[(s2 << shift) | classOf[text.charCodeAt(j)]!]!;
      s2 ^= s2 >> 31; // ~s2 when negative (a hit), without a branch that may never have run
    }
    for (let j = b3 - warmUp; j < b3; j++) {
      s3 = table[(s3 << shift) | classOf[text.charCodeAt(j)]!]!;
      s3 ^= s3 >> 31; // ~s3 when negative (a hit), without a branch that may never have run
    }
    let h0 = this.hits;
    let h1 = this.hits2;
    let h2 = this.hits3;
    let h3 = this.hits4;
    let n0 = 0;
    let n1 = 0;
    let n2 = 0;
    let n3 = 0;
    let s0 = state;
    for (let i = from; i < b1; i++) {
      s0 = table[(s0 << shift) | classOf[text.charCodeAt(i)]!]!;
      s1 = table[(s1 << shift) | classOf[text.charCodeAt(i + q)]!]!;
      s2 = table[(s2 << shift) | classOf[text.charCodeAt(i + 2 * q)]!]!;
      s3 = table[(s3 << shift) | classOf[text.charCodeAt(i + 3 * q)]!]!;
      if ((s0 | s1 | s2 | s3) < 0) {
        if (s0 < 0) {
          s0 = ~s0;
          if (n0 + 2 > h0.length) h0 = this.hits = grown(h0);
          h0[n0++] = s0;
          h0[n0++] = i + 1;
        }
        if (s1 < 0) {
          s1 = ~s1;
          if (n1 + 2 > h1.length) h1 = this.hits2 = grown(h1);
          h1[n1++] = s1;
          h1[n1++] = i + q + 1;
        }
        if (s2 < 0) {
          s2 = ~s2;
          if (n2 + 2 > h2.length) h2 = this.hits3 = grown(h2);
          h2[n2++] = s2;
          h2[n2++] = i + 2 * q + 1;
        }
        if (s3 < 0) {
          s3 = ~s3;
          if (n3 + 2 > h3.length) h3 = this.hits4 = grown(h3);
          h3[n3++] = s3;
          h3[n3++] = i + 3 * q + 1;
        }
      }
    }
    // The last quarter is up to three characters longer (the length need not be a multiple of four).
    for (let j = b3 + q; j < to; j++) {
      s3 = table[(s3 << shift) | classOf[text.charCodeAt(j)]!]!;
      if (s3 < 0) {
        s3 = ~s3;
        if (n3 + 2 > h3.length) h3 = this.hits4 = grown(h3);
        h3[n3++] = s3;
        h3[n3++] = j + 1;
      }
    }
    const total = n0 + n1 + n2 + n3;
    if (total > n0) {
      while (total > h0.length) h0 = this.hits = grown(h0);
      h0.set(h1.subarray(0, n1), n0);
      h0.set(h2.subarray(0, n2), n0 + n1);
      h0.set(h3.subarray(0, n3), n0 + n1 + n2);
    }
    return { hits: h0, length: total, state: s3 };
  }

  /**
   * Whether any keyword occurs in raw bytes of UTF-8 (or any ASCII-compatible) text: the same verdict as
   * a scan of the decoded text has hits, since ASCII bytes decode to themselves and every byte of a
   * non-ASCII character (or of an invalid sequence) is >= 0x80, which resets the walk as the non-ASCII
   * character does. Stops at the first hit.
   */
  anyIn(bytes: Uint8Array): boolean {
    const n = this.narrowed;
    if (n !== undefined) {
      // Bytes >= 0x80 are class 0, which leads back to the root as the wide walk's reset does.
      const { table, classOf, shift } = n;
      let s = 0;
      for (let i = 0, len = bytes.length; i < len; i++) {
        s = table[(s << shift) | classOf[bytes[i]!]!]!;
        if (s < 0) return true;
      }
      return false;
    }
    const next = this.automaton.next;
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

  /** Test hook: use the narrowed table (and four walks on long texts) from the first character on, or never. */
  narrow(on: boolean): this {
    this.narrowed = on ? narrowedFor(this.automaton.next, this.keywords) : undefined;
    this.warm = true;
    return this;
  }
}

/** Whether the narrowed loops have been warmed up in this thread (`warmedUp`). */
let warmed = false;

function grown(a: Int32Array): Int32Array {
  const bigger = new Int32Array(a.length * 2);
  bigger.set(a);
  return bigger;
}

/**
 * Characters scanned before the narrowed table is made (a pre-commit hook's few files never pay for it;
 * a tree scan soon does, and its first megabyte no longer runs through a third loop that the JIT warms up).
 */
const NARROW_AFTER = 1 << 18;
/** Texts (blocks) at least this long are walked as four quarters. */
const FOUR_STREAMS_FROM = 4096;

/**
 * The automaton over character classes: the characters of the keywords (upper case folded in) each
 * get a class, every other character (all non-ASCII ones too) class 0, which leads to the root from any
 * state. The built-in keywords use ~56 characters, so a state's row is 64 entries instead of 128: a
 * quarter of the table's cache lines, and a class lookup that replaces the non-ASCII test.
 */
export interface Narrowed {
  /** 16-bit entries while every state and its complement fit (up to NARROW16_STATES states: the built-in rules' ~9,000), else 32-bit. */
  table: Int16Array | Int32Array;
  /** Class of each UTF-16 code unit (64 KB: indexed by any charCodeAt without a range test). */
  classOf: Uint8Array;
  shift: number;
  /** Characters a walk must read before its state is exact: the longest keyword's length - 1. */
  warmUp: number;
}

/** The character classes of a keyword list (all but the table of `Narrowed`): cheap, a pass over the keywords. */
export function narrowClasses(keywords: readonly string[]): Omit<Narrowed, 'table'> & { rep: number[] } {
  const seen = new Uint8Array(128);
  const rep = [0];
  let longest = 1;
  for (const kw of keywords) {
    longest = Math.max(longest, kw.length);
    for (let i = 0; i < kw.length; i++) {
      let c = kw.charCodeAt(i);
      if (c >= 65 && c <= 90) c |= 32;
      if (seen[c] !== 0) continue;
      seen[c] = 1;
      rep.push(c);
    }
  }
  return { ...classesOf(rep, longest - 1), rep };
}

/**
 * The classes from their representatives (`rep[k]`: the lower-case character of class k; rep[0] unused)
 * and the warm-up length: what a built automaton's head stores, so a start-up does not walk the keywords.
 */
export function classesOf(rep: readonly number[], warmUp: number): Omit<Narrowed, 'table'> {
  const classOf = new Uint8Array(65536);
  for (let k = 1; k < rep.length; k++) {
    const c = rep[k]!;
    classOf[c] = k;
    if (c >= 97 && c <= 122) classOf[c - 32] = k;
  }
  let shift = 0;
  while (1 << shift < rep.length) shift++;
  return { classOf, shift, warmUp };
}

/**
 * States up to which the narrowed table has 16-bit entries: a transition is a state number or its
 * complement (~32767 = -32768). Half the memory a pre-commit run reads and touches (1.2 MB instead of 2.4
 * for the built-in rules); the walk is as fast (measured on sympy's tree).
 */
export const NARROW16_STATES = 32768;

/** The narrowed automaton of a wide table (~0.5M entries copied: built ahead for the built-in rules). */
export function narrowedFor(next: Int32Array, keywords: readonly string[]): Narrowed {
  const { classOf, shift, warmUp, rep } = narrowClasses(keywords);
  const states = next.length >> 7;
  const table = states <= NARROW16_STATES ? new Int16Array(states << shift) : new Int32Array(states << shift);
  for (let s = 0; s < states; s++) {
    // Class 0 stays 0: no keyword holds its characters, so every state goes back to the root on them.
    for (let k = 1; k < rep.length; k++) table[(s << shift) | k] = next[(s << 7) | rep[k]!]!;
  }
  return { table, classOf, shift, warmUp };
}

/** The automaton's narrowed form, made once per automaton (matchers of one keyword list share it). */
function narrowedOf(a: Automaton, keywords: readonly string[]): Narrowed {
  return (a.narrowed ??= narrowedFor(a.next, keywords));
}

/** A built automaton: what rules/built-automaton.ts writes at build time and reads back. */
export interface Automaton {
  /** The 128-wide table (a built one may read it from its file only when asked: a getter). */
  readonly next: Int32Array;
  outputs: number[][];
  /** The table over character classes, when made (or built ahead). */
  narrowed?: Narrowed;
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
