import { describe, expect, it } from 'vitest';
import { LineBounds, LineIndex, WindowBuilder } from '../../src/detect/line-index.js';

/** The windows as the detector built them before LineBounds: from a full LineIndex. */
function reference(text: string, positions: number[], context: number): Array<readonly [number, number]> {
  const lines = new LineIndex(text);
  const spans: number[] = [];
  for (const p of positions) {
    const line = lines.lineOf(Math.max(0, p - 1));
    const ws = lines.startOf(Math.max(1, line - context));
    const we = Math.min(lines.nextStart(Math.min(lines.count, line + context)), lines.length);
    const n = spans.length;
    if (n > 0 && ws <= spans[n - 1]!) spans[n - 1] = Math.max(spans[n - 1]!, we);
    else spans.push(ws, we);
  }
  const out: Array<readonly [number, number]> = [];
  for (let i = 0; i < spans.length; i += 2) out.push([spans[i]!, spans[i + 1]!]);
  return out;
}

/** A small deterministic PRNG (mulberry32): the same texts on every run. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('LineBounds (windows around keyword hits without a line index)', () => {
  it('gives the windows a full LineIndex gives, for LF, CRLF and lone-CR texts', () => {
    const rand = prng(15);
    for (let n = 0; n < 3000; n++) {
      const alphabet = n % 3 === 0 ? ['a', 'b', '\n', '\r'] : ['a', 'b', 'c', '\n'];
      const len = 1 + Math.floor(rand() * 40);
      let text = '';
      for (let i = 0; i < len; i++) text += alphabet[Math.floor(rand() * alphabet.length)];
      const positions: number[] = [];
      for (let p = 1; p <= len; p++) if (rand() < 0.3) positions.push(p);
      for (const context of [0, 1]) {
        // Two builders over one LineBounds, as the detector shares it between the hot lines and each rule.
        const bounds = new LineBounds(text, () => new LineIndex(text));
        const a = new WindowBuilder(() => bounds, context);
        const b = new WindowBuilder(() => bounds, 1 - context);
        for (const p of positions) {
          a.add(p);
          b.add(p);
        }
        expect(a.windows(), JSON.stringify({ text, positions, context })).toEqual(reference(text, positions, context));
        expect(b.windows()).toEqual(reference(text, positions, 1 - context));
      }
    }
  });

  it('does not index an LF-only text', () => {
    let indexed = 0;
    const text = 'x\ntoken = 1\ny\n';
    const bounds = new LineBounds(text, () => (indexed++, new LineIndex(text)));
    const w = new WindowBuilder(() => bounds, 1);
    w.add(text.indexOf('token') + 5);
    expect(w.windows()).toEqual([[0, text.length]]);
    expect(indexed).toBe(0);
  });
});
