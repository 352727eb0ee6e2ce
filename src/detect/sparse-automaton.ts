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
}

/**
 * A sparse automaton made ready to walk: the dense table (states × 128, transitions into accepting states
 * complemented, as aho-corasick.ts builds it) filled one row at a time, when the walk first enters that
 * state. The table is allocated zeroed and never touched elsewhere, so only the rows walked cost memory
 * (a pre-commit hook's few files enter ~650 of ~8,700 states), and each character costs one table load
 * as in the dense walk.
 */
export interface SparseWalk {
  sparse: SparseAutomaton;
  rows: Int32Array;
  /** 1 for each state whose row is filled. */
  ready: Uint8Array;
  /** Keyword ids of each state: a state with any accepts. */
  outputs: readonly (readonly number[])[];
  /** Failure links followed at most from a state: the longest keyword's length (a damaged file cannot loop). */
  maxChain: number;
}

/**
 * The compact form of a dense automaton built for `keywords` (`next` as aho-corasick.ts builds it: a
 * transition into an accepting state stored complemented). A trie edge is found by walking each keyword
 * through the table; a failure link is the parent's failure state's transition on the edge's character.
 */
export function sparseFromDense(keywords: readonly string[], next: Int32Array): SparseAutomaton {
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
  return { states, first, chars, to, fail };
}

/**
 * The keyword ids of the states that end a keyword, flat: state, count, ids, state, count, ids, ... (the
 * built head file's form: most states end none).
 */
export function flatOutputs(outputs: readonly (readonly number[])[]): number[] {
  const flat: number[] = [];
  outputs.forEach((ids, s) => {
    if (ids.length > 0) flat.push(s, ids.length, ...ids);
  });
  return flat;
}

/** The keyword ids of each of `states` states from flatOutputs' form (one shared empty list for the others); undefined when it is not well formed. */
export function outputsFromFlat(flat: readonly number[], states: number, keywords: number): number[][] | undefined {
  const none: number[] = [];
  const out = new Array<number[]>(states).fill(none);
  for (let i = 0; i < flat.length; ) {
    const s = flat[i]!;
    const n = flat[i + 1]!;
    if (!(Number.isInteger(s) && s > 0 && s < states && out[s] === none && Number.isInteger(n) && n > 0 && i + 2 + n <= flat.length)) return undefined;
    const ids = flat.slice(i + 2, i + 2 + n);
    for (const id of ids) if (!(Number.isInteger(id) && id >= 0 && id < keywords)) return undefined;
    out[s] = ids;
    i += 2 + n;
  }
  return out;
}

export function sparseWalk(sparse: SparseAutomaton, keywords: readonly string[], outputs: readonly (readonly number[])[]): SparseWalk {
  let maxChain = 0;
  for (const k of keywords) maxChain = Math.max(maxChain, k.length);
  return { sparse, rows: new Int32Array(sparse.states * 128), ready: new Uint8Array(sparse.states), outputs, maxChain };
}

/**
 * Fill state `s`'s row: its failure state's row (filled first, recursively: the failure state is shallower),
 * then its own edges, upper-case letters beside lower-case ones. The root's row is its edges alone.
 */
function fillRow(w: SparseWalk, s: number, depth = 0): void {
  const { rows, ready, outputs } = w;
  const { first, chars, to, fail } = w.sparse;
  if (s !== 0) {
    const f = depth < w.maxChain ? fail[s]! : 0;
    if (ready[f] === 0) fillRow(w, f, depth + 1);
    rows.copyWithin(s << 7, f << 7, (f << 7) + 128);
  }
  for (let e = first[s]!, end = first[s + 1]!; e < end; e++) {
    const c = chars[e]!;
    const t = to[e]!;
    const v = outputs[t]!.length > 0 ? ~t : t;
    rows[(s << 7) | c] = v;
    if (c >= 97 && c <= 122) rows[(s << 7) | (c - 32)] = v;
  }
  ready[s] = 1;
}

/** As KeywordMatcher.scanStates (the same pairs and end state); `hits` is grown (and returned) when too small. */
export function scanSparse(w: SparseWalk, text: string, from: number, end: number, state: number, hits: Int32Array): { hits: Int32Array; length: number; state: number } {
  const { rows, ready } = w;
  let h = 0;
  let s = state;
  for (let i = from; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c > 127) {
      s = 0;
      continue;
    }
    if (ready[s] === 0) fillRow(w, s);
    s = rows[(s << 7) | c]!;
    if (s < 0) {
      s = ~s;
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
  const { rows, ready } = w;
  let s = 0;
  for (let i = 0, n = bytes.length; i < n; i++) {
    const c = bytes[i]!;
    if (c > 127) {
      s = 0;
      continue;
    }
    if (ready[s] === 0) fillRow(w, s);
    s = rows[(s << 7) | c]!;
    if (s < 0) return true;
  }
  return false;
}
