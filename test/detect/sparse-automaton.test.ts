// The keyword automaton's sparse form (trie edges + failure links) walks to the same states as the dense
// table: the same hits, the same state at the end of a block, the same verdict on raw bytes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildAutomaton } from '../../src/detect/aho-corasick.js';
import { anyInSparse, scanSparse, sparseFromDense, sparseOutputs, sparseWalk } from '../../src/detect/sparse-automaton.js';
import { keywordIndex } from '../../src/detect/detector.js';
import { loadBuiltinRules } from '../../src/rules/load.js';

/** The dense table's walk, as KeywordMatcher's reference loop: (state, end) pairs and the end state. */
function denseScan(next: Int32Array, text: string, state = 0): { pairs: number[]; state: number } {
  const pairs: number[] = [];
  let s = state;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 127) {
      s = 0;
      continue;
    }
    s = next[(s << 7) | c]!;
    if (s < 0) {
      s = ~s;
      pairs.push(s, i + 1);
    }
  }
  return { pairs, state: s };
}

function denseAny(next: Int32Array, bytes: Uint8Array): boolean {
  let s = 0;
  for (const c of bytes) {
    if (c > 127) s = 0;
    else if ((s = next[(s << 7) | c]!) < 0) return true;
  }
  return false;
}

function compare(keywords: string[], texts: string[]): number {
  const { next, outputs } = buildAutomaton(keywords);
  const sparse = sparseFromDense(keywords, next, outputs);
  expect(sparseOutputs(sparse)).toEqual(outputs);
  const walk = sparseWalk(sparse);
  let found = 0;
  let state = 0;
  for (const text of texts) {
    // Each text also from the state the previous one ended in (the detector scans in blocks).
    for (const from of [0, state]) {
      const want = denseScan(next, text, from);
      const got = scanSparse(walk, text, 0, text.length, from, new Int32Array(2));
      expect(Array.from(got.hits.subarray(0, got.length))).toEqual(want.pairs);
      expect(got.state).toBe(want.state);
      found += want.pairs.length;
      state = want.state;
    }
    const bytes = Buffer.from(text, 'utf8');
    expect(anyInSparse(walk, bytes)).toBe(denseAny(next, bytes));
  }
  return found;
}

describe('the sparse keyword automaton', () => {
  it('walks as the dense table does (random keywords sharing prefixes and suffixes, random texts)', () => {
    const ch = fc.constantFrom('a', 'b', 'A', 'B', '_', '1', 'é', '\n', '@', '`');
    const kw = fc.string({ unit: fc.constantFrom('a', 'b', 'B', '_', '1', '@', '`'), minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(fc.uniqueArray(kw, { minLength: 1, maxLength: 14, selector: (k) => k.toLowerCase() }), fc.array(fc.string({ unit: ch, maxLength: 60 }), { minLength: 1, maxLength: 3 }), (keywords, texts) => {
        compare(keywords, texts);
      }),
      { numRuns: 1500 },
    );
  });

  it('walks as the dense table does for the built-in keywords, over every rule example (upper-cased and run together too)', () => {
    const rules = loadBuiltinRules();
    const keywords = [...keywordIndex(rules).keys()];
    const examples = rules.flatMap((r) => [...(r.examples ?? []), ...(r.negative_examples ?? [])].map((e) => e.text));
    expect(examples.length).toBeGreaterThan(1000);
    const texts = [...examples, examples.join('\n'), examples.join(' é ').toUpperCase(), keywords.join(''), keywords.join('\u00e9')];
    expect(compare(keywords, texts)).toBeGreaterThan(5000);
  });
});
