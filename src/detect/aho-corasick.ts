/**
 * Case-insensitive (ASCII) Aho–Corasick over a JS string: one pass finds every keyword of every rule.
 * Keywords are ASCII literals; any non-ASCII character resets the automaton to the root.
 * The goto function is a dense table (states × 128), built once per rule set.
 */
export class KeywordMatcher {
  private readonly next: Int32Array;
  /** For each state, the keyword ids that end there (including via failure links). */
  private readonly out: (number[] | undefined)[];
  readonly keywords: string[];

  constructor(keywords: string[]) {
    this.keywords = keywords;
    // Trie construction.
    const trie: Map<number, number>[] = [new Map()];
    const outs: number[][] = [[]];
    keywords.forEach((kw, id) => {
      let s = 0;
      for (let i = 0; i < kw.length; i++) {
        let c = kw.charCodeAt(i);
        if (c >= 128) throw new Error(`keyword must be ASCII: ${kw}`);
        if (c >= 65 && c <= 90) c |= 32;
        let t = trie[s]!.get(c);
        if (t === undefined) {
          t = trie.length;
          trie.push(new Map());
          outs.push([]);
          trie[s]!.set(c, t);
        }
        s = t;
      }
      outs[s]!.push(id);
    });
    const n = trie.length;
    const next = new Int32Array(n * 128);
    const fail = new Int32Array(n);
    // BFS: fill the full transition table so matching never follows failure links.
    const queue: number[] = [];
    for (let c = 0; c < 128; c++) {
      const t = trie[0]!.get(c);
      if (t !== undefined) {
        next[c] = t;
        fail[t] = 0;
        queue.push(t);
      }
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi]!;
      const f = fail[s]!;
      if (outs[f]!.length) outs[s] = outs[s]!.concat(outs[f]!);
      for (let c = 0; c < 128; c++) {
        const t = trie[s]!.get(c);
        if (t !== undefined) {
          fail[t] = next[f * 128 + c]!;
          next[s * 128 + c] = t;
          queue.push(t);
        } else {
          next[s * 128 + c] = next[f * 128 + c]!;
        }
      }
    }
    this.next = next;
    this.out = outs.map((o) => (o.length ? o : undefined));
  }

  /**
   * Calls onHit(keywordId, endIndexExclusive) for every occurrence.
   * Returning true from onHit stops the scan early.
   */
  scan(text: string, onHit: (id: number, end: number) => void): void {
    const next = this.next;
    const out = this.out;
    let s = 0;
    for (let i = 0, n = text.length; i < n; i++) {
      let c = text.charCodeAt(i);
      if (c >= 128) { s = 0; continue; }
      if (c >= 65 && c <= 90) c |= 32;
      s = next[(s << 7) | c]!;
      const o = out[s];
      if (o !== undefined) for (let k = 0; k < o.length; k++) onHit(o[k]!, i + 1);
    }
  }
}
