/**
 * Case-insensitive (ASCII) Aho–Corasick over a JS string: one pass finds every keyword of every rule.
 * Keywords are ASCII literals; any non-ASCII character resets the automaton to the root.
 * The goto function is a dense table over character classes: each character that occurs in a keyword
 * (upper-case letters folded into lower-case) is a class, every other character is class 0, which leads
 * to the root from any state. A row is then 64 entries, not 128, of 16 bits when the states fit: a
 * quarter of the memory of a states × 128 table of 32-bit ints. Building the table is a start-up cost of
 * every scan (and of every worker thread), and most of it was first-touch page faults on that memory.
 * A transition into a state that ends a keyword is stored complemented (negative), so the same load
 * says whether there is a hit.
 */
export class KeywordMatcher {
  /** Transitions, row `state << shift`, column the character's class; ~state when `state` ends a keyword. */
  private readonly next: Int16Array | Int32Array;
  /** Character code (< 128) -> class. */
  private readonly classOf: Uint8Array;
  private readonly shift: number;
  /** For each accepting state, the keyword ids that end there (including via failure links). */
  readonly outputs: number[][];
  readonly keywords: string[];
  private hits = new Int32Array(1024);

  constructor(keywords: string[]) {
    this.keywords = keywords;
    const classOf = new Uint8Array(128);
    let classes = 1;
    let total = 1;
    for (const kw of keywords) {
      total += kw.length;
      for (let i = 0; i < kw.length; i++) {
        let c = kw.charCodeAt(i);
        if (c >= 128) throw new Error(`keyword must be ASCII: ${kw}`);
        if (c >= 65 && c <= 90) c |= 32;
        if (classOf[c] === 0) classOf[c] = classes++;
      }
    }
    for (let c = 65; c <= 90; c++) classOf[c] = classOf[c | 32]!;
    let shift = 0;
    while (1 << shift < classes) shift++;
    const width = 1 << shift;
    // The trie is built straight into the transition table (0 = no child: the root is nobody's child),
    // with each state's own classes listed: typed arrays, no per-state Map. This runs at every start-up
    // of a pre-commit hook, mostly before the JIT has warmed up.
    const table = total < 0x7fff ? new Int16Array(total * width) : new Int32Array(total * width);
    const kids: number[][] = [[]];
    const outs: number[][] = [[]];
    for (let id = 0; id < keywords.length; id++) {
      const kw = keywords[id]!;
      let s = 0;
      for (let i = 0; i < kw.length; i++) {
        const k = classOf[kw.charCodeAt(i)]!;
        let t = table[(s << shift) | k]!;
        if (t === 0) {
          t = outs.length;
          table[(s << shift) | k] = t;
          kids[s]!.push(k);
          kids.push([]);
          outs.push([]);
        }
        s = t;
      }
      outs[s]!.push(id);
    }
    const n = outs.length;
    const next = table.subarray(0, n * width);
    const fail = new Int32Array(n);
    // BFS: fill the full transition table so matching never follows failure links. The root's row is
    // complete already (a missing child is 0, the root).
    const queue: number[] = kids[0]!.map((k) => next[k]!);
    const own: number[] = [];
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi]!;
      const f = fail[s]!;
      if (outs[f]!.length) outs[s] = outs[s]!.concat(outs[f]!);
      const ks = kids[s]!;
      own.length = 0;
      for (const k of ks) own.push(next[(s << shift) | k]!);
      // Start from the failure state's row (complete: it is shallower), then put back this state's children.
      next.copyWithin(s << shift, f << shift, (f + 1) << shift);
      for (let j = 0; j < ks.length; j++) {
        const k = ks[j]!;
        const t = own[j]!;
        fail[t] = next[(f << shift) | k]!;
        next[(s << shift) | k] = t;
        queue.push(t);
      }
    }
    const accepting = new Uint8Array(n);
    for (let s = 0; s < n; s++) if (outs[s]!.length) accepting[s] = 1;
    for (let k = 0; k < next.length; k++) if (accepting[next[k]!]) next[k] = ~next[k]!;
    this.next = next;
    this.classOf = classOf;
    this.shift = shift;
    this.outputs = outs;
  }

  /**
   * Every hit in text[from, to) as pairs (state, endIndexExclusive) in a reused buffer, with the number of
   * ints used and the automaton state at `to`. Map a state to its keywords with `outputs[state]`.
   * A long text is scanned in blocks, each starting from the state the previous one ended in: the hit
   * buffer then holds at most one block's hits however many the text has.
   */
  scanStates(text: string, from = 0, to = text.length, state = 0): { hits: Int32Array; length: number; state: number } {
    const next = this.next;
    const classOf = this.classOf;
    const shift = this.shift;
    let hits = this.hits;
    let h = 0;
    let s = state;
    for (let i = from, n = to; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c > 127) {
        s = 0;
        continue;
      }
      s = next[(s << shift) | classOf[c]!]!;
      if (s < 0) {
        s = ~s;
        if (h + 2 > hits.length) {
          const bigger = new Int32Array(hits.length * 2);
          bigger.set(hits);
          hits = this.hits = bigger;
        }
        hits[h++] = s;
        hits[h++] = i + 1;
      }
    }
    return { hits, length: h, state: s };
  }

  /** Calls onHit(keywordId, endIndexExclusive) for every occurrence (convenience for tests and tools). */
  scan(text: string, onHit: (id: number, end: number) => void): void {
    const { hits, length } = this.scanStates(text);
    for (let k = 0; k < length; k += 2) for (const id of this.outputs[hits[k]!]!) onHit(id, hits[k + 1]!);
  }
}
