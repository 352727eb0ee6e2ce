import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MIN_RUN, strings } from '../../src/sources/binary-text.js';
import { bytesToText, ChunkDecoder } from '../../src/sources/decode-text.js';

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
  // UTF-32: a printable byte with three zero bytes after it (LE) or before it (BE), every 4 bytes.
  const zero3 = (at: number) => at >= 0 && at + 3 <= b.length && b[at] === 0 && b[at + 1] === 0 && b[at + 2] === 0;
  for (let from = 0; from < 4; from++) {
    let s = '';
    for (let i = from; i < b.length; i += 4) {
      if (printable(b[i]!) && (zero3(i + 1) || zero3(i - 3))) s += String.fromCharCode(b[i]!);
      else {
        if (s.length >= MIN_RUN) out.push(s);
        s = '';
      }
    }
    if (s.length >= MIN_RUN) out.push(s);
  }
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

  it('runs of UTF-16 LE and BE characters among random bytes and zero stretches: the reference agrees (property)', () => {
    // The UTF-16 passes read only chains of zeros 2 apart: runs at both alignments, shorter and longer
    // than MIN_RUN, broken by a control character, next to long zero stretches.
    const byte = fc.oneof(fc.constantFrom(0, 0, 0, 0x09, 0x7f, 0xff), fc.integer({ min: 0x20, max: 0x7e }));
    const char = fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.constantFrom(0x01, 0x7f));
    const u16 = fc.array(char, { minLength: 1, maxLength: 20 }).chain((cs) => fc.boolean().map((le) => cs.flatMap((c) => (le ? [c, 0] : [0, c]))));
    const piece = fc.oneof(fc.array(byte, { maxLength: 12 }), u16, fc.integer({ min: 1, max: 24 }).map((n) => Array<number>(n).fill(0)));
    // Exactly MIN_RUN units, the next byte at their zeros' parity not zero: the shortest chain that counts.
    const exact = 'abcdefghijkl'.slice(0, MIN_RUN);
    const A = (n: number) => Buffer.alloc(n, 0x41);
    for (const b of [Buffer.concat([Buffer.from(exact, 'utf16le'), A(3)]), Buffer.concat([A(1), Buffer.from(exact, 'utf16le').swap16(), A(2)])]) {
      expect(strings(b).split('\n')).toContain(exact);
      expect(strings(b)).toBe(reference(b));
    }
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const b = Uint8Array.from(pieces.flat());
        expect(strings(b)).toBe(reference(b));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads UTF-32 LE and BE text (with or without a BOM, at any offset): the UTF-16 scan sees none of it', () => {
    const word = 'token=abcdefgh';
    const le = Buffer.from([...word].flatMap((c) => [c.charCodeAt(0), 0, 0, 0]));
    const be = Buffer.from([...word].flatMap((c) => [0, 0, 0, c.charCodeAt(0)]));
    for (const data of [Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), le]), Buffer.concat([Buffer.from([0, 0, 0xfe, 0xff]), be]), Buffer.concat([Buffer.from([9, 9, 1]), le, Buffer.from([5]), be])]) {
      const text = strings(data);
      expect(text.split('\n')).toContain(word);
      expect(text).toBe(reference(data));
    }
  });

  it('a run of UTF-32 characters with random bytes around it: the reference agrees (property)', () => {
    const byte = fc.oneof(fc.constantFrom(0, 0, 0, 0x7f, 0xff), fc.integer({ min: 0x20, max: 0x7e }));
    const u32 = fc.array(fc.integer({ min: 0x20, max: 0x7e }), { minLength: 6, maxLength: 20 }).chain((cs) =>
      fc.boolean().map((le) => cs.flatMap((c) => (le ? [c, 0, 0, 0] : [0, 0, 0, c]))),
    );
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 40 }), u32, fc.array(byte, { maxLength: 40 }), (a, mid, z) => {
        const b = Uint8Array.from([...a, ...mid, ...z]);
        expect(strings(b)).toBe(reference(b));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('a UTF-16 BOM in front of bytes that are not UTF-16', () => {
  const line = ['token', '=', '"abcdefgh' + '12345678"'].join(' '); // built: the project scans itself
  it('no NUL byte after the BOM: decoded as UTF-8, lines where they are', () => {
    for (const bom of [[0xff, 0xfe], [0xfe, 0xff]]) expect(bytesToText(Buffer.concat([Buffer.from(bom), Buffer.from(`\n${line}\n`)])).split('\n')[1]).toBe(line);
  });

  it('UTF-16 text with ASCII bytes in it: the UTF-16 text, then the ASCII runs; real UTF-16 text gains nothing', () => {
    const real = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`a = 1\n${line}\n`, 'utf16le')]);
    expect(bytesToText(real)).toBe(`a = 1\n${line}\n`);
    const mixed = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a = 1\n', 'utf16le'), Buffer.from(`\n${line}\n`)]);
    expect(bytesToText(mixed).split('\n')).toContain(line);
  });

  it('in chunks, a run cut by a chunk edge is read whole', () => {
    const data = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('x = 1\n', 'utf16le'), Buffer.from(`\n${line}\n`)]);
    for (let cut = 3; cut < data.length; cut++) {
      const d = new ChunkDecoder(data.subarray(0, cut));
      const text = d.decode(data.subarray(0, cut), false) + d.decode(data.subarray(cut), true);
      expect(text.split('\n'), `cut at ${cut}`).toContain(line);
    }
  });
});
