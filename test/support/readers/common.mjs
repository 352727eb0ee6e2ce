/** Shared by the readers: the credential hash every program prints, and a one-line failure. */
import { createHash } from 'node:crypto';

export const fp = (v) => createHash('sha256').update(String(v)).digest('hex').slice(0, 12);

export function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/** `a.b.c` in a parsed YAML document. */
export function at(doc, dotted) {
  return dotted.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), doc);
}
