/**
 * The keyword automaton's compact form: the trie's edges and failure links (~165 KB for the built-in
 * keywords) instead of the dense table (states × 128 transitions, 4.4 MB). A pre-commit hook scans a few
 * kilobytes: first touching the dense table's pages cost it more than following failure links over so
 * little text (page faults are dear on virtual machines). States are numbered as in the dense table
 * (aho-corasick.ts), so a walk can go on in either form, and the hits are the same: at each character, the
 * state the dense table goes to, reported when it ends a keyword.
 */

export interface SparseAutomaton {
  states: number;
  /** The trie edges leaving state s are first[s] .. first[s + 1] - 1 of `chars` and `to`. */
  first: Int32Array;
  /** Each edge's character: ASCII, upper-case letters folded to lower case. */
  chars: Uint8Array;
  to: Int32Array;
  /** Failure link of each state (the root's is the root). */
  fail: Int32Array;
  /** Keyword ids ending at state s (its failure chain's included): outIds[outFirst[s] .. outFirst[s + 1] - 1]. */
  outFirst: Int32Array;
  outIds: Int32Array;
}

/** A sparse automaton made ready to walk: the root's full row (most characters are read at the root), which states accept. */
export interface SparseWalk {
  sparse: SparseAutomaton;
  root: Int32Array;
  accepts: Uint8Array;
}

/**
 * The compact form of a dense automaton built for `keywords` (`next` as aho-corasick.ts builds it: a
 * transition into an accepting state stored complemented). A trie edge is found by walking each keyword
 * through the table; a failure link is the parent's failure state's transition on the edge's character.
 */
export function sparseFromDense(keywords: readonly string[], next: Int32Array, outputs: readonly (readonly number[])[]): SparseAutomaton {
  const states = next.length >> 7;
  const parent = new Int32Array(states).fill(-1);
  const charOf = new Uint8Array(states);
  const depth = new Int32Array(states);
  for (const kw of keywords) {
    let s = 0;
    for (let i = 0; i < kw.length; i++) {
      let c = kw.charCodeAt(i);
      if (c >= 65 && c <= 90) c |= 32;
      let t = next[(s << 7) | c]!;
      if (t < 0) t = ~t;
      if (t !== 0 && parent[t] === -1) {
        parent[t] = s;
        charOf[t] = c;
        depth[t] = depth[s]! + 1;
      }
      s = t;
    }
  }
  const first = new Int32Array(states + 1);
  for (let t = 1; t < states; t++) if (parent[t]! >= 0) first[parent[t]! + 1]!++;
  for (let s = 0; s < states; s++) first[s + 1]! += first[s]!;
  const edges = first[states]!;
  const chars = new Uint8Array(edges);
  const to = new Int32Array(edges);
  const fill = first.slice(0, states);
  for (let t = 1; t < states; t++) {
    const p = parent[t]!;
    if (p < 0) continue;
    const e = fill[p]!++;
    chars[e] = charOf[t]!;
    to[e] = t;
  }
  // Failure links by depth: a state's parent's link is known before it.
  const byDepth = [...Array(states).keys()].sort((a, b) => depth[a]! - depth[b]!);
  const fail = new Int32Array(states);
  for (const t of byDepth) {
    if (depth[t]! <= 1) continue;
    const f = next[(fail[parent[t]!]! << 7) | charOf[t]!]!;
    fail[t] = f < 0 ? ~f : f;
  }
  const outFirst = new Int32Array(states + 1);
  for (let s = 0; s < states; s++) outFirst[s + 1] = outFirst[s]! + outputs[s]!.length;
  const outIds = new Int32Array(outFirst[states]!);
  for (let s = 0; s < states; s++) outIds.set(outputs[s]!, outFirst[s]!);
  return { states, first, chars, to, fail, outFirst, outIds };
}

/** The keyword ids of each state, as the dense automaton lists them (one shared empty list for most states). */
export function sparseOutputs(sp: SparseAutomaton): number[][] {
  const none: number[] = [];
  const out = new Array<number[]>(sp.states);
  for (let s = 0; s < sp.states; s++) {
    const a = sp.outFirst[s]!;
    const b = sp.outFirst[s + 1]!;
    out[s] = a === b ? none : Array.from(sp.outIds.subarray(a, b));
  }
  return out;
}

export function sparseWalk(sparse: SparseAutomaton): SparseWalk {
  const root = new Int32Array(128);
  for (let e = sparse.first[0]!; e < sparse.first[1]!; e++) {
    const c = sparse.chars[e]!;
    root[c] = sparse.to[e]!;
    if (c >= 97 && c <= 122) root[c - 32] = sparse.to[e]!;
  }
  const accepts = new Uint8Array(sparse.states);
  for (let s = 0; s < sparse.states; s++) accepts[s] = sparse.outFirst[s + 1]! > sparse.outFirst[s]! ? 1 : 0;
  return { sparse, root, accepts };
}

/** The state after reading character `c` (ASCII) in state `s`. */
function step(w: SparseWalk, s: number, c: number): number {
  if (c >= 65 && c <= 90) c |= 32;
  const { first, chars, to, fail } = w.sparse;
  while (s !== 0) {
    for (let e = first[s]!, end = first[s + 1]!; e < end; e++) if (chars[e] === c) return to[e]!;
    s = fail[s]!;
  }
  return w.root[c]!;
}

/** As KeywordMatcher.scanStates (the same pairs and end state); `hits` is grown (and returned) when too small. */
export function scanSparse(w: SparseWalk, text: string, from: number, to: number, state: number, hits: Int32Array): { hits: Int32Array; length: number; state: number } {
  const accepts = w.accepts;
  let h = 0;
  let s = state;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c > 127) {
      s = 0;
      continue;
    }
    s = step(w, s, c);
    if (accepts[s] === 1) {
      if (h + 2 > hits.length) {
        const bigger = new Int32Array(hits.length * 2);
        bigger.set(hits);
        hits = bigger;
      }
      hits[h++] = s;
      hits[h++] = i + 1;
    }
  }
  return { hits, length: h, state: s };
}

/** As KeywordMatcher.anyIn: whether any keyword occurs in these bytes. */
export function anyInSparse(w: SparseWalk, bytes: Uint8Array): boolean {
  let s = 0;
  for (let i = 0, n = bytes.length; i < n; i++) {
    const c = bytes[i]!;
    if (c > 127) {
      s = 0;
      continue;
    }
    s = step(w, s, c);
    if (w.accepts[s] === 1) return true;
  }
  return false;
}
