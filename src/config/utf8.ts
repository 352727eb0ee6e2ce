/**
 * Config and rules files are UTF-8. Read leniently, invalid bytes would become U+FFFD and a pattern or a
 * stopword would silently stop matching what the user wrote; so they are an error naming file and line.
 */
import { SweepError } from '../errors.js';

/** Decode UTF-8 or throw a one-line SweepError at `where:LINE` naming the first invalid byte. */
export function decodeUtf8Strict(bytes: Buffer, where: string): string {
  const text = bytes.toString('utf8');
  const again = Buffer.from(text, 'utf8');
  if (again.equals(bytes)) return text;
  // Lossy decoding replaced the first invalid sequence with U+FFFD's bytes: it starts where the bytes differ.
  let i = 0;
  while (i < bytes.length && bytes[i] === again[i]) i++;
  let line = 1;
  for (let j = 0; j < i; j++) if (bytes[j] === 0x0a) line++;
  throw new SweepError(`not valid UTF-8 (byte 0x${bytes[i]!.toString(16).padStart(2, '0')}); save the file as UTF-8`, `${where}:${line}`);
}
