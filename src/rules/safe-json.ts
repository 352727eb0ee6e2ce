/**
 * The built files the package ships (dist/builtin-rules.json, dist/builtin-automaton.json) hold rule
 * regexes, descriptions and keywords: not secrets, but as plain text a regex's `token=` or a description's
 * quoted password are what generic rules (ours, and other scanners') report in an installed package.
 */

/** JSON in which every string is letters, digits and \uXXXX escapes (JSON.parse reads the same value). */
export function scannerSafeJson(value: unknown, indent?: number): string {
  const escaped = (s: string) => '"' + s.split('').map((c) => (/[A-Za-z0-9]/.test(c) ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)).join('') + '"';
  return JSON.stringify(value, null, indent).replace(/"(?:[^"\\]|\\.)*"/g, (token) => escaped(JSON.parse(token) as string)) + '\n';
}

/**
 * scannerSafeJson with every letter rotated by 13 (its own inverse): a decoder that reverses `\\uXXXX`
 * escapes (ours does, so a JSON-escaped secret is found) would otherwise read the rules' descriptions and
 * regexes back as plain text. Read with `fromRotated`.
 */
export function rotatedSafeJson(value: unknown, indent?: number): string {
  return rotate13(Buffer.from(scannerSafeJson(value, indent), 'latin1')).toString('latin1');
}

/** The value of a file written by rotatedSafeJson (the bytes are rotated back in place: read on every start). */
export function fromRotated(bytes: Buffer): unknown {
  return JSON.parse(rotate13(bytes).toString('latin1'));
}

/** Rotates the ASCII letters of `b` by 13, in place; returns `b`. */
function rotate13(b: Buffer): Buffer {
  for (let i = 0; i < b.length; i++) {
    const c = b[i]! | 32;
    if (c >= 97 && c <= 122) b[i] = b[i]! + (c <= 109 ? 13 : -13);
  }
  return b;
}
