import { describe, expect, it } from 'vitest';
import { BodyRing } from '../../../src/sources/git/body-ring.js';

const fromRing = (ring: BodyRing, b: Buffer) => b.buffer === (ring as unknown as { buf: Buffer }).buf.buffer;

describe('BodyRing (reused memory for cat-file bodies)', () => {
  it('hands out regions in order, wraps when the front is free, and never gives out a region in use', () => {
    const ring = new BodyRing(100);
    const live: Array<{ b: Buffer; fill: number }> = [];
    let fill = 0;
    // Random sizes, taken and given back in order, some held: no region in use is ever handed out again.
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    for (let step = 0; step < 3000; step++) {
      if (live.length === 0 || (live.length < 12 && rnd(2) > 0)) {
        const b = ring.take(1 + rnd(30));
        b.fill(++fill & 0xff);
        live.push({ b, fill: fill & 0xff });
      } else {
        const { b, fill: f } = live.shift()!;
        expect(b.every((x) => x === f)).toBe(true);
        ring.give(b);
      }
      for (const { b, fill: f } of live) expect(b.every((x) => x === f)).toBe(true);
    }
  });

  it('a body over a quarter of the ring, or one that finds it full, gets its own buffer', () => {
    const ring = new BodyRing(100);
    expect(fromRing(ring, ring.take(26))).toBe(false);
    const a = ring.take(25);
    const b = ring.take(25);
    const c = ring.take(25);
    const d = ring.take(25);
    expect([a, b, c, d].every((x) => fromRing(ring, x))).toBe(true);
    expect(fromRing(ring, ring.take(1))).toBe(false); // full
    ring.give(a);
    const e = ring.take(20); // wraps into a's room
    expect(fromRing(ring, e) && e.byteOffset === a.byteOffset).toBe(true);
    expect(fromRing(ring, ring.take(10))).toBe(false); // 5 bytes free before b: not there
    // Giving back a later body frees the earlier ones too (a body whose reader died is never given back).
    ring.give(d);
    ring.give(e);
    expect(ring.take(25).byteOffset).toBe(a.byteOffset);
  });
});
