import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MIN_RUN, strings } from '../../src/sources/binary-text.js';

/** `strings` as first written: a character at a time. */
function reference(b: Uint8Array): string {
  const out: string[] = [];
  const printable = (c: number) => (c >= 0x20 && c < 0x7f) || c === 0x09;
  const scan = (step: 1 | 2, from: number, char: 0 | 1) => {
    let s = '';
    const flush = () => {
      if (s.length >= MIN_RUN) out.push(s);
      s = '';
    };
    for (let i = from; i + step <= b.length; i += step) {
      const c = b[i + char]!;
      if (printable(c) && (step === 1 || b[i + 1 - char] === 0)) s += String.fromCharCode(c);
      else flush();
    }
    flush();
  };
  scan(1, 0, 0);
  for (const from of [0, 1] as const) scan(2, from, 0);
  for (const from of [0, 1] as const) scan(2, from, 1);
  return out.join('\n');
}

describe('strings of binary content', () => {
  it('the runs of ASCII and UTF-16 LE/BE text the one-character-at-a-time reference finds (random bytes)', () => {
    const byte = fc.oneof(fc.constantFrom(0, 0x09, 0x0a, 0x7f, 0x80, 0xff), fc.integer({ min: 0x20, max: 0x7e }));
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 300 }), (bytes) => {
        const b = Uint8Array.from(bytes);
        expect(strings(b)).toBe(reference(b));
      }),
      { numRuns: 3000 },
    );
  });

  it('finds a secret-like run in each encoding, in a subarray of a larger buffer', () => {
    const word = 'token=abcdefgh';
    const le = Buffer.from(word, 'utf16le');
    const be = Buffer.from(Buffer.from(word, 'utf16le').swap16());
    const whole = Buffer.concat([Buffer.from([1, 2, 0]), Buffer.from(word), Buffer.from([0, 0xff]), le, Buffer.from([0xff, 0xfe]), be, Buffer.from([7])]);
    const text = strings(whole.subarray(1));
    expect(text.split('\n').filter((l) => l === word)).toHaveLength(3);
    expect(text).toBe(reference(whole.subarray(1)));
  });
});
