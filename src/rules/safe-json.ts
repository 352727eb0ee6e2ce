/**
 * The built files the package ships (dist/builtin-rules.bin, dist/builtin-scan-rules.bin,
 * dist/builtin-automaton.json) hold rule regexes, descriptions and keywords: not secrets, but as plain text a
 * regex's `token=` or a description's quoted password are what generic rules (ours, and other scanners')
 * report in an installed package.
 */

/** JSON in which every string is letters, digits and \uXXXX escapes (JSON.parse reads the same value). */
export function scannerSafeJson(value: unknown, indent?: number): string {
  const escaped = (s: string) => '"' + s.split('').map((c) => (/[A-Za-z0-9]/.test(c) ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)).join('') + '"';
  return JSON.stringify(value, null, indent).replace(/"(?:[^"\\]|\\.)*"/g, (token) => escaped(JSON.parse(token) as string)) + '\n';
}

/**
 * JSON (non-ASCII characters escaped, so every byte is ASCII) with the high bit of every byte set: no byte
 * is an ASCII character, so no text scanner, decoder or `strings` pass reads a character of it, and it
 * reads back without a byte loop in JavaScript (`fromMasked`). Read on every start: a rotated-letter form
 * of escaped JSON cost a JS pass over twice the bytes and a slower parse.
 */
export function maskedJson(value: unknown): Buffer {
  const ascii = JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const b = Buffer.from(ascii, 'latin1');
  for (let i = 0; i < b.length; i++) b[i] = b[i]! | 0x80;
  return b;
}

/** Node's 'ascii' decoding clears each byte's high bit (documented); checked once, with a JS loop if not. */
let asciiClearsHighBit: boolean | undefined;

/** The value of a file written by maskedJson (throws on anything else, as JSON.parse does). */
export function fromMasked(bytes: Buffer): unknown {
  asciiClearsHighBit ??= Buffer.from([0xe1]).toString('ascii') === 'a';
  if (!asciiClearsHighBit) for (let i = 0; i < bytes.length; i++) bytes[i] = bytes[i]! & 0x7f;
  return JSON.parse(bytes.toString('ascii'));
}
