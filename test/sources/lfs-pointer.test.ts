/** Git LFS pointers: only a pointer exactly as the spec writes it is skipped; anything else is scanned. */
import { describe, expect, it } from 'vitest';
import { isLfsPointer, skipReason } from '../../src/sources/decode-text.js';
import { loadBuiltinRules } from '../../src/rules/load.js';
import { createDetector } from '../../src/detect/detector.js';
import { fakeKey, keyLine } from './git/helpers.js';

const HEADER = 'version https://git-lfs.github.com/spec/v1\n';
const OID = 'oid sha256:' + 'ab'.repeat(32) + '\n';
const b = (s: string) => Buffer.from(s, 'latin1');

describe('isLfsPointer', () => {
  it('accepts a spec pointer, with or without extension lines', () => {
    expect(isLfsPointer(b(HEADER + OID + 'size 12345\n'))).toBe(true);
    expect(isLfsPointer(b(HEADER + 'ext-0-foo sha256:' + 'cd'.repeat(32) + '\n' + OID + 'size 0\n'))).toBe(true);
  });

  it('scans a file that only starts with the LFS header line', () => {
    for (const text of [
      HEADER + keyLine(1), // a token on the second line
      HEADER + OID + 'size 12\n' + keyLine(2), // a valid pointer with a line appended
      HEADER + keyLine(3) + OID + 'size 12\n', // a line inserted
      HEADER + 'oid sha256:' + 'ab'.repeat(31) + '\nsize 1\n', // a short oid
      HEADER + 'oid sha1:' + 'ab'.repeat(32) + '\nsize 1\n', // another hash
      HEADER + OID + 'size 12 ' + fakeKey(4) + '\n', // junk after the size
      HEADER + OID + 'size 12\ncomment x\n', // an unknown key
    ]) {
      expect(isLfsPointer(b(text)), JSON.stringify(text.slice(44, 80))).toBe(false);
      expect(skipReason(b(text))).toBeUndefined();
    }
  });

  it('a token after the header is found', () => {
    const d = createDetector(loadBuiltinRules());
    const text = HEADER + keyLine(5);
    expect(skipReason(b(text))).toBeUndefined();
    expect(d.detect({ text, provenance: { kind: 'file', path: 'model.bin' } }).map((f) => f.rule)).toContain('aws-access-key-id');
  });
});
